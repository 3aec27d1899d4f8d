#pragma once
// Byte containers used at module boundaries: owned `bytes`, borrowed `bytes_view`.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace brook {

using bytes = std::vector<uint8_t>;
using bytes_view = std::span<const uint8_t>;

inline bytes_view as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_string_view(bytes_view b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

} // namespace brook

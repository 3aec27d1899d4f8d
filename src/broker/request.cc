#include "brook/broker/request.h"

namespace brook::broker {

std::optional<request_prefix> request_prefix::parse(bytes_view frame) noexcept {
    if (frame.size() < size) {
        return std::nullopt;
    }
    auto u16 = [&](size_t at) { return static_cast<uint16_t>((frame[at] << 8) | frame[at + 1]); };
    request_prefix p;
    p.api_key = static_cast<int16_t>(u16(0));
    p.api_version = static_cast<int16_t>(u16(2));
    p.correlation_id = static_cast<int32_t>((uint32_t{u16(4)} << 16) | u16(6));
    return p;
}

} // namespace brook::broker

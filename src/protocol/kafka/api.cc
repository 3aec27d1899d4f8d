#include "brook/protocol/kafka/api.h"

#include <algorithm>

namespace brook::protocol::kafka {

const api_info* find_api(int16_t key) noexcept {
    auto table = api_table();
    auto it = std::lower_bound(table.begin(), table.end(), key, [](const api_info& a, int16_t k) { return a.key < k; });
    if (it == table.end() || it->key != key) {
        return nullptr;
    }
    return &*it;
}

bool is_flexible(int16_t key, int16_t version) noexcept {
    const api_info* api = find_api(key);
    return api != nullptr && api->first_flexible_version >= 0 && version >= api->first_flexible_version;
}

int16_t request_header_version(int16_t key, int16_t version) noexcept {
    return is_flexible(key, version) ? 2 : 1;
}

int16_t response_header_version(int16_t key, int16_t version) noexcept {
    constexpr int16_t api_versions_key = 18;
    if (key == api_versions_key) {
        return 0;
    }
    return is_flexible(key, version) ? 1 : 0;
}

int16_t highest_common_version(int16_t our_min, int16_t our_max, int16_t their_min, int16_t their_max) noexcept {
    const int16_t lo = std::max(our_min, their_min);
    const int16_t hi = std::min(our_max, their_max);
    return lo <= hi ? hi : int16_t{-1};
}

} // namespace brook::protocol::kafka

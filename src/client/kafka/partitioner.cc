#include "brook/client/kafka/partitioner.h"

namespace brook::client::kafka {

int32_t murmur2(bytes_view data) noexcept {
    // Arithmetic in uint32_t matches Java's wrapping int arithmetic; Java's >>> is the unsigned shift.
    constexpr uint32_t seed = 0x9747b28cU;
    constexpr uint32_t m = 0x5bd1e995U;
    constexpr int r = 24;
    const auto length = static_cast<uint32_t>(data.size());
    uint32_t h = seed ^ length;
    const size_t blocks = data.size() / 4;
    for (size_t i = 0; i < blocks; ++i) {
        const uint8_t* p = data.data() + i * 4;
        uint32_t k = uint32_t(p[0]) | (uint32_t(p[1]) << 8U) | (uint32_t(p[2]) << 16U) | (uint32_t(p[3]) << 24U);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const uint8_t* tail = data.data() + blocks * 4;
    switch (data.size() % 4) {
    case 3:
        h ^= uint32_t(tail[2]) << 16U;
        [[fallthrough]];
    case 2:
        h ^= uint32_t(tail[1]) << 8U;
        [[fallthrough]];
    case 1:
        h ^= uint32_t(tail[0]);
        h *= m;
        break;
    default:
        break;
    }
    h ^= h >> 13U;
    h *= m;
    h ^= h >> 15U;
    return static_cast<int32_t>(h);
}

int32_t partition_for_key(bytes_view key, int32_t partitions) noexcept {
    return to_positive(murmur2(key)) % partitions;
}

int32_t sticky_partitioner::current(int32_t partitions) {
    if (_current < 0 || _current >= partitions) {
        _current = static_cast<int32_t>(_rng() % static_cast<uint32_t>(partitions));
    }
    return _current;
}

void sticky_partitioner::batch_closed(int32_t partitions) {
    if (partitions <= 1) {
        _current = 0;
        return;
    }
    // A different partition than the one just filled, uniformly among the others.
    const auto step = 1 + static_cast<int32_t>(_rng() % static_cast<uint32_t>(partitions - 1));
    _current = ((_current < 0 ? 0 : _current) + step) % partitions;
}

} // namespace brook::client::kafka

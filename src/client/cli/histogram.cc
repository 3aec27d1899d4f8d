#include "histogram.h"

#include <algorithm>
#include <bit>

namespace brook::cli {

size_t latency_histogram::index(uint64_t v) noexcept {
    if (v < 128) {
        return static_cast<size_t>(v);
    }
    const int msb = 63 - std::countl_zero(v);
    const int shift = msb - 6;
    return static_cast<size_t>((shift + 1) * 64) + static_cast<size_t>((v >> static_cast<unsigned>(shift)) - 64);
}

uint64_t latency_histogram::lower_bound(size_t idx) noexcept {
    if (idx < 128) {
        return idx;
    }
    const size_t shift = idx / 64 - 1;
    return (static_cast<uint64_t>(idx % 64) + 64) << shift;
}

void latency_histogram::record(uint64_t us) {
    const size_t i = std::min(index(us), _counts.size() - 1);
    ++_counts[i];
    ++_total;
    _sum += us;
    _max = std::max(_max, us);
}

uint64_t latency_histogram::percentile(double q) const {
    if (_total == 0) {
        return 0;
    }
    const auto want = static_cast<uint64_t>(q * static_cast<double>(_total));
    uint64_t seen = 0;
    for (size_t i = 0; i < _counts.size(); ++i) {
        seen += _counts[i];
        if (seen > want || seen == _total) {
            return std::min(lower_bound(i), _max);
        }
    }
    return _max;
}

} // namespace brook::cli

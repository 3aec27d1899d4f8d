#pragma once
// A log-linear latency histogram (microseconds): exact below 128 us, then 64 buckets per power
// of two (relative error under 1.6 %), fixed memory, O(1) record.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace brook::cli {

class latency_histogram {
public:
    latency_histogram() : _counts(64 * 60, 0) {}
    void record(uint64_t us);
    /// The value at quantile `q` in [0, 1] (the lower bound of its bucket); 0 when empty.
    uint64_t percentile(double q) const;
    uint64_t count() const noexcept { return _total; }
    uint64_t max() const noexcept { return _max; }
    double mean() const noexcept { return _total == 0 ? 0.0 : static_cast<double>(_sum) / static_cast<double>(_total); }

private:
    static size_t index(uint64_t v) noexcept;
    static uint64_t lower_bound(size_t idx) noexcept;
    std::vector<uint64_t> _counts;
    uint64_t _total = 0;
    uint64_t _sum = 0;
    uint64_t _max = 0;
};

} // namespace brook::cli

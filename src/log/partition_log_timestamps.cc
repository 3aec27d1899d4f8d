// ListOffsets' MAX_TIMESTAMP lookup (KIP-734). Kept apart from the append and read paths: it only
// reads the segments' cached max timestamps and then reuses the timestamp lookup.
#include "brook/log/partition_log.h"
#include "segment.h"

namespace brook::log {

result<std::optional<timestamp_lookup>> partition_log::max_timestamp_offset() {
    auto segs = snapshot();
    const offset start = log_start_offset();
    int64_t max_ts = -1;
    for (const auto& seg : *segs) {
        if (seg->next_offset() > start) {
            max_ts = std::max(max_ts, seg->max_timestamp());
        }
    }
    if (max_ts < 0) {
        return std::optional<timestamp_lookup>{};
    }
    // The first batch whose max timestamp reaches the largest one holds it, and the first record
    // in it at or above that time is the record itself: ties resolve to the lowest offset, as in
    // Kafka. Segments whose cached max is lower are skipped without being read.
    return offset_for_timestamp(max_ts);
}

} // namespace brook::log

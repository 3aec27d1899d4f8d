#pragma once
// One partition replica hosted by this broker: its log, offsets and leadership state.
//
// Shaped for replication: the leader epoch, the ISR and the high watermark live here, and the high
// watermark advances to the smallest log end offset in the ISR (with the leader alone in the ISR,
// to the log end offset). Guarded by a short mutex held only for the in-memory update.
//
// Storage is a log::partition_log: batches are kept exactly as produced (offsets and leader epoch
// assigned in place), so a Fetch returns the bytes the producer sent.
#include "brook/common/bytes.h"
#include "brook/log/partition_log.h"
#include "brook/protocol/kafka/error_code.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace brook::broker {

using kafka_error = protocol::kafka::error_code;

struct append_result {
    kafka_error error = kafka_error::none;
    int64_t base_offset = -1;
    int64_t log_start_offset = 0;
};

struct read_result {
    kafka_error error = kafka_error::none;
    int64_t high_watermark = 0;
    int64_t log_start_offset = 0;
    int64_t last_stable_offset = 0;
    /// Whole record batches starting at or before the fetch offset.
    bytes records;
    /// The same batches left in their segment file (read_region); length 0 when none.
    log::file_region region;
};

class partition {
public:
    partition(std::string topic, int32_t index, std::shared_ptr<log::partition_log> log);

    const std::string& topic() const noexcept { return _topic; }
    int32_t index() const noexcept { return _index; }

    /// Appends validated record batches (see produce_validation.h), assigning offsets from the log
    /// end offset and stamping the leader epoch; then advances the high watermark.
    append_result append(bytes batches, int32_t leader_epoch);

    /// Batches from `offset` up to `max_bytes` (at least one whole batch when `min_one` and there is
    /// one, else nothing when the first batch does not fit), never past the high watermark.
    /// OFFSET_OUT_OF_RANGE outside [log start, log end].
    read_result read(int64_t offset, int32_t max_bytes, bool min_one) const;
    /// Same as read(), but the batches stay in the segment file: `region` holds a reference to the
    /// open file, so it stays readable after retention deletes the segment.
    read_result read_region(int64_t offset, int32_t max_bytes, bool min_one) const;

    int64_t log_start_offset() const;
    int64_t log_end_offset() const;
    int64_t high_watermark() const;
    /// Bytes a fetch at `offset` would get now (for long-polling fetches).
    uint64_t bytes_available_from(int64_t offset) const;

    /// Offset of the first batch whose max timestamp is >= `timestamp` (ListOffsets), with that
    /// timestamp; nullopt when none.
    std::optional<std::pair<int64_t, int64_t>> offset_for_timestamp(int64_t timestamp) const;

private:
    const std::string _topic;
    const int32_t _index;
    /// Serialises appends with the high-watermark update that follows them.
    std::mutex _append_mutex;
    std::shared_ptr<log::partition_log> _log;
};

} // namespace brook::broker

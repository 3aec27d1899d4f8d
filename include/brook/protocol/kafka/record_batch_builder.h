#pragma once
// Builds one RecordBatch v2 (layout in record_batch.h, records in record.h) with its CRC.
//
// Defaults follow what Kafka clients write: baseTimestamp = first record's timestamp, maxTimestamp =
// the largest record timestamp, offsetDelta = append index, producer fields -1, leader epoch -1.
// Each default can be overridden to reproduce a client's bytes exactly.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record.h"
#include "brook/protocol/kafka/record_batch.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace brook::protocol::kafka {

/// An owned record header.
struct record_header {
    std::string key;
    std::optional<bytes> value;
    bool operator==(const record_header&) const = default;
};

/// The input of one record; the builder copies what it needs during append().
struct record_input {
    int64_t timestamp = -1;
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    std::vector<record_header> headers;
    /// Offset relative to the batch's base offset; the append index when unset.
    std::optional<int32_t> offset_delta;
};

class record_batch_builder {
public:
    record_batch_builder() = default;

    record_batch_builder& base_offset(int64_t v) noexcept;
    record_batch_builder& partition_leader_epoch(int32_t v) noexcept;
    record_batch_builder& compression(compression_type c, compress_options opts = {}) noexcept;
    record_batch_builder& log_append_time(int64_t append_time_ms) noexcept;
    record_batch_builder& producer(int64_t id, int16_t epoch, int32_t base_sequence) noexcept;
    record_batch_builder& transactional(bool v = true) noexcept;
    record_batch_builder& control(bool v = true) noexcept;
    /// Override the defaults derived from the records.
    record_batch_builder& base_timestamp(int64_t v) noexcept;
    record_batch_builder& max_timestamp(int64_t v) noexcept;
    record_batch_builder& last_offset_delta(int32_t v) noexcept;

    /// Encodes one record into the pending payload.
    record_batch_builder& append(const record_input& r);
    /// Convenience: a record with key/value given as strings (no headers).
    record_batch_builder& append(int64_t timestamp, std::optional<std::string_view> key,
                                 std::optional<std::string_view> value);
    /// Appends a transaction marker and marks the batch as control + transactional.
    record_batch_builder& append_control(int64_t timestamp, control_record_type type, int32_t coordinator_epoch);

    size_t record_count() const noexcept { return _count; }
    /// Approximate bytes of the uncompressed records so far (for callers capping the batch size).
    size_t payload_size() const noexcept { return _approx_size; }

    /// Produces the batch. Fails on a compression error or when timestamps/offsets do not fit.
    result<bytes> build() const;

private:
    struct owned_record {
        int64_t timestamp;
        int32_t offset_delta;
        std::optional<bytes> key;
        std::optional<bytes> value;
        std::vector<record_header> headers;
    };

    bytes encode_payload(int64_t base_ts) const;

    record_batch_header _header;
    compress_options _compress_opts;
    size_t _count = 0;
    size_t _approx_size = 0;
    int32_t _next_delta = 0;
    std::optional<int64_t> _base_ts_override;
    std::optional<int64_t> _max_ts_override;
    std::optional<int32_t> _last_delta_override;
    std::optional<int64_t> _log_append_time;
    // Records are encoded as deltas against the base timestamp, which may be set after the appends,
    // so they are kept until build().
    std::vector<owned_record> _records;
};

} // namespace brook::protocol::kafka

#pragma once
// What the log needs to know of a Kafka v2 record batch: its 61-byte header, its CRC, and the
// three header fields a leader rewrites. Big-endian, as on the wire and on disk:
//
// The layout is documented in brook/protocol/kafka/record_batch.h; this header adapts that view to
// the log's strong types (offset, leader_epoch) and keeps the log's use of protocol in one place.
#include "brook/common/bytes.h"
#include "brook/common/ids.h"
#include "brook/common/result.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace brook::log {

inline constexpr size_t batch_header_size = 61;
/// base_offset + batch_length: the part of a batch not counted in batch_length.
inline constexpr size_t batch_log_overhead = 12;
inline constexpr int8_t batch_magic_v2 = 2;
inline constexpr int16_t attr_log_append_time = 0x08;
inline constexpr int16_t attr_control = 0x20;

struct batch_header {
    offset base_offset{0};
    int32_t batch_length = 0;
    leader_epoch epoch{-1};
    int8_t magic = 0;
    uint32_t crc = 0;
    int16_t attributes = 0;
    int32_t last_offset_delta = 0;
    int64_t base_timestamp = -1;
    int64_t max_timestamp = -1;
    int32_t record_count = 0;

    offset last_offset() const noexcept { return base_offset + last_offset_delta; }
    offset next_offset() const noexcept { return base_offset + (int64_t{last_offset_delta} + 1); }
    size_t size_bytes() const noexcept { return size_t(batch_length) + batch_log_overhead; }
    bool is_control() const noexcept { return (attributes & attr_control) != 0; }
};

/// Parses a 61-byte header (the rest of the batch need not be present). Fails with
/// errc::corrupt_batch when the length is impossible, the magic is not 2 or a count is negative.
result<batch_header> parse_batch_header(bytes_view data) noexcept;

/// Checks the framing of `count` uncompressed records filling `payload` exactly: the same checks,
/// with the same results, as protocol::kafka::validate_records (record length, attributes, varint
/// widths, key/value/header lengths within the record, no trailing bytes), in one pass with every
/// varint decoded inline. It is the leader's hottest loop after the CRC.
bool record_framing_ok(bytes_view payload, int32_t count) noexcept;

enum class batch_check { ok, crc_mismatch, bad_records };

/// The leader's checks of a whole uncompressed batch: the CRC32C (`crc_mismatch` takes
/// precedence), then record_framing_ok() of its records (`bad_records`). Two passes: checking
/// the framing chunk by chunk behind the CRC (to read L1-resident bytes) measured slower.
batch_check batch_checks(bytes_view batch, int32_t count) noexcept;

/// True when the CRC32C stored in `batch` (a whole batch) matches its contents.
bool batch_crc_matches(bytes_view batch) noexcept;

/// Header rewrites done by a leader. REQUIRES: `batch` holds at least a whole header.
void set_base_offset(std::span<uint8_t> batch, offset base) noexcept;
void set_partition_leader_epoch(std::span<uint8_t> batch, leader_epoch epoch) noexcept;
/// Sets the timestamp type to LogAppendTime and max_timestamp to `ts`, then recomputes the CRC.
void set_log_append_time(std::span<uint8_t> batch, int64_t ts) noexcept;

} // namespace brook::log

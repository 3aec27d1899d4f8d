#pragma once
// The fixed header of a Kafka RecordBatch (magic 2), as stored in the log and sent on the wire.
//
// Layout (all integers big-endian; offsets from the start of the batch):
//
//   off  size  field
//     0     8  baseOffset            int64   offset of the first record
//     8     4  batchLength           int32   bytes after this field (whole batch = batchLength + 12)
//    12     4  partitionLeaderEpoch  int32
//    16     1  magic                 int8    always 2
//    17     4  crc                   uint32  CRC-32C of bytes [21, end of batch)
//    21     2  attributes            int16   bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4,
//                                            4 zstd), bit 3 timestamp type (1 = LogAppendTime),
//                                            bit 4 transactional, bit 5 control, bit 6 delete horizon
//    23     4  lastOffsetDelta       int32
//    27     8  baseTimestamp         int64   (the delete horizon when bit 6 is set)
//    35     8  maxTimestamp          int64
//    43     8  producerId            int64   -1 when not idempotent
//    51     2  producerEpoch         int16
//    53     4  baseSequence          int32
//    57     4  recordsCount          int32
//    61     -  records               (compressed as a whole when compression != none)
//
// baseOffset, batchLength, partitionLeaderEpoch and magic are outside the CRC, so a broker can
// assign offsets and the leader epoch in place; LogAppendTime changes covered bytes and needs a new
// CRC (set_log_append_time below does both).
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/record_errc.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace brook::protocol::kafka {

namespace record_batch_layout {
constexpr size_t base_offset = 0;
constexpr size_t batch_length = 8;
constexpr size_t partition_leader_epoch = 12;
constexpr size_t magic = 16;
constexpr size_t crc = 17;
constexpr size_t attributes = 21;
constexpr size_t last_offset_delta = 23;
constexpr size_t base_timestamp = 27;
constexpr size_t max_timestamp = 35;
constexpr size_t producer_id = 43;
constexpr size_t producer_epoch = 51;
constexpr size_t base_sequence = 53;
constexpr size_t records_count = 57;
/// Size of the fixed header; records start here.
constexpr size_t header_size = 61;
/// Bytes before batchLength's coverage starts (baseOffset + batchLength).
constexpr size_t log_overhead = 12;
/// First byte covered by the CRC.
constexpr size_t crc_start = attributes;
/// The only magic value a RecordBatch may carry.
constexpr int8_t current_magic = 2;
} // namespace record_batch_layout

enum class compression_type : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };
enum class timestamp_type : uint8_t { create_time = 0, log_append_time = 1 };

namespace batch_attributes {
constexpr int16_t compression_mask = 0x07;
constexpr int16_t log_append_time = 0x08;
constexpr int16_t transactional = 0x10;
constexpr int16_t control = 0x20;
constexpr int16_t delete_horizon = 0x40;
} // namespace batch_attributes

/// Decoded copy of the 61-byte header.
struct record_batch_header {
    int64_t base_offset = 0;
    int32_t batch_length = 0;
    int32_t partition_leader_epoch = -1;
    int8_t magic = record_batch_layout::current_magic;
    uint32_t crc = 0;
    int16_t attributes = 0;
    int32_t last_offset_delta = 0;
    int64_t base_timestamp = -1;
    int64_t max_timestamp = -1;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int32_t records_count = 0;

    /// The raw compression bits; values above 4 are rejected by the decoders, not here.
    compression_type compression() const noexcept {
        return static_cast<compression_type>(attributes & batch_attributes::compression_mask);
    }
    timestamp_type ts_type() const noexcept {
        return (attributes & batch_attributes::log_append_time) != 0 ? timestamp_type::log_append_time
                                                                     : timestamp_type::create_time;
    }
    bool is_transactional() const noexcept { return (attributes & batch_attributes::transactional) != 0; }
    bool is_control() const noexcept { return (attributes & batch_attributes::control) != 0; }
    bool has_delete_horizon() const noexcept { return (attributes & batch_attributes::delete_horizon) != 0; }
    /// Size of the whole batch in bytes, header included.
    size_t size_bytes() const noexcept { return static_cast<size_t>(batch_length) + record_batch_layout::log_overhead; }
    /// Wraps (rather than overflowing) for corrupt headers near the int64 limits.
    int64_t last_offset() const noexcept {
        return static_cast<int64_t>(static_cast<uint64_t>(base_offset) + static_cast<uint64_t>(last_offset_delta));
    }
    /// Offset the next batch in the log would start at.
    int64_t next_offset() const noexcept { return static_cast<int64_t>(static_cast<uint64_t>(last_offset()) + 1U); }
};

/// Parses the header at the start of `data`. Checks: at least 61 bytes, magic == 2, and
/// 49 <= batchLength (header without its first 12 bytes) with the whole batch fitting in `data`.
/// Does not check the CRC (see crc_matches) nor the records.
result<record_batch_header> parse_record_batch_header(bytes_view data) noexcept;

/// Like parse_record_batch_header but does not require the whole batch to be present: for readers
/// that fetch the header first and the body afterwards. Still checks batchLength >= 49.
result<record_batch_header> parse_record_batch_header_prefix(bytes_view data) noexcept;

/// Serializes `h` into the first 61 bytes of `out` (REQUIRES: out.size() >= 61). Writes h.crc as is.
void write_record_batch_header(const record_batch_header& h, std::span<uint8_t> out) noexcept;

/// CRC-32C of the bytes the stored CRC covers. REQUIRES: whole_batch.size() >= 61.
uint32_t compute_record_batch_crc(bytes_view whole_batch) noexcept;

/// True when `whole_batch` is at least a header long and its stored CRC equals the CRC of bytes
/// [21, size). `whole_batch` must be exactly one batch (batchLength + 12 bytes).
bool crc_matches(bytes_view whole_batch) noexcept;

/// In-place rewrites of fields outside the CRC. REQUIRES: batch.size() >= 61.
void set_base_offset(std::span<uint8_t> batch, int64_t base_offset) noexcept;
void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch) noexcept;

/// Marks the batch as LogAppendTime with maxTimestamp = `append_time_ms` and recomputes the CRC,
/// as a broker does when the topic uses message.timestamp.type=LogAppendTime.
/// REQUIRES: batch is one whole batch (size >= 61).
void set_log_append_time(std::span<uint8_t> batch, int64_t append_time_ms) noexcept;

/// Rewrites the stored CRC from the current contents. REQUIRES: batch.size() >= 61.
void update_record_batch_crc(std::span<uint8_t> batch) noexcept;

} // namespace brook::protocol::kafka

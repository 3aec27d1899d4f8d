#pragma once
// Legacy message sets (magic 0 and 1), used by Produce v0-v2 and Fetch v0-v3, and conversion to and
// from RecordBatch v2.
//
// A message set is a sequence of log entries (integers big-endian):
//
//   offset       int64
//   messageSize  int32   bytes after this field
//   crc          uint32  CRC-32 (IEEE, zlib's crc32) of bytes from magic to the end of the message
//   magic        int8    0 or 1
//   attributes   int8    bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4; zstd is not
//                        allowed), bit 3 timestamp type (magic 1: 1 = LogAppendTime)
//   timestamp    int64   magic 1 only
//   key          int32 length (-1 = null) + bytes
//   value        int32 length (-1 = null) + bytes
//
// Compression wraps a whole inner message set in the value of one wrapper message whose
// attributes carry the codec. Magic 1 inner messages carry relative offsets 0..n-1 and the wrapper
// the absolute offset of the last inner message; magic 0 inner messages carry absolute offsets.
// With LogAppendTime the wrapper's timestamp applies to every inner message. LZ4 in magic 0 uses
// Kafka's incorrect frame header checksum (compression.h).
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record_batch.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace brook::protocol::kafka {

namespace legacy_layout {
constexpr size_t log_overhead = 12;   // offset + messageSize
constexpr size_t v0_header_size = 14; // crc, magic, attributes, key length, value length
constexpr size_t v1_header_size = 22; // v0 + timestamp
constexpr int8_t timestamp_type_bit = 0x08;
} // namespace legacy_layout

/// One (decompressed) legacy message with its absolute offset.
struct legacy_message {
    int64_t offset = 0;
    int8_t magic = 1;
    /// -1 when absent (magic 0).
    int64_t timestamp = -1;
    timestamp_type ts_type = timestamp_type::create_time;
    std::optional<bytes> key;
    std::optional<bytes> value;
    bool operator==(const legacy_message&) const = default;
};

struct legacy_read_options {
    bool verify_crc = true;
    /// A Fetch response may end with a partial message; it is ignored when true.
    bool allow_partial_tail = true;
    size_t max_decompressed = 64 * 1024 * 1024;
};

/// Reads a message set, decompressing wrapper messages (one level, as Kafka does) and resolving
/// relative inner offsets. Fails on bad CRCs, bad sizes or nested compression.
result<std::vector<legacy_message>> read_message_set(bytes_view data, const legacy_read_options& opts = {});

struct legacy_write_options {
    int8_t magic = 1;
    /// none, gzip, snappy or lz4 (zstd fails with unsupported_compression).
    compression_type codec = compression_type::none;
    /// Written on every message (magic 1); for wrappers, LogAppendTime sets the wrapper timestamp
    /// to `log_append_time`.
    timestamp_type ts_type = timestamp_type::create_time;
    int64_t log_append_time = -1;
    /// Snappy framing for compressed wrappers (Java-compatible by default).
    bool snappy_xerial_framing = true;
};

/// Writes `messages` (their offsets are the absolute offsets) as one message set: one entry per
/// message when uncompressed, a single wrapper otherwise. The messages' own magic and ts_type fields
/// are ignored in favour of `opts`.
result<bytes> write_message_set(std::span<const legacy_message> messages, const legacy_write_options& opts);

/// Converts RecordBatch v2 data (one or more batches, e.g. a Fetch response's records) to a message
/// set of `magic` (0 or 1) for old Fetch versions: control batches are dropped, headers are lost,
/// each compressed batch becomes one wrapper with the same codec (zstd fails with
/// unsupported_compression), timestamps follow the batch's timestamp type. A trailing partial
/// batch is dropped.
result<bytes> down_convert_to_message_set(bytes_view v2_data, int8_t magic, size_t max_decompressed);

/// Converts a legacy message set into one RecordBatch v2 with the same records (offsets relative to
/// the first message), keeping the codec of the first wrapper (none when uncompressed), as a broker
/// does when a Produce v0-v2 request is appended to a v2 log.
result<bytes> up_convert_message_set(bytes_view legacy_data, size_t max_decompressed);

} // namespace brook::protocol::kafka

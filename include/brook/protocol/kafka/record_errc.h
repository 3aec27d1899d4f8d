#pragma once
// Errors of record batch / message set decoding and of the compression codecs. Each decode error
// names the field or structure that was found invalid.
#include <system_error>

namespace brook::protocol::kafka {

enum class record_errc {
    success = 0,
    /// Fewer bytes than the 61-byte RecordBatch header (or the 12-byte log entry prefix).
    batch_header_truncated,
    /// The magic byte is not the one the decoder handles (2 for RecordBatch, 0/1 for message sets).
    unsupported_magic,
    /// batchLength is smaller than the header or larger than the bytes available.
    bad_batch_length,
    /// The stored CRC does not match the bytes it covers.
    crc_mismatch,
    /// recordsCount is negative or does not match the records present.
    bad_records_count,
    /// A record's length varint is malformed, negative or runs past the batch.
    bad_record_length,
    /// A record's attributes, timestampDelta or offsetDelta varint is malformed.
    bad_record_field,
    /// A record key length is malformed or runs past the record.
    bad_record_key,
    /// A record value length is malformed or runs past the record.
    bad_record_value,
    /// The header count or a header key/value is malformed or runs past the record.
    bad_record_headers,
    /// A record's fields do not fill exactly its declared length.
    record_length_mismatch,
    /// Bytes follow the last record of an uncompressed batch.
    trailing_bytes,
    /// The compression attribute is not none/gzip/snappy/lz4/zstd.
    unsupported_compression,
    /// The compressed payload is corrupt.
    decompression_failed,
    /// Decompressing would exceed the configured output limit.
    decompressed_too_large,
    /// A compression library reported an error while compressing.
    compression_failed,
    /// A control record's key or value is malformed.
    bad_control_record,
    /// A legacy message (magic 0/1) is malformed: size, key or value out of bounds.
    bad_legacy_message,
    /// Offset deltas are not 0..recordsCount-1 or disagree with lastOffsetDelta (produce check).
    bad_offset_delta,
    /// A builder was given arguments it cannot encode (e.g. offset deltas beyond int32).
    invalid_builder_input,
};

const std::error_category& record_error_category() noexcept;

inline std::error_code make_error_code(record_errc e) noexcept {
    return {static_cast<int>(e), record_error_category()};
}

} // namespace brook::protocol::kafka

template<>
struct std::is_error_code_enum<brook::protocol::kafka::record_errc> : std::true_type {};

#pragma once
// Records inside a RecordBatch v2 (after decompression), and the reader that walks them.
//
// Record layout (varint = zig-zag LEB128, at most 5 bytes; varlong at most 10):
//
//   length          varint   bytes after this field
//   attributes      int8     unused, 0
//   timestampDelta  varlong  timestamp - batch baseTimestamp
//   offsetDelta     varint   offset - batch baseOffset
//   keyLength       varint   -1 = null key
//   key             bytes
//   valueLength     varint   -1 = null value
//   value           bytes
//   headerCount     varint
//   headers         headerCount x { keyLength varint, key (never null),
//                                   valueLength varint (-1 = null), value }
//
// Control records (batches with the control attribute) have key = { version int16 (0),
// type int16 (0 abort, 1 commit) } and value = { version int16 (0), coordinatorEpoch int32 }.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/record_errc.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace brook::protocol::kafka {

/// One record header; views into the batch payload (which must outlive it).
struct record_header_view {
    std::string_view key;
    std::optional<bytes_view> value;
};

/// One decoded record; views into the payload it came from (which must outlive it).
struct record_view {
    int8_t attributes = 0;
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    int32_t header_count = 0;
    /// The encoded headers (header_count entries), validated by the reader; see headers().
    bytes_view headers_encoded;
    /// Size of the whole record including its length prefix.
    size_t size_bytes = 0;

    /// Decodes the headers. Cannot fail for a record produced by record_reader::next().
    std::vector<record_header_view> headers() const;
};

/// Walks the records of an uncompressed (or already decompressed) payload.
/// The payload must outlive the reader and every record_view it returns.
class record_reader {
public:
    /// `expected_count` is the batch's recordsCount; the reader fails rather than yield more.
    record_reader(bytes_view payload, int32_t expected_count) noexcept
        : _pos(payload.data()), _end(payload.data() + payload.size()), _remaining(expected_count) {}

    /// True once recordsCount records have been read.
    bool done() const noexcept { return _remaining <= 0; }

    /// Decodes the next record and checks its framing: every length within the record, the fields
    /// filling exactly the declared length. REQUIRES: !done().
    result<record_view> next() noexcept;

    /// After the last record: fails with trailing_bytes if the payload has bytes left.
    result<void> finish() const noexcept;

private:
    const uint8_t* _pos;
    const uint8_t* _end;
    int32_t _remaining;
};

/// Checks the framing of every record in `payload` against `expected_count` (the whole payload
/// must be consumed). Used by batch validation; does not build record views.
result<void> validate_records(bytes_view payload, int32_t expected_count) noexcept;

/// Control record types (the key's `type` field).
enum class control_record_type : int16_t { abort = 0, commit = 1 };

/// A decoded transaction marker.
struct control_record {
    int16_t key_version = 0;
    control_record_type type = control_record_type::commit;
    int16_t value_version = 0;
    int32_t coordinator_epoch = 0;
};

/// Decodes a control record's key and value. Unknown key versions > 0 are accepted as long as
/// the fields we know are present (Kafka reads only version+type).
result<control_record> parse_control_record(const record_view& r) noexcept;

/// The 4-byte key and 6-byte value of a control record.
bytes control_record_key(control_record_type type);
bytes control_record_value(int32_t coordinator_epoch);

} // namespace brook::protocol::kafka

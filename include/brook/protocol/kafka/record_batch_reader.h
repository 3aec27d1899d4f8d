#pragma once
// Validation and decoding of whole RecordBatch v2 batches (header in record_batch.h, records in
// record.h), and splitting a records blob (Produce/Fetch "records" field, a log segment) into batches.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record.h"
#include "brook/protocol/kafka/record_batch.h"

#include <cstddef>
#include <vector>

namespace brook::protocol::kafka {

/// Default cap on the decompressed records of one batch.
constexpr size_t default_max_decompressed_batch = 64 * 1024 * 1024;

struct batch_validation_options {
    bool verify_crc = true;
    /// Check the framing of every record (decompressing when compressed).
    bool check_records = true;
    size_t max_decompressed = default_max_decompressed_batch;
    /// Produce-side check (Kafka's INVALID_RECORD): record i has offsetDelta i and
    /// lastOffsetDelta == recordsCount - 1. Off for log data, where compaction leaves gaps.
    bool require_sequential_offsets = false;
};

/// Validates exactly one batch: `whole_batch` must be batchLength + 12 bytes. Checks the header,
/// the CRC, recordsCount >= 0 and, if asked, every record's framing and that the records fill the
/// payload exactly. lastOffsetDelta is not required to equal recordsCount - 1 (compacted batches).
result<record_batch_header> validate_record_batch(bytes_view whole_batch, const batch_validation_options& opts = {});

/// A batch with its records accessible: for uncompressed batches a view of the input (which must
/// outlive this object), for compressed ones an owned decompressed copy.
class decoded_record_batch {
public:
    /// Decodes `whole_batch` (exactly one batch): header, CRC (if verify_crc), decompression
    /// bounded by max_decompressed. Record framing is checked lazily by records() / all_records().
    static result<decoded_record_batch> decode(bytes_view whole_batch, size_t max_decompressed, bool verify_crc = true);

    const record_batch_header& header() const noexcept { return _header; }
    /// The uncompressed records payload.
    bytes_view payload() const noexcept { return _owned_payload ? bytes_view(_owned) : _view; }
    record_reader records() const noexcept { return {payload(), _header.records_count}; }
    /// Every record, with framing checked; views point into payload().
    result<std::vector<record_view>> all_records() const;

private:
    record_batch_header _header;
    bytes_view _view;
    bytes _owned;
    bool _owned_payload = false;
};

/// Splits `data` into whole batches by batchLength. A trailing partial batch (as Fetch responses
/// may end with) is dropped when `allow_partial_tail`, an error otherwise. Headers are checked with
/// parse_record_batch_header_prefix; CRCs and records are not.
result<std::vector<bytes_view>> split_record_batches(bytes_view data, bool allow_partial_tail);

} // namespace brook::protocol::kafka

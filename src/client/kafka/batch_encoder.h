#pragma once
// Encodes records straight into a RecordBatch v2 buffer as they are appended (layout in
// brook/protocol/kafka/record_batch.h and record.h), so a producer copies each record once.
// finish() compresses the records section when asked, fills the 61-byte header and the CRC.
//
// Not thread-safe; the producer owns each encoder under its accumulator lock.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record_batch_builder.h"

#include <cstdint>
#include <optional>
#include <span>

namespace brook::client::kafka {

class batch_encoder {
public:
    batch_encoder();

    /// Bytes one record adds to the uncompressed batch (length prefix included).
    static size_t record_size(int64_t timestamp_delta, int32_t offset_delta, std::optional<bytes_view> key,
                              std::optional<bytes_view> value, std::span<const protocol::kafka::record_header> headers);

    /// Appends a record; the first record's timestamp becomes the batch's base timestamp.
    void append(int64_t timestamp, std::optional<bytes_view> key, std::optional<bytes_view> value,
                std::span<const protocol::kafka::record_header> headers);

    int32_t count() const noexcept { return _count; }
    /// Uncompressed size so far, header included.
    size_t size_bytes() const noexcept { return _buf.size(); }
    bool empty() const noexcept { return _count == 0; }

    /// The finished batch (baseOffset 0, producer fields -1). The encoder is empty afterwards.
    result<bytes> finish(protocol::kafka::compression_type codec, const protocol::kafka::compress_options& opts = {});

private:
    bytes _buf;
    int32_t _count = 0;
    int64_t _base_ts = -1;
    int64_t _max_ts = -1;
};

} // namespace brook::client::kafka

#pragma once
// Re-encoding a RecordBatch v2 with another codec, for brokers whose topic sets
// `compression.type` to a codec other than the producer's.
//
// The records payload (bytes from offset 61, see record_batch.h) is decompressed and compressed
// again with the target codec; the header is kept except for the codec bits of `attributes`,
// `batchLength` and the CRC-32C, which are recomputed. Offsets, timestamps, producer fields and
// record contents are unchanged.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/record_batch.h"

namespace brook::protocol::kafka {

/// Returns `batch` (exactly one whole batch) re-encoded with `target`. Fails like
/// decoded_record_batch::decode for corrupt input or a decompressed payload over
/// `max_decompressed`. A batch already using `target` comes back as an equal copy.
result<bytes> recompress_record_batch(bytes_view batch, compression_type target, size_t max_decompressed);

} // namespace brook::protocol::kafka

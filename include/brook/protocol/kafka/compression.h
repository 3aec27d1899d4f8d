#pragma once
// Compression codecs of Kafka record batches and legacy message sets.
//
// Formats produced and accepted:
// - gzip: RFC 1952 stream (zlib deflate with a gzip header). Reading also accepts a zlib stream.
// - snappy: either raw snappy (librdkafka writes this) or the xerial/snappy-java framed stream
//   that the Java client and kafka-python write:
//     magic "\x82SNAPPY\0" (8 bytes), version int32 BE (1), min compatible version int32 BE (1),
//     then blocks { compressedLength int32 BE, raw snappy block } until the end.
//   Reading sniffs the magic; writing produces the framed form unless asked for raw.
// - lz4: the LZ4 frame format. Kafka's magic-0 message sets use a wrong frame header checksum (the
//   xxhash is taken over the 4 magic bytes plus the descriptor instead of the descriptor alone);
//   `lz4_legacy_header_checksum` writes that and, on read, accepts any header checksum.
// - zstd: a zstd frame (only valid in RecordBatch v2).
//
// Decompression is bounded: output larger than `max_output` fails with decompressed_too_large
// before more than max_output bytes are allocated (the codecs are streamed, snappy's declared
// length is checked first).
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/record_batch.h"
#include "brook/protocol/kafka/record_errc.h"

#include <cstddef>

namespace brook::protocol::kafka {

struct compress_options {
    /// Write the xerial framed stream for snappy (what Java and kafka-python expect). librdkafka
    /// reads both.
    bool snappy_xerial_framing = true;
    /// Write Kafka's incorrect LZ4 header checksum (magic-0 message sets only).
    bool lz4_legacy_header_checksum = false;
    /// Codec level; 0 = the codec's default.
    int level = 0;
};

struct decompress_options {
    /// Accept any LZ4 frame header checksum (magic-0 message sets).
    bool lz4_legacy_header_checksum = false;
};

/// Compresses `input` with `codec` (none returns a copy).
result<bytes> compress(compression_type codec, bytes_view input, const compress_options& opts = {});

/// Decompresses `input`; fails with decompressed_too_large when the output would exceed
/// `max_output` bytes, decompression_failed when corrupt, unsupported_compression for unknown codecs.
result<bytes> decompress(compression_type codec, bytes_view input, size_t max_output,
                         const decompress_options& opts = {});

/// Name as in Kafka's compression.type ("none", "gzip", "snappy", "lz4", "zstd").
const char* compression_name(compression_type codec) noexcept;

} // namespace brook::protocol::kafka

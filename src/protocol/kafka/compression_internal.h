#pragma once
// Per-codec entry points behind compression.h.
#include "brook/common/bytes.h"
#include "brook/common/result.h"

#include <cstddef>

namespace brook::protocol::kafka::codec {

result<bytes> gzip_compress(bytes_view in, int level);
result<bytes> gzip_decompress(bytes_view in, size_t max_output);
result<bytes> zstd_compress(bytes_view in, int level);
result<bytes> zstd_decompress(bytes_view in, size_t max_output);
result<bytes> snappy_compress(bytes_view in, bool xerial);
result<bytes> snappy_decompress(bytes_view in, size_t max_output);
result<bytes> lz4_compress(bytes_view in, int level, bool legacy_header_checksum);
result<bytes> lz4_decompress(bytes_view in, size_t max_output, bool legacy_header_checksum);

/// Output buffer that grows geometrically up to a hard cap of max_output + 1 bytes: producing that
/// extra byte proves the output is too large without allocating more than the limit.
class bounded_output {
public:
    bounded_output(size_t input_size, size_t max_output);
    /// Free space after the written bytes, growing the buffer if possible; empty when at the cap.
    std::span<uint8_t> free_space();
    void commit(size_t n) noexcept { _written += n; }
    bool over_limit() const noexcept { return _written > _max; }
    size_t written() const noexcept { return _written; }
    bytes take() &&;

private:
    bytes _buf;
    size_t _written = 0;
    size_t _max;
};

} // namespace brook::protocol::kafka::codec

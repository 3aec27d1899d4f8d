#include "brook/protocol/kafka/compression.h"

#include "protocol/kafka/compression_internal.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>

namespace brook::protocol::kafka {

namespace codec {

bounded_output::bounded_output(size_t input_size, size_t max_output) : _max(max_output) {
    const size_t cap = max_output + 1;
    _buf.resize(std::min(cap, std::max<size_t>(input_size * 4, 64 * 1024)));
}

std::span<uint8_t> bounded_output::free_space() {
    const size_t cap = _max + 1;
    if (_written == _buf.size() && _buf.size() < cap) {
        _buf.resize(std::min(cap, _buf.size() * 2));
    }
    return std::span<uint8_t>(_buf).subspan(_written);
}

bytes bounded_output::take() && {
    _buf.resize(_written);
    return std::move(_buf);
}

namespace {

struct inflate_guard {
    z_stream* zs;
    ~inflate_guard() { inflateEnd(zs); }
};
struct deflate_guard {
    z_stream* zs;
    ~deflate_guard() { deflateEnd(zs); }
};

} // namespace

result<bytes> gzip_compress(bytes_view in, int level) {
    z_stream zs{};
    // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of the zlib wrapper.
    if (deflateInit2(&zs, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return record_errc::compression_failed;
    }
    deflate_guard guard{&zs};
    bytes out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
    zs.next_in = const_cast<Bytef*>(in.data()); // zlib's API is not const-correct; it does not write
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        return record_errc::compression_failed;
    }
    out.resize(zs.total_out);
    return out;
}

result<bytes> gzip_decompress(bytes_view in, size_t max_output) {
    z_stream zs{};
    // 15 + 32: accept both gzip and zlib headers.
    if (inflateInit2(&zs, 15 + 32) != Z_OK) {
        return record_errc::decompression_failed;
    }
    inflate_guard guard{&zs};
    bounded_output out(in.size(), max_output);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    for (;;) {
        auto space = out.free_space();
        if (space.empty()) {
            return record_errc::decompressed_too_large;
        }
        zs.next_out = space.data();
        zs.avail_out = static_cast<uInt>(space.size());
        const int rc = inflate(&zs, Z_NO_FLUSH);
        out.commit(space.size() - zs.avail_out);
        if (out.over_limit()) {
            return record_errc::decompressed_too_large;
        }
        if (rc == Z_STREAM_END) {
            break;
        }
        if (rc != Z_OK) {
            // Z_BUF_ERROR with output space left means the input ended early.
            return record_errc::decompression_failed;
        }
    }
    return std::move(out).take();
}

result<bytes> zstd_compress(bytes_view in, int level) {
    bytes out(ZSTD_compressBound(in.size()));
    const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level == 0 ? 3 : level);
    if (ZSTD_isError(n) != 0U) {
        return record_errc::compression_failed;
    }
    out.resize(n);
    return out;
}

result<bytes> zstd_decompress(bytes_view in, size_t max_output) {
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    if (!ctx) {
        return record_errc::decompression_failed;
    }
    bounded_output out(in.size(), max_output);
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    size_t last = 1;
    while (input.pos < input.size || last != 0) {
        auto space = out.free_space();
        if (space.empty()) {
            return record_errc::decompressed_too_large;
        }
        ZSTD_outBuffer output{space.data(), space.size(), 0};
        const size_t before_in = input.pos;
        last = ZSTD_decompressStream(ctx.get(), &output, &input);
        if (ZSTD_isError(last) != 0U) {
            return record_errc::decompression_failed;
        }
        out.commit(output.pos);
        if (out.over_limit()) {
            return record_errc::decompressed_too_large;
        }
        if (last != 0 && input.pos == input.size && output.pos < output.size && before_in == input.pos) {
            return record_errc::decompression_failed; // truncated frame: no progress possible
        }
    }
    return std::move(out).take();
}

} // namespace codec

result<bytes> compress(compression_type c, bytes_view input, const compress_options& opts) {
    switch (c) {
    case compression_type::none:
        return bytes(input.begin(), input.end());
    case compression_type::gzip:
        return codec::gzip_compress(input, opts.level);
    case compression_type::snappy:
        return codec::snappy_compress(input, opts.snappy_xerial_framing);
    case compression_type::lz4:
        return codec::lz4_compress(input, opts.level, opts.lz4_legacy_header_checksum);
    case compression_type::zstd:
        return codec::zstd_compress(input, opts.level);
    }
    return record_errc::unsupported_compression;
}

result<bytes> decompress(compression_type c, bytes_view input, size_t max_output, const decompress_options& opts) {
    switch (c) {
    case compression_type::none:
        if (input.size() > max_output) {
            return record_errc::decompressed_too_large;
        }
        return bytes(input.begin(), input.end());
    case compression_type::gzip:
        return codec::gzip_decompress(input, max_output);
    case compression_type::snappy:
        return codec::snappy_decompress(input, max_output);
    case compression_type::lz4:
        return codec::lz4_decompress(input, max_output, opts.lz4_legacy_header_checksum);
    case compression_type::zstd:
        return codec::zstd_decompress(input, max_output);
    }
    return record_errc::unsupported_compression;
}

const char* compression_name(compression_type c) noexcept {
    switch (c) {
    case compression_type::none:
        return "none";
    case compression_type::gzip:
        return "gzip";
    case compression_type::snappy:
        return "snappy";
    case compression_type::lz4:
        return "lz4";
    case compression_type::zstd:
        return "zstd";
    }
    return "unknown";
}

} // namespace brook::protocol::kafka

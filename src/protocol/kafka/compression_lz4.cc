// LZ4 frame format, with Kafka's magic-0 header checksum quirk (see compression.h).
#include "brook/protocol/kafka/record_errc.h"
#include "protocol/kafka/compression_internal.h"

#include <lz4frame.h>

#include <memory>

namespace brook::protocol::kafka::codec {

namespace {

constexpr uint32_t prime1 = 2654435761U;
constexpr uint32_t prime2 = 2246822519U;
constexpr uint32_t prime3 = 3266489917U;
constexpr uint32_t prime4 = 668265263U;
constexpr uint32_t prime5 = 374761393U;

uint32_t rotl(uint32_t v, int r) noexcept {
    return (v << r) | (v >> (32 - r));
}
uint32_t le32(const uint8_t* p) noexcept {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// XXH32 with seed 0, only ever applied to frame descriptors (at most 19 bytes), so the 16-byte
// stripe loop is there for completeness rather than speed.
uint32_t xxh32(const uint8_t* p, size_t n) noexcept {
    const uint8_t* end = p + n;
    uint32_t h;
    if (n >= 16) {
        uint32_t v1 = prime1 + prime2;
        uint32_t v2 = prime2;
        uint32_t v3 = 0;
        uint32_t v4 = 0U - prime1;
        while (end - p >= 16) {
            v1 = rotl(v1 + le32(p) * prime2, 13) * prime1;
            v2 = rotl(v2 + le32(p + 4) * prime2, 13) * prime1;
            v3 = rotl(v3 + le32(p + 8) * prime2, 13) * prime1;
            v4 = rotl(v4 + le32(p + 12) * prime2, 13) * prime1;
            p += 16;
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    } else {
        h = prime5;
    }
    h += static_cast<uint32_t>(n);
    while (end - p >= 4) {
        h = rotl(h + le32(p) * prime3, 17) * prime4;
        p += 4;
    }
    while (p < end) {
        h = rotl(h + *p++ * prime5, 11) * prime1;
    }
    h ^= h >> 15;
    h *= prime2;
    h ^= h >> 13;
    h *= prime3;
    h ^= h >> 16;
    return h;
}

constexpr size_t magic_size = 4;

// Length of the frame descriptor (FLG .. HC exclusive) at the start of `frame`, 0 if not a frame.
size_t descriptor_size(bytes_view frame) noexcept {
    if (frame.size() < magic_size + 3 || le32(frame.data()) != 0x184D2204U) {
        return 0;
    }
    const uint8_t flg = frame[magic_size];
    size_t n = 2; // FLG, BD
    if ((flg & 0x08U) != 0) {
        n += 8; // content size
    }
    if ((flg & 0x01U) != 0) {
        n += 4; // dictionary id
    }
    return frame.size() >= magic_size + n + 1 ? n : 0;
}

// Sets the header checksum byte: the standard one (over the descriptor) or Kafka's magic-0 variant
// (over magic + descriptor).
void set_header_checksum(std::span<uint8_t> frame, bool kafka_legacy) noexcept {
    const size_t d = descriptor_size(frame);
    if (d == 0) {
        return;
    }
    const uint32_t h = kafka_legacy ? xxh32(frame.data(), magic_size + d) : xxh32(frame.data() + magic_size, d);
    frame[magic_size + d] = static_cast<uint8_t>((h >> 8) & 0xFFU);
}

using dctx_ptr = std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)>;

} // namespace

result<bytes> lz4_compress(bytes_view in, int level, bool legacy_header_checksum) {
    LZ4F_preferences_t prefs{};
    // 64 KiB independent blocks without content size: what Kafka's Java reader accepts.
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.compressionLevel = level;
    bytes out(LZ4F_compressFrameBound(in.size(), &prefs));
    const size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
    if (LZ4F_isError(n) != 0U) {
        return record_errc::compression_failed;
    }
    out.resize(n);
    if (legacy_header_checksum) {
        set_header_checksum(out, true);
    }
    return out;
}

result<bytes> lz4_decompress(bytes_view in, size_t max_output, bool legacy_header_checksum) {
    bytes fixed;
    if (legacy_header_checksum && descriptor_size(in) != 0) {
        // Kafka does not verify the magic-0 header checksum; liblz4 always does, so repair it in a
        // copy of the header before decoding.
        fixed.assign(in.begin(), in.end());
        set_header_checksum(fixed, false);
        in = fixed;
    }
    LZ4F_dctx* raw = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION)) != 0U) {
        return record_errc::decompression_failed;
    }
    dctx_ptr ctx(raw, &LZ4F_freeDecompressionContext);
    bounded_output out(in.size(), max_output);
    size_t pos = 0;
    size_t hint = 1;
    while (pos < in.size()) {
        auto space = out.free_space();
        if (space.empty()) {
            return record_errc::decompressed_too_large;
        }
        size_t dst_size = space.size();
        size_t src_size = in.size() - pos;
        hint = LZ4F_decompress(ctx.get(), space.data(), &dst_size, in.data() + pos, &src_size, nullptr);
        if (LZ4F_isError(hint) != 0U) {
            return record_errc::decompression_failed;
        }
        pos += src_size;
        out.commit(dst_size);
        if (out.over_limit()) {
            return record_errc::decompressed_too_large;
        }
        if (src_size == 0 && dst_size == 0) {
            return record_errc::decompression_failed; // no progress possible
        }
    }
    // Drain output still buffered in the context once all input was consumed.
    while (hint != 0) {
        auto space = out.free_space();
        if (space.empty()) {
            return record_errc::decompressed_too_large;
        }
        size_t dst_size = space.size();
        size_t src_size = 0;
        hint = LZ4F_decompress(ctx.get(), space.data(), &dst_size, nullptr, &src_size, nullptr);
        if (LZ4F_isError(hint) != 0U || (dst_size == 0 && hint != 0)) {
            return record_errc::decompression_failed; // truncated frame
        }
        out.commit(dst_size);
        if (out.over_limit()) {
            return record_errc::decompressed_too_large;
        }
    }
    return std::move(out).take();
}

} // namespace brook::protocol::kafka::codec

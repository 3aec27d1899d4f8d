// Snappy, raw and xerial-framed (format in compression.h).
#include "brook/protocol/kafka/record_errc.h"
#include "protocol/kafka/compression_internal.h"
#include "protocol/kafka/records_wire.h"

#include <snappy.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace brook::protocol::kafka::codec {

using namespace records_wire;

namespace {

constexpr std::array<uint8_t, 8> xerial_magic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t xerial_header_size = 16;
// snappy-java's default block size; kafka-python uses the same.
constexpr size_t xerial_block_size = 32 * 1024;

bool is_xerial(bytes_view in) noexcept {
    return in.size() >= xerial_header_size && std::memcmp(in.data(), xerial_magic.data(), xerial_magic.size()) == 0;
}

// Appends the raw-snappy decompression of `block` to `out` if it fits in `max_output`.
result<void> raw_append(bytes_view block, size_t max_output, bytes* out) {
    size_t n = 0;
    const auto* src = reinterpret_cast<const char*>(block.data());
    if (!snappy::GetUncompressedLength(src, block.size(), &n)) {
        return record_errc::decompression_failed;
    }
    if (n > max_output - out->size()) {
        return record_errc::decompressed_too_large;
    }
    const size_t at = out->size();
    out->resize(at + n);
    if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(out->data() + at))) {
        out->resize(at);
        return record_errc::decompression_failed;
    }
    return success();
}

} // namespace

result<bytes> snappy_compress(bytes_view in, bool xerial) {
    const auto* src = reinterpret_cast<const char*>(in.data());
    if (!xerial) {
        bytes out(snappy::MaxCompressedLength(in.size()));
        size_t n = 0;
        snappy::RawCompress(src, in.size(), reinterpret_cast<char*>(out.data()), &n);
        out.resize(n);
        return out;
    }
    bytes out(xerial_header_size);
    std::memcpy(out.data(), xerial_magic.data(), xerial_magic.size());
    store_be32(out.data() + 8, 1);  // version
    store_be32(out.data() + 12, 1); // minimum compatible version
    for (size_t pos = 0; pos < in.size(); pos += xerial_block_size) {
        const size_t len = std::min(xerial_block_size, in.size() - pos);
        const size_t at = out.size();
        out.resize(at + 4 + snappy::MaxCompressedLength(len));
        size_t n = 0;
        snappy::RawCompress(src + pos, len, reinterpret_cast<char*>(out.data() + at + 4), &n);
        store_be32(out.data() + at, static_cast<uint32_t>(n));
        out.resize(at + 4 + n);
    }
    return out;
}

result<bytes> snappy_decompress(bytes_view in, size_t max_output) {
    bytes out;
    if (!is_xerial(in)) {
        BOOST_OUTCOME_TRY(raw_append(in, max_output, &out));
        return out;
    }
    size_t pos = xerial_header_size;
    while (pos < in.size()) {
        // snappy-java reads concatenated streams, so a header may reappear between blocks; a block
        // length cannot start with 0x82 (it would exceed 2 GiB), so this is unambiguous.
        if (is_xerial(in.subspan(pos))) {
            pos += xerial_header_size;
            continue;
        }
        if (in.size() - pos < 4) {
            return record_errc::decompression_failed;
        }
        const size_t len = load_be32(in.data() + pos);
        pos += 4;
        if (len > in.size() - pos) {
            return record_errc::decompression_failed;
        }
        BOOST_OUTCOME_TRY(raw_append(in.subspan(pos, len), max_output, &out));
        pos += len;
    }
    return out;
}

} // namespace brook::protocol::kafka::codec

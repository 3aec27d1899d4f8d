// Fuzzes every decompressor with a small output bound (first byte picks the codec and options), and
// checks that compress -> decompress returns the input.
#include "brook/protocol/kafka/compression.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace kafka = brook::protocol::kafka;
    if (size == 0) {
        return 0;
    }
    const uint8_t selector = data[0];
    const auto codec = static_cast<kafka::compression_type>(1 + selector % 4);
    const brook::bytes_view in(data + 1, size - 1);
    constexpr size_t bound = 64 * 1024;

    kafka::decompress_options dopts;
    dopts.lz4_legacy_header_checksum = (selector & 0x10U) != 0;
    auto out = kafka::decompress(codec, in, bound, dopts);
    if (out && out.value().size() > bound) {
        std::abort();
    }

    if ((selector & 0x20U) != 0) {
        kafka::compress_options copts;
        copts.snappy_xerial_framing = (selector & 0x40U) != 0;
        copts.lz4_legacy_header_checksum = dopts.lz4_legacy_header_checksum;
        auto z = kafka::compress(codec, in, copts);
        if (!z) {
            std::abort();
        }
        auto back = kafka::decompress(codec, z.value(), in.size(), dopts);
        if (!back || back.value() != brook::bytes(in.begin(), in.end())) {
            std::abort();
        }
    }
    return 0;
}

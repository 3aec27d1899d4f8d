#include "brook/protocol/kafka/compression.h"

#include <gtest/gtest.h>

#include <random>

namespace brook::protocol::kafka {
namespace {

const compression_type codecs[] = {compression_type::gzip, compression_type::snappy, compression_type::lz4,
                                   compression_type::zstd};

bytes compressible(size_t n) {
    bytes b(n);
    for (size_t i = 0; i < n; ++i) {
        b[i] = static_cast<uint8_t>("abcdefgh"[(i / 7) % 8]);
    }
    return b;
}

bytes random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    bytes b(n);
    for (auto& x : b) {
        x = static_cast<uint8_t>(rng());
    }
    return b;
}

TEST(compression, every_codec_round_trips_small_large_and_incompressible_inputs) {
    for (auto c : codecs) {
        for (const auto& input :
             {compressible(1), compressible(1000), compressible(300'000), random_bytes(70'000, 3)}) {
            auto z = compress(c, input);
            ASSERT_TRUE(z) << compression_name(c);
            auto back = decompress(c, z.value(), input.size());
            ASSERT_TRUE(back) << compression_name(c) << " " << back.error().message();
            EXPECT_EQ(back.value(), input) << compression_name(c);
        }
    }
}

TEST(compression, empty_input_round_trips) {
    for (auto c : codecs) {
        auto z = compress(c, {});
        ASSERT_TRUE(z);
        auto back = decompress(c, z.value(), 0);
        ASSERT_TRUE(back) << compression_name(c) << " " << back.error().message();
        EXPECT_TRUE(back.value().empty());
    }
}

TEST(compression, output_one_byte_over_the_limit_is_rejected) {
    const auto input = compressible(200'000);
    for (auto c : codecs) {
        auto z = compress(c, input).value();
        EXPECT_TRUE(decompress(c, z, input.size())) << compression_name(c);
        auto r = decompress(c, z, input.size() - 1);
        ASSERT_FALSE(r) << compression_name(c);
        EXPECT_EQ(r.error(), record_errc::decompressed_too_large) << compression_name(c);
    }
}

TEST(compression, bomb_is_stopped_at_the_limit) {
    const bytes zeros(8 * 1024 * 1024, 0);
    for (auto c : codecs) {
        auto z = compress(c, zeros).value();
        EXPECT_LT(z.size(), 512U * 1024U) << compression_name(c);
        EXPECT_EQ(decompress(c, z, 64 * 1024).error(), record_errc::decompressed_too_large) << compression_name(c);
    }
}

TEST(compression, snappy_reads_raw_and_xerial_and_writes_the_requested_form) {
    const auto input = compressible(100'000);
    compress_options raw_opts;
    raw_opts.snappy_xerial_framing = false;
    auto raw = compress(compression_type::snappy, input, raw_opts).value();
    auto framed = compress(compression_type::snappy, input).value();
    ASSERT_GE(framed.size(), 16U);
    EXPECT_EQ(framed[0], 0x82);
    EXPECT_EQ(std::string(framed.begin() + 1, framed.begin() + 7), "SNAPPY");
    EXPECT_NE(raw[0], 0x82);
    EXPECT_EQ(decompress(compression_type::snappy, raw, input.size()).value(), input);
    EXPECT_EQ(decompress(compression_type::snappy, framed, input.size()).value(), input);
}

TEST(compression, concatenated_xerial_streams_decode_as_one) {
    const auto a = compressible(40'000);
    const auto b = compressible(5'000);
    auto za = compress(compression_type::snappy, a).value();
    auto zb = compress(compression_type::snappy, b).value();
    za.insert(za.end(), zb.begin(), zb.end());
    auto out = decompress(compression_type::snappy, za, 1 << 20);
    ASSERT_TRUE(out) << out.error().message();
    bytes want = a;
    want.insert(want.end(), b.begin(), b.end());
    EXPECT_EQ(out.value(), want);
}

TEST(compression, snappy_declared_length_over_the_limit_fails_before_allocating) {
    // Raw snappy starts with the uncompressed length as a varint: claim ~4 GiB.
    const bytes claim = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00};
    EXPECT_EQ(decompress(compression_type::snappy, claim, 1 << 20).error(), record_errc::decompressed_too_large);
}

TEST(compression, truncated_streams_are_errors) {
    const auto input = compressible(50'000);
    for (auto c : codecs) {
        auto z = compress(c, input).value();
        for (size_t n = 0; n + 1 < z.size(); n += (n < 64 ? 1 : 97)) {
            bytes cut(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(n));
            auto r = decompress(c, cut, input.size());
            if (r) {
                // A prefix may decode cleanly only if it is itself complete; it must never be the whole input.
                EXPECT_NE(r.value(), input) << compression_name(c) << " at " << n;
            }
        }
    }
}

TEST(compression, garbage_is_an_error_not_a_crash) {
    for (auto c : codecs) {
        for (uint32_t seed = 0; seed < 50; ++seed) {
            auto junk = random_bytes(seed * 13, seed);
            (void)decompress(c, junk, 1 << 16);
        }
    }
}

TEST(compression, unknown_codec_is_unsupported) {
    EXPECT_EQ(decompress(static_cast<compression_type>(5), {}, 10).error(), record_errc::unsupported_compression);
    EXPECT_EQ(compress(static_cast<compression_type>(7), {}).error(), record_errc::unsupported_compression);
}

} // namespace
} // namespace brook::protocol::kafka

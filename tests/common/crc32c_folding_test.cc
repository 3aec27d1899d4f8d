// The dispatched CRC-32C (carry-less multiply folding on long inputs when the CPU has it, the crc32
// instruction otherwise) against the portable table loop, over every short length, long random
// lengths, all alignments within a cache line and chained `previous` values.
#include "brook/common/crc32c.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace brook {
namespace {

bytes random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    bytes b(n);
    for (auto& x : b) {
        x = static_cast<uint8_t>(rng());
    }
    return b;
}

TEST(crc32c_folding, check_value) {
    EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283U);
    EXPECT_EQ(crc32c_portable(as_bytes("123456789")), 0xE3069283U);
}

TEST(crc32c_folding, every_length_to_2048_with_random_alignment_and_previous) {
    const bytes data = random_bytes(2048 + 64, 1);
    std::mt19937 rng(2);
    for (size_t len = 0; len <= 2048; ++len) {
        const size_t start = rng() % 64;
        const uint32_t previous = static_cast<uint32_t>(rng());
        const bytes_view v(data.data() + start, len);
        ASSERT_EQ(crc32c(v, previous), crc32c_portable(v, previous)) << "start " << start << " len " << len;
        ASSERT_EQ(crc32c(v), crc32c_portable(v)) << "start " << start << " len " << len;
    }
}

TEST(crc32c_folding, every_alignment_around_block_sizes) {
    // 16-byte lanes, 64-byte registers and 256-byte iterations, and the thresholds between paths.
    const bytes data = random_bytes(4096 + 64, 3);
    for (const size_t base : {64U, 128U, 256U, 512U, 1024U, 2048U, 4096U}) {
        for (size_t len = base - 17; len <= base; ++len) {
            for (size_t start = 0; start < 64; ++start) {
                const bytes_view v(data.data() + start, len);
                ASSERT_EQ(crc32c(v, 0xDEADBEEFU), crc32c_portable(v, 0xDEADBEEFU))
                    << "start " << start << " len " << len;
            }
        }
    }
}

TEST(crc32c_folding, random_lengths_up_to_4_mib) {
    constexpr size_t max_len = 4U << 20U;
    const bytes data = random_bytes(max_len + 64, 4);
    std::mt19937 rng(5);
    for (int i = 0; i < 24; ++i) {
        const size_t len = i == 0 ? max_len : rng() % (max_len + 1);
        const size_t start = i == 0 ? 0 : rng() % 64;
        const uint32_t previous = static_cast<uint32_t>(rng());
        const bytes_view v(data.data() + start, len);
        ASSERT_EQ(crc32c(v, previous), crc32c_portable(v, previous)) << "start " << start << " len " << len;
    }
}

TEST(crc32c_folding, chained_pieces_equal_the_whole) {
    const bytes data = random_bytes(300000, 6);
    const uint32_t whole = crc32c_portable(data);
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        uint32_t crc = 0;
        size_t pos = 0;
        while (pos < data.size()) {
            // Pieces from a few bytes to tens of KiB, so every path continues from a non-zero value.
            const size_t piece = std::min<size_t>(data.size() - pos, 1 + rng() % (round % 2 == 0 ? 600 : 40000));
            crc = crc32c(bytes_view(data.data() + pos, piece), crc);
            pos += piece;
        }
        ASSERT_EQ(crc, whole) << "round " << round;
    }
}

TEST(crc32c_folding, long_runs_of_zeros_and_ones) {
    for (const uint8_t fill : {uint8_t{0x00}, uint8_t{0xFF}}) {
        const bytes data(70000, fill);
        for (const size_t len : {255U, 256U, 1023U, 1024U, 1040U, 65536U, 70000U}) {
            const bytes_view v(data.data(), len);
            ASSERT_EQ(crc32c(v), crc32c_portable(v)) << "fill " << int{fill} << " len " << len;
        }
    }
}

} // namespace
} // namespace brook

#include "brook/common/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace brook {
namespace {

bytes filled(size_t n, uint8_t start, int step) {
    bytes b(n);
    for (size_t i = 0; i < n; ++i) {
        b[i] = static_cast<uint8_t>(start + step * static_cast<int>(i));
    }
    return b;
}

TEST(crc32c, check_value_of_123456789) {
    EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283U);
    EXPECT_EQ(crc32c_portable(as_bytes("123456789")), 0xE3069283U);
}

TEST(crc32c, empty_input_is_zero) {
    EXPECT_EQ(crc32c({}), 0U);
    EXPECT_EQ(crc32c_portable({}), 0U);
}

// Vectors from RFC 3720 (iSCSI), appendix B.4.
TEST(crc32c, rfc3720_vectors) {
    const bytes zeros(32, 0x00);
    const bytes ones(32, 0xFF);
    EXPECT_EQ(crc32c(zeros), 0x8A9136AAU);
    EXPECT_EQ(crc32c(ones), 0x62A8AB43U);
    EXPECT_EQ(crc32c(filled(32, 0, 1)), 0x46DD794EU);
    EXPECT_EQ(crc32c(filled(32, 31, -1)), 0x113FDB5CU);
    EXPECT_EQ(crc32c_portable(zeros), 0x8A9136AAU);
    EXPECT_EQ(crc32c_portable(filled(32, 31, -1)), 0x113FDB5CU);
}

TEST(crc32c, dispatched_and_portable_agree_on_every_length_and_alignment) {
    std::mt19937 rng(42);
    bytes data(1100);
    for (auto& b : data) {
        b = static_cast<uint8_t>(rng());
    }
    for (size_t start = 0; start < 9; ++start) {
        for (size_t len = 0; start + len <= data.size(); len += (len < 80 ? 1 : 37)) {
            const bytes_view v(data.data() + start, len);
            ASSERT_EQ(crc32c(v), crc32c_portable(v)) << "start " << start << " len " << len;
        }
    }
}

TEST(crc32c, dispatched_and_portable_agree_on_long_inputs) {
    // Lengths around the 256-byte and 8 KiB three-stream block boundaries.
    std::mt19937 rng(7);
    bytes data(3 * 8192 * 2 + 1000);
    for (auto& b : data) {
        b = static_cast<uint8_t>(rng());
    }
    for (size_t len : {767U, 768U, 769U, 1536U, 8191U, 24575U, 24576U, 24577U, 24576U + 768U, 49152U + 767U,
                       static_cast<unsigned>(data.size())}) {
        for (size_t start : {0U, 3U}) {
            if (start + len > data.size()) {
                continue;
            }
            const bytes_view v(data.data() + start, len);
            ASSERT_EQ(crc32c(v), crc32c_portable(v)) << "start " << start << " len " << len;
        }
    }
}

TEST(crc32c, chaining_equals_one_pass) {
    const std::string s = "The quick brown fox jumps over the lazy dog, repeatedly and at length.";
    const auto whole = crc32c(as_bytes(s));
    for (size_t cut = 0; cut <= s.size(); ++cut) {
        const auto first = crc32c(as_bytes(std::string_view(s).substr(0, cut)));
        EXPECT_EQ(crc32c(as_bytes(std::string_view(s).substr(cut)), first), whole);
        EXPECT_EQ(crc32c_portable(as_bytes(std::string_view(s).substr(cut)), first), whole);
    }
}

} // namespace
} // namespace brook

#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "brook/protocol/kafka/record_legacy.h"

#include <gtest/gtest.h>

#include <string>

namespace brook::protocol::kafka {
namespace {

std::optional<bytes> b(std::string_view s) {
    return bytes(s.begin(), s.end());
}

std::vector<legacy_message> sample(int8_t magic) {
    std::vector<legacy_message> v(3);
    for (size_t i = 0; i < v.size(); ++i) {
        v[i].offset = 50 + static_cast<int64_t>(i);
        v[i].magic = magic;
        v[i].timestamp = magic == 0 ? -1 : 1'000 + static_cast<int64_t>(i);
        v[i].value = b("value-" + std::to_string(i));
    }
    v[0].key = b("key0");
    v[2].value = std::nullopt;
    return v;
}

struct legacy_case {
    int8_t magic;
    compression_type codec;
};

class legacy_round_trip : public ::testing::TestWithParam<legacy_case> {};

TEST_P(legacy_round_trip, write_then_read_gives_the_same_messages) {
    const auto c = GetParam();
    legacy_write_options w;
    w.magic = c.magic;
    w.codec = c.codec;
    auto msgs = sample(c.magic);
    auto set = write_message_set(msgs, w);
    ASSERT_TRUE(set) << set.error().message();
    auto back = read_message_set(set.value());
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back.value(), msgs);
}

INSTANTIATE_TEST_SUITE_P(
    record_legacy, legacy_round_trip,
    ::testing::Values(legacy_case{0, compression_type::none}, legacy_case{0, compression_type::gzip},
                      legacy_case{0, compression_type::snappy}, legacy_case{0, compression_type::lz4},
                      legacy_case{1, compression_type::none}, legacy_case{1, compression_type::gzip},
                      legacy_case{1, compression_type::snappy}, legacy_case{1, compression_type::lz4}));

TEST(record_legacy, uncompressed_v1_message_has_the_documented_bytes) {
    std::vector<legacy_message> m(1);
    m[0].offset = 7;
    m[0].timestamp = 0x0102;
    m[0].key = b("k");
    m[0].value = b("v");
    legacy_write_options w;
    auto set = write_message_set(m, w).value();
    ASSERT_EQ(set.size(), 12U + 22U + 2U);
    EXPECT_EQ(set[7], 7);     // offset
    EXPECT_EQ(set[11], 24);   // messageSize
    EXPECT_EQ(set[16], 1);    // magic
    EXPECT_EQ(set[17], 0);    // attributes
    EXPECT_EQ(set[24], 0x01); // timestamp high byte of 0x0102
    EXPECT_EQ(set[25], 0x02);
}

TEST(record_legacy, v1_wrapper_carries_the_last_absolute_offset_and_relative_inner_offsets) {
    legacy_write_options w;
    w.codec = compression_type::gzip;
    auto set = write_message_set(sample(1), w).value();
    EXPECT_EQ(set[7], 52); // wrapper offset = last inner absolute offset
    EXPECT_EQ(set[17] & 7, 1);
}

TEST(record_legacy, log_append_time_wrapper_timestamp_applies_to_inner_messages) {
    legacy_write_options w;
    w.codec = compression_type::snappy;
    w.ts_type = timestamp_type::log_append_time;
    w.log_append_time = 9'999;
    auto back = read_message_set(write_message_set(sample(1), w).value()).value();
    for (const auto& m : back) {
        EXPECT_EQ(m.timestamp, 9'999);
        EXPECT_EQ(m.ts_type, timestamp_type::log_append_time);
    }
}

TEST(record_legacy, wrapper_offset_that_overflows_inner_offsets_is_an_error) {
    legacy_write_options w;
    w.codec = compression_type::gzip;
    auto set = write_message_set(sample(1), w).value();
    set[0] = 0x80; // wrapper offset = INT64_MIN: INT64_MIN - 2 + i overflows
    for (size_t i = 1; i < 8; ++i) {
        set[i] = 0;
    }
    EXPECT_EQ(read_message_set(set).error(), record_errc::bad_legacy_message);
}

TEST(record_legacy, zstd_is_refused) {
    legacy_write_options w;
    w.codec = compression_type::zstd;
    EXPECT_EQ(write_message_set(sample(1), w).error(), record_errc::unsupported_compression);
}

TEST(record_legacy, crc_mismatch_and_truncation_are_detected) {
    legacy_write_options w;
    auto set = write_message_set(sample(1), w).value();
    const size_t first_end = 12 + set[11]; // bytes covered by the first message's CRC: [16, first_end)
    for (size_t i = 16; i < first_end; ++i) {
        auto copy = set;
        copy[i] ^= 0x10;
        EXPECT_FALSE(read_message_set(copy)) << i;
    }
    legacy_read_options strict;
    strict.allow_partial_tail = false;
    for (size_t n = 1; n < set.size(); ++n) {
        bytes cut(set.begin(), set.begin() + static_cast<std::ptrdiff_t>(n));
        auto lenient = read_message_set(cut);
        ASSERT_TRUE(lenient) << n;
        EXPECT_LT(lenient.value().size(), 3U);
        auto r = read_message_set(cut, strict);
        if (r) {
            EXPECT_LT(r.value().size(), 3U);
        }
    }
}

TEST(record_legacy, compressed_wrappers_survive_truncation_and_flips_without_crashing) {
    for (auto codec : {compression_type::gzip, compression_type::snappy, compression_type::lz4}) {
        for (int8_t magic : {0, 1}) {
            legacy_write_options w;
            w.magic = magic;
            w.codec = codec;
            auto set = write_message_set(sample(magic), w).value();
            legacy_read_options o;
            o.verify_crc = false;
            for (size_t i = 0; i < set.size(); ++i) {
                auto copy = set;
                copy[i] ^= 0x41;
                (void)read_message_set(copy, o);
                bytes cut(set.begin(), set.begin() + static_cast<std::ptrdiff_t>(i));
                (void)read_message_set(cut, o);
            }
        }
    }
}

TEST(record_legacy, down_conversion_keeps_offsets_keys_values_and_timestamps) {
    record_batch_builder bb;
    bb.base_offset(200).compression(compression_type::lz4);
    bb.append(5'000, "a", "1");
    bb.append(5'003, std::nullopt, "2");
    auto batch1 = bb.build().value();
    record_batch_builder ctl;
    ctl.base_offset(202).producer(1, 0, -1).append_control(5'004, control_record_type::commit, 0);
    auto batch2 = ctl.build().value();
    record_batch_builder plain;
    plain.base_offset(203).log_append_time(7'777).append(5'005, "c", std::nullopt);
    auto batch3 = plain.build().value();
    bytes all = batch1;
    all.insert(all.end(), batch2.begin(), batch2.end());
    all.insert(all.end(), batch3.begin(), batch3.end());
    for (int8_t magic : {0, 1}) {
        auto set = down_convert_to_message_set(all, magic, 1 << 20);
        ASSERT_TRUE(set) << set.error().message();
        auto msgs = read_message_set(set.value()).value();
        ASSERT_EQ(msgs.size(), 3U);
        EXPECT_EQ(msgs[0].offset, 200);
        EXPECT_EQ(msgs[1].offset, 201);
        EXPECT_EQ(msgs[2].offset, 203);
        EXPECT_EQ(msgs[0].key, b("a"));
        EXPECT_FALSE(msgs[1].key);
        EXPECT_FALSE(msgs[2].value);
        EXPECT_EQ(msgs[1].timestamp, magic == 0 ? -1 : 5'003);
        EXPECT_EQ(msgs[2].timestamp, magic == 0 ? -1 : 7'777);
    }
}

TEST(record_legacy, up_conversion_builds_one_v2_batch) {
    legacy_write_options w;
    w.codec = compression_type::gzip;
    auto set = write_message_set(sample(1), w).value();
    auto batch = up_convert_message_set(set, 1 << 20);
    ASSERT_TRUE(batch) << batch.error().message();
    auto d = decoded_record_batch::decode(batch.value(), 1 << 20).value();
    EXPECT_EQ(d.header().compression(), compression_type::gzip);
    auto recs = d.all_records().value();
    ASSERT_EQ(recs.size(), 3U);
    EXPECT_EQ(as_string_view(*recs[1].value), "value-1");
    EXPECT_EQ(d.header().base_timestamp + recs[2].timestamp_delta, 1'002);
}

} // namespace
} // namespace brook::protocol::kafka

// Record batches and message sets captured from real producers (librdkafka 2.0.2, kafka-python
// 2.0.2, kafkajs 2.2.4); see tests/protocol/golden/records/README.md for how they were captured.
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "brook/protocol/kafka/record_legacy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace brook::protocol::kafka {
namespace {

bytes load(const std::string& name) {
    const auto path = std::filesystem::path(BROOK_GOLDEN_DIR) / "records" / (name + ".bin");
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct expected_message {
    std::optional<std::string> key;
    std::optional<std::string> value;
    int64_t timestamp;
    bool has_header;
};

std::string long_value() {
    std::string s;
    for (int i = 0; i < 20; ++i) {
        s += "value-1 with a longer body ";
    }
    return s;
}

// Mirrors MESSAGES in capture.py.
std::vector<expected_message> expected() {
    return {{"key-0", "value-0", 1'700'000'000'000, true},
            {std::nullopt, long_value(), 1'700'000'000'001, false},
            {"key-2", std::nullopt, 1'700'000'000'005, false},
            {"", "", 1'700'000'000'003, false}};
}

std::optional<std::string> str(const std::optional<bytes_view>& v) {
    if (!v) {
        return std::nullopt;
    }
    return std::string(as_string_view(*v));
}
std::optional<std::string> str(const std::optional<bytes>& v) {
    if (!v) {
        return std::nullopt;
    }
    return std::string(v->begin(), v->end());
}

class golden_v2 : public ::testing::TestWithParam<std::string> {};

TEST_P(golden_v2, batch_validates_and_decodes_to_the_produced_records) {
    const auto data = load(GetParam());
    auto batches = split_record_batches(data, false);
    ASSERT_TRUE(batches) << batches.error().message();
    ASSERT_EQ(batches.value().size(), 1U);
    const auto whole = batches.value()[0];
    auto h = validate_record_batch(whole);
    ASSERT_TRUE(h) << h.error().message();
    auto d = decoded_record_batch::decode(whole, 1 << 20);
    ASSERT_TRUE(d) << d.error().message();
    auto recs = d.value().all_records();
    ASSERT_TRUE(recs) << recs.error().message();
    const auto want = expected();
    ASSERT_EQ(recs.value().size(), want.size());
    EXPECT_EQ(h.value().records_count, 4);
    EXPECT_EQ(h.value().last_offset_delta, 3);
    EXPECT_EQ(h.value().max_timestamp, 1'700'000'000'005);
    for (size_t i = 0; i < want.size(); ++i) {
        const auto& r = recs.value()[i];
        EXPECT_EQ(str(r.key), want[i].key) << i;
        EXPECT_EQ(str(r.value), want[i].value) << i;
        EXPECT_EQ(h.value().base_timestamp + r.timestamp_delta, want[i].timestamp) << i;
        EXPECT_EQ(r.offset_delta, static_cast<int32_t>(i));
        auto hs = r.headers();
        ASSERT_EQ(hs.size(), want[i].has_header ? 1U : 0U) << i;
        if (want[i].has_header) {
            EXPECT_EQ(hs[0].key, "h");
            EXPECT_EQ(str(hs[0].value), "hv");
        }
    }
    // Uncompressed: our builder must reproduce the client's bytes exactly.
    if (h.value().compression() == compression_type::none) {
        const auto& hh = h.value();
        record_batch_builder b;
        b.base_offset(hh.base_offset)
            .partition_leader_epoch(hh.partition_leader_epoch)
            .producer(hh.producer_id, hh.producer_epoch, hh.base_sequence)
            .transactional(hh.is_transactional())
            .base_timestamp(hh.base_timestamp)
            .max_timestamp(hh.max_timestamp);
        for (const auto& r : recs.value()) {
            record_input in;
            in.timestamp = hh.base_timestamp + r.timestamp_delta;
            in.key = r.key;
            in.value = r.value;
            in.offset_delta = r.offset_delta;
            for (const auto& hd : r.headers()) {
                in.headers.push_back(
                    {std::string(hd.key),
                     hd.value ? std::optional<bytes>(bytes(hd.value->begin(), hd.value->end())) : std::nullopt});
            }
            b.append(in);
        }
        auto rebuilt = b.build();
        ASSERT_TRUE(rebuilt);
        EXPECT_EQ(rebuilt.value(), bytes(whole.begin(), whole.end()));
    }
}

INSTANTIATE_TEST_SUITE_P(golden_records, golden_v2,
                         ::testing::Values("librdkafka_none", "librdkafka_gzip", "librdkafka_snappy", "librdkafka_lz4",
                                           "librdkafka_zstd", "kafka_python_none", "kafka_python_gzip",
                                           "kafka_python_snappy", "kafka_python_lz4", "kafka_python_zstd",
                                           "kafkajs_none", "kafkajs_gzip", "kafkajs_snappy", "kafkajs_lz4"));

class golden_legacy : public ::testing::TestWithParam<std::string> {};

TEST_P(golden_legacy, message_set_decodes_to_the_produced_messages) {
    const auto data = load(GetParam());
    const int8_t magic = GetParam().find("magic0") != std::string::npos ? 0 : 1;
    legacy_read_options o;
    o.allow_partial_tail = false;
    auto msgs = read_message_set(data, o);
    ASSERT_TRUE(msgs) << msgs.error().message();
    const auto want = expected();
    ASSERT_EQ(msgs.value().size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        const auto& m = msgs.value()[i];
        EXPECT_EQ(m.magic, magic);
        EXPECT_EQ(str(m.key), want[i].key) << i;
        EXPECT_EQ(str(m.value), want[i].value) << i;
        EXPECT_EQ(m.timestamp, magic == 0 ? -1 : want[i].timestamp) << i;
    }
    if (GetParam().ends_with("_none")) {
        legacy_write_options w;
        w.magic = magic;
        auto rebuilt = write_message_set(msgs.value(), w);
        ASSERT_TRUE(rebuilt);
        EXPECT_EQ(rebuilt.value(), data);
    }
    // The broker stores what old producers send as RecordBatch v2.
    auto up = up_convert_message_set(data, 1 << 20);
    ASSERT_TRUE(up) << up.error().message();
    EXPECT_TRUE(validate_record_batch(up.value()));
}

INSTANTIATE_TEST_SUITE_P(golden_records, golden_legacy,
                         ::testing::Values("kafka_python_magic1_none", "kafka_python_magic1_gzip",
                                           "kafka_python_magic1_snappy", "kafka_python_magic1_lz4",
                                           "kafka_python_magic0_none", "kafka_python_magic0_gzip",
                                           "kafka_python_magic0_snappy", "kafka_python_magic0_lz4"));

TEST(golden_records, magic0_lz4_frame_has_kafkas_wrong_header_checksum) {
    const auto data = load("kafka_python_magic0_lz4");
    // Wrapper: offset 8, size 4, crc 4, magic 1, attributes 1, key -1 (4), value length 4, value.
    ASSERT_GT(data.size(), 26U);
    const auto value = bytes_view(data).subspan(26);
    EXPECT_EQ(decompress(compression_type::lz4, value, 1 << 20).error(), record_errc::decompression_failed);
    decompress_options legacy;
    legacy.lz4_legacy_header_checksum = true;
    EXPECT_TRUE(decompress(compression_type::lz4, value, 1 << 20, legacy));
    // And our magic-0 writer produces the same quirk.
    compress_options c;
    c.lz4_legacy_header_checksum = true;
    auto ours = compress(compression_type::lz4, as_bytes("hello hello hello"), c).value();
    EXPECT_FALSE(decompress(compression_type::lz4, ours, 1 << 20));
    EXPECT_TRUE(decompress(compression_type::lz4, ours, 1 << 20, legacy));
}

TEST(golden_records, snappy_framing_differs_by_client_and_both_decode) {
    // librdkafka writes raw snappy, kafka-python the xerial frame.
    const auto raw = load("librdkafka_snappy");
    const auto framed = load("kafka_python_snappy");
    EXPECT_NE(raw[61], 0x82);
    EXPECT_EQ(framed[61], 0x82);
}

} // namespace
} // namespace brook::protocol::kafka

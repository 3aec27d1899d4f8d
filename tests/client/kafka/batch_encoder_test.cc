// The producer's incremental batch encoder against the protocol module's builder and reader.
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "client/kafka/batch_encoder.h"

#include <gtest/gtest.h>

#include <string>

namespace brook::client::kafka {
namespace {

namespace pk = protocol::kafka;

std::optional<bytes_view> b(std::string_view s) {
    return as_bytes(s);
}

TEST(BatchEncoder, UncompressedBytesEqualTheBuilders) {
    batch_encoder enc;
    pk::record_batch_builder builder;
    std::vector<pk::record_header> headers{{"h1", bytes{'v'}}, {"h2", std::nullopt}};
    enc.append(1000, b("k1"), b("value-1"), {});
    builder.append({1000, b("k1"), b("value-1"), {}, std::nullopt});
    enc.append(1005, std::nullopt, b(""), headers);
    builder.append({1005, std::nullopt, b(""), headers, std::nullopt});
    enc.append(999, b("k3"), std::nullopt, {});
    builder.append({999, b("k3"), std::nullopt, {}, std::nullopt});
    auto mine = enc.finish(pk::compression_type::none);
    auto theirs = builder.build();
    ASSERT_TRUE(mine);
    ASSERT_TRUE(theirs);
    EXPECT_EQ(mine.value(), theirs.value());
    EXPECT_TRUE(enc.empty());
}

class BatchEncoderCodec : public ::testing::TestWithParam<pk::compression_type> {};

TEST_P(BatchEncoderCodec, RoundTripsThroughTheReader) {
    batch_encoder enc;
    for (int i = 0; i < 500; ++i) {
        const std::string key = "key-" + std::to_string(i);
        const std::string value(100 + i % 7, static_cast<char>('a' + i % 26));
        enc.append(1700000000000 + i, as_bytes(key), as_bytes(value), {});
    }
    EXPECT_EQ(enc.count(), 500);
    auto batch = enc.finish(GetParam());
    ASSERT_TRUE(batch) << batch.error().message();
    auto hdr = pk::validate_record_batch(batch.value());
    ASSERT_TRUE(hdr) << hdr.error().message();
    EXPECT_EQ(hdr.value().compression(), GetParam());
    EXPECT_EQ(hdr.value().records_count, 500);
    EXPECT_EQ(hdr.value().last_offset_delta, 499);
    EXPECT_EQ(hdr.value().base_timestamp, 1700000000000);
    EXPECT_EQ(hdr.value().max_timestamp, 1700000000499);
    auto decoded = pk::decoded_record_batch::decode(batch.value(), pk::default_max_decompressed_batch);
    ASSERT_TRUE(decoded);
    auto recs = decoded.value().all_records();
    ASSERT_TRUE(recs);
    ASSERT_EQ(recs.value().size(), 500U);
    EXPECT_EQ(as_string_view(*recs.value()[42].key), "key-42");
    EXPECT_EQ(recs.value()[42].offset_delta, 42);
    EXPECT_EQ(recs.value()[42].timestamp_delta, 42);
    if (GetParam() != pk::compression_type::none) {
        EXPECT_LT(batch.value().size(), enc.size_bytes() + 500U * 100U);
    }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, BatchEncoderCodec,
                         ::testing::Values(pk::compression_type::none, pk::compression_type::gzip,
                                           pk::compression_type::snappy, pk::compression_type::lz4,
                                           pk::compression_type::zstd));

TEST(BatchEncoder, RecordSizePredictsTheGrowth) {
    batch_encoder enc;
    const size_t before = enc.size_bytes();
    enc.append(5, b("key"), b("value"), {});
    EXPECT_EQ(enc.size_bytes() - before, batch_encoder::record_size(0, 0, b("key"), b("value"), {}));
}

TEST(BatchEncoder, ReusableAfterFinish) {
    batch_encoder enc;
    enc.append(1, b("a"), b("b"), {});
    ASSERT_TRUE(enc.finish(pk::compression_type::none));
    enc.append(7, b("c"), b("d"), {});
    auto second = enc.finish(pk::compression_type::none);
    ASSERT_TRUE(second);
    auto hdr = pk::validate_record_batch(second.value());
    ASSERT_TRUE(hdr);
    EXPECT_EQ(hdr.value().records_count, 1);
    EXPECT_EQ(hdr.value().base_timestamp, 7);
}

} // namespace
} // namespace brook::client::kafka

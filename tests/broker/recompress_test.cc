// Recompressing a produced batch to the topic's codec keeps every record and header field.
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "brook/protocol/kafka/record_recompress.h"

#include <gtest/gtest.h>

namespace brook::protocol::kafka {
namespace {

bytes sample(compression_type codec) {
    record_batch_builder b;
    b.compression(codec).producer(42, 3, 7).base_offset(100);
    for (int i = 0; i < 50; ++i) {
        std::string value = "value-";
        value += std::to_string(i);
        value += std::string(40, 'x');
        b.append(1700000000000 + i, std::string_view("key"), std::string_view(value));
    }
    return b.build().value();
}

TEST(recompress, every_codec_pair_keeps_the_records) {
    const compression_type codecs[] = {compression_type::none, compression_type::gzip, compression_type::snappy,
                                       compression_type::lz4, compression_type::zstd};
    for (auto from : codecs) {
        const bytes original = sample(from);
        auto before = decoded_record_batch::decode(original, 1 << 20).value();
        for (auto to : codecs) {
            SCOPED_TRACE(testing::Message() << int(from) << " -> " << int(to));
            auto out = recompress_record_batch(original, to, 1 << 20);
            ASSERT_TRUE(out) << out.error().message();
            ASSERT_TRUE(validate_record_batch(out.value()));
            auto after = decoded_record_batch::decode(out.value(), 1 << 20).value();
            EXPECT_EQ(after.header().compression(), to);
            EXPECT_EQ(after.header().base_offset, 100);
            EXPECT_EQ(after.header().producer_id, 42);
            EXPECT_EQ(after.header().records_count, 50);
            EXPECT_EQ(after.header().max_timestamp, before.header().max_timestamp);
            EXPECT_TRUE(std::equal(after.payload().begin(), after.payload().end(), before.payload().begin(),
                                   before.payload().end()));
            if (to == compression_type::zstd && from == compression_type::none) {
                EXPECT_LT(out.value().size(), original.size());
            }
        }
    }
}

TEST(recompress, corrupt_batches_fail) {
    bytes b = sample(compression_type::gzip);
    b[70] ^= 0xff; // inside the CRC-covered payload
    EXPECT_FALSE(recompress_record_batch(b, compression_type::none, 1 << 20));
}

} // namespace
} // namespace brook::protocol::kafka

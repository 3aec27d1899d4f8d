#include "brook/common/crc32c.h"
#include "brook/protocol/kafka/record_batch.h"

#include <gtest/gtest.h>

namespace brook::protocol::kafka {
namespace {

namespace layout = record_batch_layout;

record_batch_header sample_header() {
    record_batch_header h;
    h.base_offset = 0x0102030405060708;
    h.partition_leader_epoch = 7;
    h.attributes = static_cast<int16_t>(static_cast<int16_t>(compression_type::lz4) | batch_attributes::transactional);
    h.last_offset_delta = 2;
    h.base_timestamp = 1'700'000'000'000;
    h.max_timestamp = 1'700'000'000'005;
    h.producer_id = 4242;
    h.producer_epoch = 3;
    h.base_sequence = 17;
    h.records_count = 3;
    return h;
}

// A header followed by `body` bytes, with batchLength and CRC filled in.
bytes make_batch(record_batch_header h, size_t body) {
    bytes b(layout::header_size + body, 0xAB);
    h.batch_length = static_cast<int32_t>(b.size() - layout::log_overhead);
    write_record_batch_header(h, b);
    update_record_batch_crc(b);
    return b;
}

TEST(record_batch_header, layout_constants_match_the_wire_format) {
    EXPECT_EQ(layout::header_size, 61U);
    EXPECT_EQ(layout::crc, 17U);
    EXPECT_EQ(layout::attributes, 21U);
    EXPECT_EQ(layout::records_count, 57U);
}

TEST(record_batch_header, write_then_parse_round_trips_every_field) {
    auto b = make_batch(sample_header(), 10);
    auto r = parse_record_batch_header(b);
    ASSERT_TRUE(r) << r.error().message();
    const auto* h = &r.value();
    auto want = sample_header();
    EXPECT_EQ(h->base_offset, want.base_offset);
    EXPECT_EQ(h->batch_length, 59);
    EXPECT_EQ(h->partition_leader_epoch, 7);
    EXPECT_EQ(h->magic, 2);
    EXPECT_EQ(h->last_offset_delta, 2);
    EXPECT_EQ(h->base_timestamp, want.base_timestamp);
    EXPECT_EQ(h->max_timestamp, want.max_timestamp);
    EXPECT_EQ(h->producer_id, 4242);
    EXPECT_EQ(h->producer_epoch, 3);
    EXPECT_EQ(h->base_sequence, 17);
    EXPECT_EQ(h->records_count, 3);
    EXPECT_EQ(h->compression(), compression_type::lz4);
    EXPECT_EQ(h->ts_type(), timestamp_type::create_time);
    EXPECT_TRUE(h->is_transactional());
    EXPECT_FALSE(h->is_control());
    EXPECT_EQ(h->size_bytes(), b.size());
    EXPECT_EQ(h->last_offset(), want.base_offset + 2);
    EXPECT_TRUE(crc_matches(b));
    EXPECT_EQ(h->crc, crc32c(bytes_view(b).subspan(21)));
}

TEST(record_batch_header, short_input_is_truncated) {
    auto b = make_batch(sample_header(), 0);
    for (size_t n = 0; n < layout::header_size; ++n) {
        auto h = parse_record_batch_header(bytes_view(b).first(n));
        ASSERT_FALSE(h);
        EXPECT_EQ(h.error(), record_errc::batch_header_truncated);
    }
}

TEST(record_batch_header, wrong_magic_is_rejected) {
    auto b = make_batch(sample_header(), 0);
    b[layout::magic] = 1;
    EXPECT_EQ(parse_record_batch_header(b).error(), record_errc::unsupported_magic);
}

TEST(record_batch_header, batch_length_beyond_data_or_below_header_is_rejected) {
    auto b = make_batch(sample_header(), 4);
    EXPECT_EQ(parse_record_batch_header(bytes_view(b).first(b.size() - 1)).error(), record_errc::bad_batch_length);
    EXPECT_TRUE(parse_record_batch_header_prefix(bytes_view(b).first(layout::header_size)));
    b[layout::batch_length + 3] = 48;
    b[layout::batch_length + 2] = 0;
    EXPECT_EQ(parse_record_batch_header(b).error(), record_errc::bad_batch_length);
    b[layout::batch_length] = 0x80; // negative
    EXPECT_EQ(parse_record_batch_header(b).error(), record_errc::bad_batch_length);
}

TEST(record_batch_header, offset_and_epoch_rewrites_keep_the_crc_valid) {
    auto b = make_batch(sample_header(), 8);
    set_base_offset(b, 99);
    set_partition_leader_epoch(b, 12);
    EXPECT_TRUE(crc_matches(b));
    auto r = parse_record_batch_header(b);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().base_offset, 99);
    EXPECT_EQ(r.value().partition_leader_epoch, 12);
}

TEST(record_batch_header, log_append_time_rewrite_updates_attributes_timestamp_and_crc) {
    auto b = make_batch(sample_header(), 8);
    const auto old_crc = parse_record_batch_header(b).value().crc;
    set_log_append_time(b, 1'800'000'000'000);
    EXPECT_TRUE(crc_matches(b));
    auto h = parse_record_batch_header(b).value();
    EXPECT_EQ(h.ts_type(), timestamp_type::log_append_time);
    EXPECT_EQ(h.max_timestamp, 1'800'000'000'000);
    EXPECT_EQ(h.compression(), compression_type::lz4);
    EXPECT_TRUE(h.is_transactional());
    EXPECT_NE(h.crc, old_crc);
}

TEST(record_batch_header, any_flipped_bit_in_the_covered_range_breaks_the_crc) {
    auto b = make_batch(sample_header(), 16);
    for (size_t i = layout::crc_start; i < b.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            b[i] ^= static_cast<uint8_t>(1U << bit);
            ASSERT_FALSE(crc_matches(b)) << i << ":" << bit;
            b[i] ^= static_cast<uint8_t>(1U << bit);
        }
    }
    EXPECT_TRUE(crc_matches(b));
    EXPECT_FALSE(crc_matches(bytes_view(b).first(60)));
}

} // namespace
} // namespace brook::protocol::kafka

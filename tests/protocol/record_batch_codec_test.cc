#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace brook::protocol::kafka {
namespace {

std::string str(std::optional<bytes_view> v) {
    return v ? std::string(as_string_view(*v)) : std::string("<null>");
}

record_batch_builder sample_builder() {
    record_batch_builder b;
    b.base_offset(100).partition_leader_epoch(5);
    record_input r1;
    r1.timestamp = 1'000;
    r1.key = as_bytes("k1");
    r1.value = as_bytes("value one");
    r1.headers = {{"h1", bytes{'x'}}, {"h2", std::nullopt}};
    b.append(r1);
    b.append(1'010, std::nullopt, "second");
    b.append(990, "k3", std::nullopt);
    b.append(1'005, "", "");
    return b;
}

void expect_sample_records(const decoded_record_batch& d) {
    auto recs = d.all_records();
    ASSERT_TRUE(recs) << recs.error().message();
    ASSERT_EQ(recs.value().size(), 4U);
    const auto& r = recs.value();
    EXPECT_EQ(str(r[0].key), "k1");
    EXPECT_EQ(str(r[0].value), "value one");
    auto hs = r[0].headers();
    ASSERT_EQ(hs.size(), 2U);
    EXPECT_EQ(hs[0].key, "h1");
    EXPECT_EQ(str(hs[0].value), "x");
    EXPECT_EQ(hs[1].key, "h2");
    EXPECT_FALSE(hs[1].value);
    EXPECT_EQ(str(r[1].key), "<null>");
    EXPECT_EQ(str(r[1].value), "second");
    EXPECT_EQ(str(r[2].value), "<null>");
    EXPECT_EQ(str(r[3].key), "");
    EXPECT_EQ(str(r[3].value), "");
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(r[static_cast<size_t>(i)].offset_delta, i);
    }
    EXPECT_EQ(d.header().base_timestamp + r[1].timestamp_delta, 1'010);
    EXPECT_EQ(d.header().base_timestamp + r[2].timestamp_delta, 990);
}

struct attr_case {
    compression_type codec;
    bool transactional;
    bool log_append;
    bool xerial;
};

class every_attribute : public ::testing::TestWithParam<attr_case> {};

TEST_P(every_attribute, builder_output_validates_and_decodes_back) {
    const auto c = GetParam();
    auto b = sample_builder();
    compress_options co;
    co.snappy_xerial_framing = c.xerial;
    b.compression(c.codec, co);
    b.transactional(c.transactional);
    if (c.transactional) {
        b.producer(77, 2, 40);
    }
    if (c.log_append) {
        b.log_append_time(5'000);
    }
    auto batch = b.build();
    ASSERT_TRUE(batch) << batch.error().message();
    auto h = validate_record_batch(batch.value());
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h.value().compression(), c.codec);
    EXPECT_EQ(h.value().is_transactional(), c.transactional);
    EXPECT_EQ(h.value().ts_type(), c.log_append ? timestamp_type::log_append_time : timestamp_type::create_time);
    EXPECT_EQ(h.value().base_offset, 100);
    EXPECT_EQ(h.value().partition_leader_epoch, 5);
    EXPECT_EQ(h.value().records_count, 4);
    EXPECT_EQ(h.value().last_offset_delta, 3);
    EXPECT_EQ(h.value().base_timestamp, 1'000);
    EXPECT_EQ(h.value().max_timestamp, c.log_append ? 5'000 : 1'010);
    EXPECT_EQ(h.value().producer_id, c.transactional ? 77 : -1);
    EXPECT_EQ(h.value().base_sequence, c.transactional ? 40 : -1);
    auto d = decoded_record_batch::decode(batch.value(), 1 << 20);
    ASSERT_TRUE(d) << d.error().message();
    expect_sample_records(d.value());
}

std::vector<attr_case> all_cases() {
    std::vector<attr_case> out;
    for (auto codec : {compression_type::none, compression_type::gzip, compression_type::snappy, compression_type::lz4,
                       compression_type::zstd}) {
        for (bool txn : {false, true}) {
            for (bool lat : {false, true}) {
                out.push_back({codec, txn, lat, true});
                if (codec == compression_type::snappy) {
                    out.push_back({codec, txn, lat, false});
                }
            }
        }
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(record_batch_codec, every_attribute, ::testing::ValuesIn(all_cases()));

TEST(record_batch_codec, control_batch_round_trips_its_marker) {
    record_batch_builder b;
    b.producer(9, 1, -1).append_control(123, control_record_type::abort, 17);
    auto batch = b.build().value();
    auto d = decoded_record_batch::decode(batch, 1 << 20).value();
    EXPECT_TRUE(d.header().is_control());
    EXPECT_TRUE(d.header().is_transactional());
    auto recs = d.all_records().value();
    ASSERT_EQ(recs.size(), 1U);
    auto m = parse_control_record(recs[0]);
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value().type, control_record_type::abort);
    EXPECT_EQ(m.value().coordinator_epoch, 17);
}

TEST(record_batch_codec, empty_batch_is_valid) {
    auto batch = record_batch_builder().build().value();
    EXPECT_EQ(batch.size(), 61U);
    EXPECT_TRUE(validate_record_batch(batch));
}

TEST(record_batch_codec, explicit_offset_deltas_survive_compaction_gaps) {
    record_batch_builder b;
    record_input r;
    r.timestamp = 1;
    r.value = as_bytes("a");
    r.offset_delta = 3;
    b.append(r);
    r.offset_delta = 9;
    b.append(r);
    auto batch = b.build().value();
    auto h = validate_record_batch(batch).value();
    EXPECT_EQ(h.last_offset_delta, 9);
    auto recs = decoded_record_batch::decode(batch, 1 << 20).value().all_records().value();
    EXPECT_EQ(recs[1].offset_delta, 9);
}

TEST(record_batch_codec, produce_check_rejects_offset_gaps_but_log_validation_allows_them) {
    record_batch_builder b;
    record_input r;
    r.timestamp = 1;
    r.value = as_bytes("a");
    r.offset_delta = 0;
    b.append(r);
    r.offset_delta = 2;
    b.append(r);
    auto gap = b.build().value();
    batch_validation_options produce;
    produce.require_sequential_offsets = true;
    EXPECT_TRUE(validate_record_batch(gap));
    EXPECT_EQ(validate_record_batch(gap, produce).error(), record_errc::bad_offset_delta);
    for (auto codec : {compression_type::none, compression_type::zstd}) {
        auto ok = sample_builder().compression(codec).build().value();
        EXPECT_TRUE(validate_record_batch(ok, produce)) << compression_name(codec);
    }
    auto lying = sample_builder().last_offset_delta(7).build().value();
    EXPECT_EQ(validate_record_batch(lying, produce).error(), record_errc::bad_offset_delta);
}

TEST(record_batch_codec, every_truncation_is_an_error) {
    for (auto codec : {compression_type::none, compression_type::gzip, compression_type::snappy, compression_type::lz4,
                       compression_type::zstd}) {
        auto batch = sample_builder().compression(codec).build().value();
        for (size_t n = 0; n < batch.size(); ++n) {
            bytes cut(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
            ASSERT_FALSE(validate_record_batch(cut)) << compression_name(codec) << " at " << n;
            // Fixing up batchLength and CRC exercises the record framing checks too.
            if (n >= 61) {
                set_base_offset(cut, 0);
                cut[8] = static_cast<uint8_t>((n - 12) >> 24);
                cut[9] = static_cast<uint8_t>((n - 12) >> 16);
                cut[10] = static_cast<uint8_t>((n - 12) >> 8);
                cut[11] = static_cast<uint8_t>(n - 12);
                update_record_batch_crc(cut);
                ASSERT_FALSE(validate_record_batch(cut)) << compression_name(codec) << " refit at " << n;
            }
        }
    }
}

TEST(record_batch_codec, bit_flips_never_crash_and_break_the_crc) {
    for (auto codec : {compression_type::none, compression_type::gzip, compression_type::snappy, compression_type::lz4,
                       compression_type::zstd}) {
        auto batch = sample_builder().compression(codec).build().value();
        for (size_t i = 0; i < batch.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                auto copy = batch;
                copy[i] ^= static_cast<uint8_t>(1U << bit);
                if (i >= 21) {
                    ASSERT_EQ(validate_record_batch(copy).error(), record_errc::crc_mismatch);
                }
                // With the CRC recomputed the decoder must still reject or accept without crashing.
                if (copy.size() >= 61) {
                    update_record_batch_crc(copy);
                }
                auto v = validate_record_batch(copy);
                if (v) {
                    auto d = decoded_record_batch::decode(copy, 1 << 20);
                    ASSERT_TRUE(d);
                    ASSERT_TRUE(d.value().all_records());
                }
            }
        }
    }
}

TEST(record_batch_codec, records_count_mismatch_is_rejected) {
    auto batch = sample_builder().build().value();
    batch[60] = 5; // recordsCount 4 -> 5
    update_record_batch_crc(batch);
    EXPECT_EQ(validate_record_batch(batch).error(), record_errc::bad_records_count);
    batch[60] = 3;
    update_record_batch_crc(batch);
    EXPECT_EQ(validate_record_batch(batch).error(), record_errc::trailing_bytes);
}

TEST(record_batch_codec, oversized_decompression_is_rejected) {
    record_batch_builder b;
    b.compression(compression_type::zstd);
    b.append(1, std::nullopt, std::string(100'000, 'z'));
    auto batch = b.build().value();
    batch_validation_options o;
    o.max_decompressed = 50'000;
    EXPECT_EQ(validate_record_batch(batch, o).error(), record_errc::decompressed_too_large);
    o.max_decompressed = 200'000;
    EXPECT_TRUE(validate_record_batch(batch, o));
}

TEST(record_batch_codec, split_keeps_whole_batches_and_drops_a_partial_tail) {
    auto a = sample_builder().build().value();
    auto b = sample_builder().base_offset(104).compression(compression_type::lz4).build().value();
    bytes all = a;
    all.insert(all.end(), b.begin(), b.end());
    auto parts = split_record_batches(all, false).value();
    ASSERT_EQ(parts.size(), 2U);
    EXPECT_EQ(parts[1].size(), b.size());
    all.resize(all.size() - 5);
    EXPECT_EQ(split_record_batches(all, true).value().size(), 1U);
    EXPECT_FALSE(split_record_batches(all, false));
}

} // namespace
} // namespace brook::protocol::kafka

#include "brook/protocol/kafka/record.h"
#include "brook/protocol/kafka/record_batch.h"
#include "log/batch_format.h"
#include "log_test_util.h"

#include <gtest/gtest.h>

#include <random>

namespace brook::log::test {
namespace {

// The log's inlined framing check must agree with the protocol's validate_records on every input:
// valid payloads, and payloads with flipped bytes, truncated or extended, or a wrong count.
TEST(record_framing, AgreesWithProtocolValidationOnMutatedPayloads) {
    std::mt19937 rng(42);
    int rejected = 0;
    int accepted = 0;
    for (int round = 0; round < 400; ++round) {
        std::vector<rec> rs;
        int n = 1 + int(rng() % 6);
        for (int i = 0; i < n; ++i) {
            std::optional<std::string> key;
            std::optional<std::string> value;
            if (rng() % 4 != 0) {
                key = std::string(rng() % 200, 'k');
            }
            if (rng() % 5 != 0) {
                value = std::string(rng() % 400, 'v'); // lengths of one and two varint bytes
            }
            rs.push_back({key, value});
        }
        auto batch = make_batch(rs, 1'700'000'000'000 + round);
        bytes payload(batch.begin() + long(batch_header_size), batch.end());
        int32_t count = n;
        switch (round % 5) {
        case 0:
            break;
        case 1:
            payload[rng() % payload.size()] ^= uint8_t(1U << (rng() % 8));
            break;
        case 2:
            payload.resize(rng() % payload.size());
            break;
        case 3:
            payload.push_back(uint8_t(rng()));
            break;
        default:
            count += int32_t(rng() % 3) - 1;
            break;
        }
        bool expected = bool(protocol::kafka::validate_records(payload, count));
        ASSERT_EQ(record_framing_ok(payload, count), expected) << "round " << round;
        (expected ? accepted : rejected) += 1;
    }
    EXPECT_GT(accepted, 80);
    EXPECT_GT(rejected, 80);
}

TEST(record_framing, RejectsOverlongAndOutOfRangeVarints) {
    // One record: length 7, attributes, timestamp delta 0, offset delta 0, key length as a
    // 5-byte varint beyond 32 bits, ...
    bytes bad = {0x0E, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    EXPECT_FALSE(record_framing_ok(bad, 1));
    EXPECT_FALSE(bool(protocol::kafka::validate_records(bad, 1)));
    bytes empty;
    EXPECT_TRUE(record_framing_ok(empty, 0));
    EXPECT_FALSE(record_framing_ok(empty, 1));
    EXPECT_FALSE(record_framing_ok(empty, -1));
}

// batch_checks must answer as batch_crc_matches followed by record_framing_ok, the CRC first.
TEST(record_framing, BatchChecksAgreeWithSeparateChecks) {
    std::mt19937 rng(7);
    int outcomes[3] = {0, 0, 0};
    for (int round = 0; round < 300; ++round) {
        auto batch = make_batch(1 + int(rng() % 40), rng() % 300, 1'700'000'000'000 + round);
        auto h = parse_batch_header(batch).value();
        int32_t count = h.record_count;
        switch (round % 4) {
        case 0:
            break;
        case 1: // anywhere in the batch, header included
            batch[rng() % batch.size()] ^= uint8_t(1U << (rng() % 8));
            break;
        case 2: // a framing error under a matching CRC
            batch[batch_header_size + rng() % (batch.size() - batch_header_size)] ^= 0x40;
            protocol::kafka::update_record_batch_crc(batch);
            break;
        default:
            count += 1;
            break;
        }
        batch_check expected = !batch_crc_matches(batch) ? batch_check::crc_mismatch
                               : record_framing_ok(bytes_view(batch).subspan(batch_header_size), count)
                                   ? batch_check::ok
                                   : batch_check::bad_records;
        ASSERT_EQ(batch_checks(batch, count), expected) << "round " << round;
        outcomes[int(expected)] += 1;
    }
    EXPECT_GT(outcomes[0], 50);
    EXPECT_GT(outcomes[1], 50);
    EXPECT_GT(outcomes[2], 50);
}

} // namespace
} // namespace brook::log::test

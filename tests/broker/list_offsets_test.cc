// ListOffsets against a whole broker in-process: latest (-1), earliest (-2), max timestamp (-3,
// KIP-734: the first record holding the largest timestamp, not its batch), earliest local (-4),
// timestamps, and leader-epoch fencing.
#include "broker/broker_fixture.h"
#include "brook/protocol/kafka/error_code.h"

#include <gtest/gtest.h>

namespace brook::broker {
namespace {

namespace kafka = protocol::kafka;
using kafka::error_code;

bytes batch_with_timestamps(const std::vector<int64_t>& ts) {
    kafka::record_batch_builder b;
    for (auto t : ts) {
        b.append(t, std::nullopt, std::string_view("value"));
    }
    return b.build().value();
}

class list_offsets_test : public test::broker_fixture {
protected:
    list_offsets_test() : broker_fixture("brook-list-offsets") { _extra_overrides = {"num.network.threads=1"}; }

    void create(const std::string& topic) {
        test::raw_client c(_port);
        auto resp = test::create_topic(c, topic, 1);
        ASSERT_EQ(resp.topics.size(), 1u);
        ASSERT_EQ(resp.topics[0].error_code, 0);
    }

    void produce(const std::string& topic, bytes batch) {
        test::raw_client c(_port);
        auto resp = test::call<kafka::produce_response>(c, test::produce_of(topic, 0, std::move(batch)), 9);
        ASSERT_EQ(resp.responses.at(0).partition_responses.at(0).error_code, 0);
    }

    kafka::list_offsets_response::list_offsets_partition_response
    list(const std::string& topic, int64_t timestamp, int16_t version = 8, int32_t current_epoch = -1) {
        kafka::list_offsets_request req;
        req.replica_id = -1;
        kafka::list_offsets_request::list_offsets_topic t;
        t.name = topic;
        t.partitions.push_back({0, current_epoch, timestamp, 1, {}});
        req.topics.push_back(std::move(t));
        test::raw_client c(_port);
        auto resp = test::call<kafka::list_offsets_response>(c, req, version);
        if (resp.topics.size() != 1 || resp.topics[0].partitions.size() != 1) {
            ADD_FAILURE() << "no ListOffsets answer";
            return {};
        }
        return resp.topics[0].partitions[0];
    }
};

TEST_F(list_offsets_test, max_timestamp_answers_the_first_record_holding_it) {
    create("lo");
    produce("lo", batch_with_timestamps({100, 900, 300})); // 0-2
    produce("lo", batch_with_timestamps({900, 50}));       // 3-4: a later tie
    produce("lo", batch_with_timestamps({400}));           // 5

    auto max = list("lo", -3, 7);
    EXPECT_EQ(max.error_code, 0);
    EXPECT_EQ(max.offset, 1);
    EXPECT_EQ(max.timestamp, 900);
    EXPECT_EQ(max.leader_epoch, 0);

    auto latest = list("lo", -1);
    EXPECT_EQ(latest.offset, 6);
    EXPECT_EQ(latest.timestamp, -1);
    EXPECT_EQ(latest.leader_epoch, 0);
    EXPECT_EQ(list("lo", -2).offset, 0);
    auto local = list("lo", -4);
    EXPECT_EQ(local.error_code, 0);
    EXPECT_EQ(local.offset, 0);
    EXPECT_EQ(local.timestamp, -1);

    // A time answers the first record at or after it.
    auto at = list("lo", 350);
    EXPECT_EQ(at.offset, 1);
    EXPECT_EQ(at.timestamp, 900);
    auto none = list("lo", 901);
    EXPECT_EQ(none.error_code, 0);
    EXPECT_EQ(none.offset, -1);
    EXPECT_EQ(none.timestamp, -1);

    // A larger timestamp later moves the answer.
    produce("lo", batch_with_timestamps({10, 20, 5000}));
    auto moved = list("lo", -3, 7);
    EXPECT_EQ(moved.offset, 8);
    EXPECT_EQ(moved.timestamp, 5000);
}

TEST_F(list_offsets_test, max_timestamp_of_an_empty_partition_is_none) {
    create("empty");
    auto max = list("empty", -3, 7);
    EXPECT_EQ(max.error_code, 0);
    EXPECT_EQ(max.offset, -1);
    EXPECT_EQ(max.timestamp, -1);
    EXPECT_EQ(list("empty", -1).offset, 0);
    EXPECT_EQ(list("empty", -2).offset, 0);
}

TEST_F(list_offsets_test, max_timestamp_survives_a_restart) {
    create("kept");
    produce("kept", batch_with_timestamps({100, 700, 200}));
    produce("kept", batch_with_timestamps({300}));
    stop();
    start();
    auto max = list("kept", -3, 7);
    EXPECT_EQ(max.offset, 1);
    EXPECT_EQ(max.timestamp, 700);
}

TEST_F(list_offsets_test, leader_epoch_in_the_request_is_checked) {
    create("fenced");
    EXPECT_EQ(list("fenced", -1, 8, 3).error_code, static_cast<int16_t>(error_code::unknown_leader_epoch));
    EXPECT_EQ(list("fenced", -1, 8, 0).error_code, 0);
    EXPECT_EQ(list("fenced", -1, 3, 3).error_code, 0); // v3 has no current leader epoch
}

TEST_F(list_offsets_test, v0_answers_an_offset_list) {
    create("old");
    produce("old", batch_with_timestamps({1, 2, 3}));
    auto latest = list("old", -1, 0);
    EXPECT_EQ(latest.error_code, 0);
    ASSERT_EQ(latest.old_style_offsets.size(), 1u);
    EXPECT_EQ(latest.old_style_offsets[0], 3);
}

} // namespace
} // namespace brook::broker

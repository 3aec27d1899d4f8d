// Metadata auto-creation against a whole broker in-process: the creating request is answered
// LEADER_NOT_AVAILABLE, the topic is described once the coordinator holds it, CreateTopics of a
// name being auto-created gets TOPIC_ALREADY_EXISTS, and creation errors or a disallowed creation
// are answered as Kafka does.
#include "broker/broker_fixture.h"
#include "brook/protocol/kafka/error_code.h"

#include <gtest/gtest.h>

#include <chrono>

namespace brook::broker {
namespace {

namespace kafka = protocol::kafka;
using namespace std::chrono_literals;
using kafka::error_code;

int16_t code(error_code e) {
    return static_cast<int16_t>(e);
}

class metadata_auto_create_test : public test::broker_fixture {
protected:
    metadata_auto_create_test() : broker_fixture("brook-auto-create") {
        _extra_overrides = {"num.network.threads=1", "num.partitions=3"};
    }

    kafka::metadata_response metadata(test::raw_client& c, const std::string& topic, int16_t version = 12,
                                      bool allow_create = true) {
        kafka::metadata_request req;
        req.topics.emplace();
        req.topics->push_back({{}, topic, {}});
        req.allow_auto_topic_creation = allow_create;
        return test::call<kafka::metadata_response>(c, req, version);
    }

    /// Metadata for `topic` until it is described without error (bounded).
    kafka::metadata_response::metadata_response_topic wait_described(test::raw_client& c, const std::string& topic) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        kafka::metadata_response resp;
        do {
            resp = metadata(c, topic);
            if (resp.topics.size() != 1) {
                ADD_FAILURE() << "no Metadata answer";
                return {};
            }
        } while (resp.topics[0].error_code != 0 && std::chrono::steady_clock::now() < deadline);
        return resp.topics[0];
    }

    /// Every topic name in an all-topics Metadata answer.
    std::vector<std::string> all_topics(test::raw_client& c) {
        kafka::metadata_request req;
        req.topics = std::nullopt;
        auto resp = test::call<kafka::metadata_response>(c, req, 12);
        std::vector<std::string> out;
        for (const auto& t : resp.topics) {
            out.push_back(t.name.value_or(""));
        }
        return out;
    }
};

TEST_F(metadata_auto_create_test, first_answer_is_leader_not_available_then_the_topic_is_described) {
    test::raw_client c(_port);
    auto first = metadata(c, "auto1");
    ASSERT_EQ(first.topics.size(), 1u);
    EXPECT_EQ(first.topics[0].error_code, code(error_code::leader_not_available));
    EXPECT_TRUE(first.topics[0].partitions.empty());

    auto t = wait_described(c, "auto1");
    EXPECT_EQ(t.error_code, 0);
    EXPECT_NE(t.topic_id, kafka::uuid{});
    ASSERT_EQ(t.partitions.size(), 3u);
    for (const auto& p : t.partitions) {
        EXPECT_EQ(p.leader_id, 7);
        EXPECT_EQ(p.error_code, 0);
    }
    // Listed with all topics, and writable.
    auto names = all_topics(c);
    EXPECT_NE(std::find(names.begin(), names.end(), "auto1"), names.end());
    auto produced = test::call<kafka::produce_response>(c, test::produce_of("auto1", 2, test::batch_of(3)), 9);
    EXPECT_EQ(produced.responses.at(0).partition_responses.at(0).error_code, 0);

    // A restart keeps it: it was in the coordinator before it was described.
    stop();
    start();
    test::raw_client again(_port);
    auto kept = metadata(again, "auto1");
    ASSERT_EQ(kept.topics.size(), 1u);
    EXPECT_EQ(kept.topics[0].error_code, 0);
    EXPECT_EQ(kept.topics[0].partitions.size(), 3u);
}

TEST_F(metadata_auto_create_test, create_topics_racing_an_auto_create_gets_topic_already_exists) {
    test::raw_client c(_port);
    auto first = metadata(c, "raced");
    ASSERT_EQ(first.topics.size(), 1u);
    EXPECT_EQ(first.topics[0].error_code, code(error_code::leader_not_available));
    // Sent right after: the creation may still be on its way to the coordinator.
    auto created = test::create_topic(c, "raced", 5);
    ASSERT_EQ(created.topics.size(), 1u);
    EXPECT_EQ(created.topics[0].error_code, code(error_code::topic_already_exists));
    auto t = wait_described(c, "raced");
    EXPECT_EQ(t.partitions.size(), 3u); // the auto-created one, not a second creation

    // The other way round: a topic created by CreateTopics is described at once.
    auto explicit_create = test::create_topic(c, "made", 2);
    ASSERT_EQ(explicit_create.topics.at(0).error_code, 0);
    auto made = metadata(c, "made");
    ASSERT_EQ(made.topics.size(), 1u);
    EXPECT_EQ(made.topics[0].error_code, 0);
    EXPECT_EQ(made.topics[0].partitions.size(), 2u);
}

TEST_F(metadata_auto_create_test, concurrent_auto_creates_create_one_topic) {
    test::raw_client a(_port);
    test::raw_client b(_port);
    kafka::metadata_request req;
    req.topics.emplace();
    req.topics->push_back({{}, std::string("twice"), {}});
    ASSERT_TRUE(a.send(test::frame_of(req, 12, 1)));
    ASSERT_TRUE(b.send(test::frame_of(req, 12, 2)));
    for (auto* c : {&a, &b}) {
        auto reply = c->receive();
        ASSERT_TRUE(reply);
        auto resp = test::decode_reply<kafka::metadata_response>(reply->body, 12);
        ASSERT_EQ(resp.topics.size(), 1u);
        // Either creating it, or seeing it being (or just) created.
        EXPECT_TRUE(resp.topics[0].error_code == code(error_code::leader_not_available) ||
                    resp.topics[0].error_code == 0);
    }
    auto t = wait_described(a, "twice");
    EXPECT_EQ(t.partitions.size(), 3u);
}

TEST_F(metadata_auto_create_test, creation_not_allowed_answers_unknown_topic) {
    test::raw_client c(_port);
    auto resp = metadata(c, "nocreate", 12, false);
    ASSERT_EQ(resp.topics.size(), 1u);
    EXPECT_EQ(resp.topics[0].error_code, code(error_code::unknown_topic_or_partition));
    auto names = all_topics(c);
    EXPECT_EQ(std::find(names.begin(), names.end(), "nocreate"), names.end());

    stop();
    start({"auto.create.topics.enable=false"});
    test::raw_client off(_port);
    auto v1 = metadata(off, "nocreate", 1);
    ASSERT_EQ(v1.topics.size(), 1u);
    EXPECT_EQ(v1.topics[0].error_code, code(error_code::unknown_topic_or_partition));
}

TEST_F(metadata_auto_create_test, creation_errors_are_answered) {
    stop();
    start({"default.replication.factor=3"});
    test::raw_client c(_port);
    auto resp = metadata(c, "toowide");
    ASSERT_EQ(resp.topics.size(), 1u);
    EXPECT_EQ(resp.topics[0].error_code, code(error_code::invalid_replication_factor));
    auto again = metadata(c, "toowide");
    EXPECT_EQ(again.topics.at(0).error_code, code(error_code::invalid_replication_factor));
}

} // namespace
} // namespace brook::broker

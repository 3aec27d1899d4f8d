// Incremental fetch sessions (KIP-227) against a whole broker in-process, as the Java consumer
// drives them: open with epoch 0, incremental requests naming only changed partitions, answers
// holding only partitions with news, epochs, forgotten partitions, topic ids (v13+), long polling.
#include "broker/broker_fixture.h"
#include "brook/protocol/kafka/error_code.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace brook::broker {
namespace {

namespace kafka = protocol::kafka;
using namespace std::chrono_literals;
using kafka::error_code;

using test::call;
using test::decode_reply;
using test::frame_of;

class fetch_session_broker_test : public test::broker_fixture {
protected:
    fetch_session_broker_test() : broker_fixture("brook-fetch-session", 3) {
        _extra_overrides.push_back("num.network.threads=1");
    }

    static kafka::uuid create(test::raw_client& c, const std::string& topic, int32_t partitions) {
        auto resp = test::create_topic(c, topic, partitions);
        EXPECT_EQ(resp.topics.at(0).error_code, 0);
        return resp.topics.at(0).topic_id;
    }

    static void produce(test::raw_client& c, const std::string& topic, int32_t partition, int n) {
        auto resp = call<kafka::produce_response>(c, test::produce_of(topic, partition, test::batch_of(n)), 9);
        ASSERT_EQ(resp.responses.at(0).partition_responses.at(0).error_code, 0);
    }

    /// A fetch of `parts` (partition, offset) of one topic, by name below v13 and by id from v13.
    static kafka::fetch_request fetch(int32_t session_id, int32_t epoch, const std::string& topic, kafka::uuid id,
                                      std::vector<std::pair<int32_t, int64_t>> parts, int32_t max_wait = 0,
                                      int32_t min_bytes = 0) {
        kafka::fetch_request req;
        req.max_wait_ms = max_wait;
        req.min_bytes = min_bytes;
        req.session_id = session_id;
        req.session_epoch = epoch;
        if (!parts.empty()) {
            kafka::fetch_request::fetch_topic t;
            t.topic = topic;
            t.topic_id = id;
            for (auto [p, offset] : parts) {
                kafka::fetch_request::fetch_partition fp;
                fp.partition = p;
                fp.fetch_offset = offset;
                fp.partition_max_bytes = 1 << 20;
                t.partitions.push_back(fp);
            }
            req.topics.push_back(std::move(t));
        }
        return req;
    }

    /// Partition index -> records bytes (0 when none) of a response.
    static std::map<int32_t, size_t> answered(const kafka::fetch_response& r) {
        std::map<int32_t, size_t> out;
        for (const auto& t : r.responses) {
            for (const auto& p : t.partitions) {
                EXPECT_EQ(p.error_code, 0);
                out[p.partition_index] = p.records ? p.records->size() : 0;
            }
        }
        return out;
    }
};

TEST_F(fetch_session_broker_test, incremental_fetches_answer_only_partitions_with_news) {
    for (int16_t version : {12, 13}) {
        SCOPED_TRACE(testing::Message() << "version " << version);
        test::raw_client c(_port, 10s);
        std::string topic = "sessions-v";
        topic += std::to_string(version);
        const auto id = create(c, topic, 3);
        produce(c, topic, 0, 3);

        auto full = call<kafka::fetch_response>(c, fetch(0, 0, topic, id, {{0, 0}, {1, 0}, {2, 0}}), version);
        ASSERT_EQ(full.error_code, 0);
        const int32_t session = full.session_id;
        ASSERT_NE(session, 0);
        auto first = answered(full);
        ASSERT_EQ(first.size(), 3u);
        EXPECT_GT(first[0], 0u);
        if (version >= 13) {
            EXPECT_EQ(full.responses.at(0).topic_id, id);
        }

        // The consumer moved p0 to offset 3; nothing else changed: an empty answer.
        auto quiet = call<kafka::fetch_response>(c, fetch(session, 1, topic, id, {{0, 3}}), version);
        ASSERT_EQ(quiet.error_code, 0);
        EXPECT_EQ(quiet.session_id, session);
        EXPECT_TRUE(answered(quiet).empty());

        // New data on p1 wakes a long poll naming no partition; only p1 is answered.
        ASSERT_TRUE(c.send(frame_of(fetch(session, 2, topic, id, {}, 10000, 1), version, 900)));
        test::raw_client producer(_port);
        produce(producer, topic, 1, 2);
        auto reply = c.receive();
        ASSERT_TRUE(reply);
        auto woke = decode_reply<kafka::fetch_response>(reply->body, version);
        auto got = answered(woke);
        ASSERT_EQ(got.size(), 1u);
        EXPECT_GT(got[1], 0u);

        // Stale or unknown session ids and epochs.
        auto stale = call<kafka::fetch_response>(c, fetch(session, 2, topic, id, {}), version);
        EXPECT_EQ(stale.error_code, static_cast<int16_t>(error_code::invalid_fetch_session_epoch));
        auto unknown = call<kafka::fetch_response>(c, fetch(session ^ 0x55, 1, topic, id, {}), version);
        EXPECT_EQ(unknown.error_code, static_cast<int16_t>(error_code::fetch_session_id_not_found));

        // Forget p1 (at offset 2 now): its new data is no longer answered.
        auto forget = fetch(session, 3, topic, id, {});
        kafka::fetch_request::forgotten_topic ft;
        ft.topic = topic;
        ft.topic_id = id;
        ft.partitions = {1};
        forget.forgotten_topics_data.push_back(ft);
        EXPECT_TRUE(answered(call<kafka::fetch_response>(c, forget, version)).empty());
        produce(producer, topic, 1, 1);
        produce(producer, topic, 2, 1);
        auto after = answered(call<kafka::fetch_response>(c, fetch(session, 4, topic, id, {}), version));
        EXPECT_EQ(after.size(), 1u);
        EXPECT_TRUE(after.contains(2));

        // Epoch -1 closes the session: a later incremental fetch does not find it.
        auto closing = call<kafka::fetch_response>(c, fetch(session, -1, topic, id, {{0, 0}}), version);
        EXPECT_EQ(closing.session_id, 0);
        EXPECT_EQ(answered(closing).size(), 1u);
        auto gone = call<kafka::fetch_response>(c, fetch(session, 5, topic, id, {}), version);
        EXPECT_EQ(gone.error_code, static_cast<int16_t>(error_code::fetch_session_id_not_found));
    }
}

TEST_F(fetch_session_broker_test, topic_ids_and_names_do_not_mix_in_one_session) {
    test::raw_client c(_port);
    const auto id = create(c, "mixed", 1);
    auto opened = call<kafka::fetch_response>(c, fetch(0, 0, "mixed", id, {{0, 0}}), 13);
    ASSERT_NE(opened.session_id, 0);
    auto by_name = call<kafka::fetch_response>(c, fetch(opened.session_id, 1, "mixed", id, {}), 12);
    EXPECT_EQ(by_name.error_code, static_cast<int16_t>(error_code::fetch_session_topic_id_error));
}

TEST_F(fetch_session_broker_test, sessionless_fetches_still_get_every_partition) {
    test::raw_client c(_port);
    const auto id = create(c, "plain", 2);
    for (int i = 0; i < 2; ++i) {
        auto r = call<kafka::fetch_response>(c, fetch(0, -1, "plain", id, {{0, 0}, {1, 0}}), 11);
        EXPECT_EQ(r.session_id, 0);
        EXPECT_EQ(answered(r).size(), 2u);
    }
}

} // namespace
} // namespace brook::broker

// A whole broker in-process, spoken to with requests encoded by the protocol module: ApiVersions,
// Metadata, Produce, Fetch (with long polling), ListOffsets, CreateTopics, DeleteTopics.
#include "broker/broker_fixture.h"
#include "brook/protocol/kafka/error_code.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

namespace brook::broker {
namespace {

namespace kafka = protocol::kafka;
using namespace std::chrono_literals;
using kafka::error_code;

using test::batch_of;
using test::call;
using test::decode_reply;
using test::frame_of;
using test::produce_of;

class broker_test : public test::broker_fixture {
protected:
    broker_test() : broker_fixture("brook-broker") { _extra_overrides.push_back("num.network.threads=2"); }

    static kafka::fetch_request fetch_of(const std::string& topic, int64_t offset, int32_t max_wait,
                                         int32_t min_bytes) {
        kafka::fetch_request req;
        req.max_wait_ms = max_wait;
        req.min_bytes = min_bytes;
        kafka::fetch_request::fetch_topic t;
        t.topic = topic;
        kafka::fetch_request::fetch_partition p;
        p.partition = 0;
        p.fetch_offset = offset;
        p.partition_max_bytes = 1 << 20;
        t.partitions.push_back(p);
        req.topics.push_back(std::move(t));
        return req;
    }

    static void create(test::raw_client& c, const std::string& topic, int32_t partitions = 1) {
        auto resp = test::create_topic(c, topic, partitions);
        ASSERT_EQ(resp.topics.size(), 1u);
        ASSERT_EQ(resp.topics[0].error_code, 0) << resp.topics[0].error_message.value_or("");
    }
};

TEST_F(broker_test, api_versions_advertises_only_implemented_apis) {
    test::raw_client c(_port);
    kafka::api_versions_request req;
    req.client_software_name = "broker-test";
    req.client_software_version = "1.0";
    auto resp = call<kafka::api_versions_response>(c, req, 3);
    EXPECT_EQ(resp.error_code, 0);
    bool produce = false;
    for (const auto& a : resp.api_keys) {
        // Transactions are not implemented, so their APIs must not be advertised.
        EXPECT_NE(a.api_key, kafka::api_keys::init_producer_id);
        if (a.api_key == kafka::api_keys::produce) {
            produce = a.min_version == 0 && a.max_version == 11;
        }
    }
    EXPECT_TRUE(produce);
}

TEST_F(broker_test, api_versions_of_an_unknown_version_is_answered_at_v0) {
    test::raw_client c(_port);
    ASSERT_TRUE(c.send(test::make_frame(kafka::api_keys::api_versions, 99, 5, bytes{0, 0})));
    auto reply = c.receive();
    ASSERT_TRUE(reply);
    auto resp = decode_reply<kafka::api_versions_response>(reply->body, 0);
    EXPECT_EQ(resp.error_code, static_cast<int16_t>(error_code::unsupported_version));
    ASSERT_EQ(resp.api_keys.size(), 1u);
    EXPECT_EQ(resp.api_keys[0].api_key, kafka::api_keys::api_versions);
}

TEST_F(broker_test, metadata_auto_creates_and_describes_topics) {
    test::raw_client c(_port);
    kafka::metadata_request req;
    req.topics.emplace();
    req.topics->push_back({{}, std::string("fresh"), {}});
    req.topics->push_back({{}, std::string("bad name!"), {}});
    auto resp = call<kafka::metadata_response>(c, req, 12);
    ASSERT_EQ(resp.brokers.size(), 1u);
    EXPECT_EQ(resp.brokers[0].node_id, 7);
    EXPECT_EQ(resp.brokers[0].port, _port);
    EXPECT_EQ(resp.controller_id, 7);
    ASSERT_TRUE(resp.cluster_id);
    EXPECT_EQ(resp.cluster_id->size(), 22u);
    ASSERT_EQ(resp.topics.size(), 2u);
    // As Kafka: the request that creates the topic is answered LEADER_NOT_AVAILABLE for it.
    EXPECT_EQ(resp.topics[0].error_code, static_cast<int16_t>(error_code::leader_not_available));
    EXPECT_EQ(resp.topics[1].error_code, static_cast<int16_t>(error_code::invalid_topic_exception));
    // Described once the coordinator holds it (clients retry Metadata the same way).
    req.topics->pop_back();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    do {
        resp = call<kafka::metadata_response>(c, req, 12);
        ASSERT_EQ(resp.topics.size(), 1u);
    } while (resp.topics[0].error_code != 0 && std::chrono::steady_clock::now() < deadline);
    EXPECT_EQ(resp.topics[0].error_code, 0);
    EXPECT_NE(resp.topics[0].topic_id, kafka::uuid{});
    ASSERT_EQ(resp.topics[0].partitions.size(), 1u);
    EXPECT_EQ(resp.topics[0].partitions[0].leader_id, 7);
}

TEST_F(broker_test, produced_batches_are_fetched_back_with_offsets) {
    test::raw_client c(_port);
    create(c, "events");
    auto first = call<kafka::produce_response>(c, produce_of("events", 0, batch_of(3)), 7);
    ASSERT_EQ(first.responses.at(0).partition_responses.at(0).error_code, 0);
    EXPECT_EQ(first.responses[0].partition_responses[0].base_offset, 0);
    auto second = call<kafka::produce_response>(c, produce_of("events", 0, batch_of(2)), 9);
    EXPECT_EQ(second.responses.at(0).partition_responses.at(0).base_offset, 3);

    auto fetched = call<kafka::fetch_response>(c, fetch_of("events", 0, 0, 0), 11);
    const auto& p = fetched.responses.at(0).partitions.at(0);
    EXPECT_EQ(p.error_code, 0);
    EXPECT_EQ(p.high_watermark, 5);
    ASSERT_TRUE(p.records);
    auto header = kafka::parse_record_batch_header_prefix(*p.records);
    ASSERT_TRUE(header);
    EXPECT_EQ(header.value().base_offset, 0);
    EXPECT_EQ(p.records->size(), batch_of(3).size() + batch_of(2).size());

    auto later = call<kafka::fetch_response>(c, fetch_of("events", 3, 0, 0), 11);
    auto h2 = kafka::parse_record_batch_header_prefix(*later.responses.at(0).partitions.at(0).records);
    ASSERT_TRUE(h2);
    EXPECT_EQ(h2.value().base_offset, 3);
}

TEST_F(broker_test, long_polling_fetch_wakes_on_produce) {
    test::raw_client consumer(_port, 20s);
    test::raw_client producer(_port);
    create(producer, "wake");
    auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(consumer.send(frame_of(fetch_of("wake", 0, 15000, 1), 11, 77)));
    auto produced = call<kafka::produce_response>(producer, produce_of("wake", 0, batch_of(1)), 7);
    ASSERT_EQ(produced.responses.at(0).partition_responses.at(0).error_code, 0);
    auto reply = consumer.receive();
    ASSERT_TRUE(reply);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    auto resp = decode_reply<kafka::fetch_response>(reply->body, 11);
    ASSERT_TRUE(resp.responses.at(0).partitions.at(0).records);
    EXPECT_FALSE(resp.responses[0].partitions[0].records->empty());
}

TEST_F(broker_test, long_polling_fetch_without_data_answers_at_max_wait) {
    test::raw_client c(_port);
    create(c, "quiet");
    auto started = std::chrono::steady_clock::now();
    auto resp = call<kafka::fetch_response>(c, fetch_of("quiet", 0, 300, 1), 11);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
    const auto& p = resp.responses.at(0).partitions.at(0);
    EXPECT_EQ(p.error_code, 0);
    EXPECT_TRUE(!p.records || p.records->empty());
}

TEST_F(broker_test, fetch_past_the_log_end_is_out_of_range) {
    test::raw_client c(_port);
    create(c, "short");
    auto resp = call<kafka::fetch_response>(c, fetch_of("short", 10, 0, 0), 11);
    EXPECT_EQ(resp.responses.at(0).partitions.at(0).error_code, static_cast<int16_t>(error_code::offset_out_of_range));
}

TEST_F(broker_test, corrupt_and_oversized_batches_get_their_error_codes) {
    test::raw_client c(_port);
    create(c, "checked");
    auto bad = batch_of(2);
    bad.back() ^= 0xff;
    auto resp = call<kafka::produce_response>(c, produce_of("checked", 0, bad), 8);
    EXPECT_EQ(resp.responses.at(0).partition_responses.at(0).error_code,
              static_cast<int16_t>(error_code::corrupt_message));
    auto huge = batch_of(1, std::string(1100000, 'x'));
    resp = call<kafka::produce_response>(c, produce_of("checked", 0, huge), 8);
    EXPECT_EQ(resp.responses.at(0).partition_responses.at(0).error_code,
              static_cast<int16_t>(error_code::message_too_large));
    resp = call<kafka::produce_response>(c, produce_of("missing", 0, batch_of(1)), 8);
    EXPECT_EQ(resp.responses.at(0).partition_responses.at(0).error_code,
              static_cast<int16_t>(error_code::unknown_topic_or_partition));
    resp = call<kafka::produce_response>(c, produce_of("checked", 0, batch_of(1), 2), 8);
    EXPECT_EQ(resp.responses.at(0).partition_responses.at(0).error_code,
              static_cast<int16_t>(error_code::invalid_required_acks));
}

TEST_F(broker_test, acks_zero_sends_nothing_and_closes_on_error) {
    test::raw_client c(_port);
    create(c, "fire");
    ASSERT_TRUE(c.send(frame_of(produce_of("fire", 0, batch_of(1), 0), 7, 1)));
    auto offsets = call<kafka::fetch_response>(c, fetch_of("fire", 0, 0, 0), 11);
    EXPECT_EQ(offsets.responses.at(0).partitions.at(0).high_watermark, 1);
    auto bad = batch_of(1);
    bad.back() ^= 1;
    ASSERT_TRUE(c.send(frame_of(produce_of("fire", 0, bad, 0), 7, 2)));
    EXPECT_TRUE(c.closed_by_server());
}

TEST_F(broker_test, list_offsets_answers_earliest_latest_and_by_time) {
    test::raw_client c(_port);
    create(c, "offsets");
    call<kafka::produce_response>(c, produce_of("offsets", 0, batch_of(4)), 7);
    kafka::list_offsets_request req;
    kafka::list_offsets_request::list_offsets_topic t;
    t.name = "offsets";
    t.partitions.push_back({0, -1, -2, 1, {}});
    t.partitions.push_back({0, -1, -1, 1, {}});
    // Inside the one batch: the answer is the first record at or after the time, as in Kafka.
    t.partitions.push_back({0, -1, 1700000000002, 1, {}});
    req.topics.push_back(t);
    auto resp = call<kafka::list_offsets_response>(c, req, 5);
    ASSERT_EQ(resp.topics.at(0).partitions.size(), 3u);
    EXPECT_EQ(resp.topics[0].partitions[0].offset, 0);
    EXPECT_EQ(resp.topics[0].partitions[1].offset, 4);
    EXPECT_EQ(resp.topics[0].partitions[2].offset, 2);
    EXPECT_EQ(resp.topics[0].partitions[2].timestamp, 1700000000002);
}

TEST_F(broker_test, create_then_delete_topic) {
    test::raw_client c(_port);
    create(c, "doomed", 4);
    kafka::create_topics_request again;
    again.topics.push_back({"doomed", 1, 1, {}, {}, {}});
    auto dup = call<kafka::create_topics_response>(c, again, 4);
    EXPECT_EQ(dup.topics.at(0).error_code, static_cast<int16_t>(error_code::topic_already_exists));
    kafka::delete_topics_request del;
    del.topic_names = {"doomed", "never-was"};
    auto resp = call<kafka::delete_topics_response>(c, del, 4);
    ASSERT_EQ(resp.responses.size(), 2u);
    EXPECT_EQ(resp.responses[0].error_code, 0);
    EXPECT_EQ(resp.responses[1].error_code, static_cast<int16_t>(error_code::unknown_topic_or_partition));
}

TEST_F(broker_test, describe_cluster_names_this_broker_as_controller) {
    test::raw_client c(_port);
    kafka::describe_cluster_request req;
    auto resp = call<kafka::describe_cluster_response>(c, req, 1);
    EXPECT_EQ(resp.error_code, 0);
    EXPECT_EQ(resp.controller_id, 7);
    ASSERT_EQ(resp.brokers.size(), 1u);
    EXPECT_EQ(resp.brokers[0].port, _port);
    EXPECT_EQ(resp.cluster_id.size(), 22u);
}

TEST_F(broker_test, describe_configs_reports_topic_defaults_and_overrides) {
    test::raw_client c(_port);
    kafka::create_topics_request create;
    create.topics.push_back({"configured", 1, 1, {}, {{"retention.ms", std::string("1234"), {}}}, {}});
    ASSERT_EQ(call<kafka::create_topics_response>(c, create, 4).topics.at(0).error_code, 0);
    kafka::describe_configs_request req;
    req.resources.push_back({2, "configured", std::nullopt, {}});
    req.resources.push_back({2, "absent", std::nullopt, {}});
    auto resp = call<kafka::describe_configs_response>(c, req, 3);
    ASSERT_EQ(resp.results.size(), 2u);
    EXPECT_EQ(resp.results[0].error_code, 0);
    std::map<std::string, std::string> values;
    for (const auto& e : resp.results[0].configs) {
        values[e.name] = e.value.value_or("");
    }
    EXPECT_EQ(values["retention.ms"], "1234");
    EXPECT_EQ(values["segment.bytes"], "1073741824");
    EXPECT_EQ(resp.results[1].error_code, static_cast<int16_t>(error_code::unknown_topic_or_partition));
}

TEST_F(broker_test, unsupported_produce_version_closes_the_connection) {
    test::raw_client c(_port);
    ASSERT_TRUE(c.send(test::make_frame(kafka::api_keys::produce, 12, 1, bytes{0, 0})));
    EXPECT_TRUE(c.closed_by_server());
    test::raw_client other(_port);
    kafka::api_versions_request req;
    auto resp = call<kafka::api_versions_response>(other, req, 0);
    EXPECT_EQ(resp.error_code, 0);
}

} // namespace
} // namespace brook::broker

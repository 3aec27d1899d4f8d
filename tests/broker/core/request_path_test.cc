// The request path without network (in_memory_broker): requests encoded with the protocol module
// go through the dispatcher and handlers; replies must decode at the request's version. Cases
// found by fuzz_broker_request are kept here, named after what went wrong.
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/request.h"
#include "harness/in_memory_broker.h"
#include "harness/test_dirs.h"

#include <gtest/gtest.h>

#include <string>

namespace brook::broker {
namespace {

namespace kafka = protocol::kafka;

class request_path_test : public ::testing::Test {
protected:
    request_path_test() : _broker(_dir.path(), {{"group.initial.rebalance.delay.ms", "0"}}) {
        _broker.create_topic("a", 1);
    }

    template<class Request>
    uint64_t send(const Request& body, int16_t version) {
        kafka::request_header h{Request::api_key, version, _next_id++, std::string("core-test"), {}};
        return _broker.send(kafka::encode_request(h, body));
    }

    /// The reply of `sequence` decoded as `Response`; a missing or undecodable reply fails the test.
    template<class Response>
    Response reply(uint64_t sequence, int16_t version) {
        auto r = _broker.reply(sequence);
        EXPECT_TRUE(r);
        if (!r) {
            return {};
        }
        EXPECT_EQ(r->what, handler_reply::kind::send);
        auto frame = test::in_memory_broker::response_frame(7, r->body);
        EXPECT_TRUE(frame);
        auto decoded = kafka::decode_response(Response::api_key, version, frame.value_or(bytes{}));
        EXPECT_TRUE(decoded) << (decoded ? "" : decoded.error().message());
        return decoded ? std::get<Response>(decoded.value().second) : Response{};
    }

    test::temp_dir _dir{"brook-core"};
    test::in_memory_broker _broker;
    int32_t _next_id = 1;
};

kafka::produce_request produce_of(const std::string& topic, int32_t partition, int16_t acks) {
    kafka::record_batch_builder b;
    b.append(1700000000000, std::nullopt, std::string_view("v"));
    kafka::produce_request req;
    req.acks = acks;
    req.timeout_ms = 1000;
    kafka::produce_request::topic_produce_data t;
    t.name = topic;
    t.partition_data.push_back({partition, b.build().value(), {}});
    req.topic_data.push_back(std::move(t));
    return req;
}

TEST_F(request_path_test, produce_then_fetch_returns_the_record) {
    auto produced = reply<kafka::produce_response>(send(produce_of("a", 0, 1), 9), 9);
    ASSERT_EQ(produced.responses.size(), 1u);
    EXPECT_EQ(produced.responses[0].partition_responses[0].error_code, 0);

    kafka::fetch_request f;
    f.max_wait_ms = 0;
    kafka::fetch_request::fetch_topic t;
    t.topic = "a";
    kafka::fetch_request::fetch_partition p;
    p.partition_max_bytes = 1 << 20;
    t.partitions.push_back(p);
    f.topics.push_back(t);
    auto fetched = reply<kafka::fetch_response>(send(f, 12), 12);
    ASSERT_EQ(fetched.responses.size(), 1u);
    EXPECT_EQ(fetched.responses[0].partitions[0].high_watermark, 1);
}

TEST_F(request_path_test, acks_zero_produce_has_no_response) {
    const auto seq = send(produce_of("a", 0, 0), 7);
    auto r = _broker.reply(seq);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->what, handler_reply::kind::none);
}

TEST_F(request_path_test, waiting_fetch_answers_when_settled) {
    kafka::fetch_request f;
    f.max_wait_ms = 60000;
    f.min_bytes = 1000;
    kafka::fetch_request::fetch_topic t;
    t.topic = "a";
    kafka::fetch_request::fetch_partition p;
    p.partition_max_bytes = 1 << 20;
    t.partitions.push_back(p);
    f.topics.push_back(t);
    const auto seq = send(f, 4);
    EXPECT_FALSE(_broker.answered(seq));
    _broker.settle();
    EXPECT_EQ(reply<kafka::fetch_response>(seq, 4).responses.size(), 1u);
}

TEST_F(request_path_test, join_group_completes_on_the_manual_clock) {
    kafka::find_coordinator_request find;
    find.key = "g";
    EXPECT_EQ(reply<kafka::find_coordinator_response>(send(find, 3), 3).error_code, 0);
    kafka::join_group_request join;
    join.group_id = "g";
    join.session_timeout_ms = 10000;
    join.rebalance_timeout_ms = 10000;
    join.protocol_type = "consumer";
    join.protocols.push_back({"range", bytes{}, {}});
    const auto seq = send(join, 3);
    _broker.settle(std::chrono::milliseconds(10));
    EXPECT_EQ(reply<kafka::join_group_response>(seq, 3).error_code, 0);
}

// Found by fuzz_broker_request: a request naming no topic left its reply join waiting for a
// completion that never came; the dropped responder closed the connection.
TEST_F(request_path_test, create_topics_naming_no_topic_gets_an_empty_response) {
    auto resp = reply<kafka::create_topics_response>(send(kafka::create_topics_request{}, 7), 7);
    EXPECT_TRUE(resp.topics.empty());
}

TEST_F(request_path_test, create_partitions_naming_no_topic_gets_an_empty_response) {
    auto resp = reply<kafka::create_partitions_response>(send(kafka::create_partitions_request{}, 3), 3);
    EXPECT_TRUE(resp.results.empty());
}

} // namespace
} // namespace brook::broker

#pragma once
// A whole broker in-process (embedded coordinator, ephemeral ports, log dir in a temp dir) for tests
// that speak to it with requests encoded by the protocol module over a raw_client. Header-only: the
// test binary is built from *_test.cc files alone.
#include "broker/raw_client.h"
#include "brook/broker/broker.h"
#include "brook/broker/config.h"
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/request.h"
#include "harness/test_dirs.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace brook::broker::test {

namespace kafka = protocol::kafka;

/// A size-prefixed request frame carrying `body` at `version`.
template<class Request>
bytes frame_of(const Request& body, int16_t version, int32_t correlation_id,
               const std::string& client_id = "broker-test") {
    kafka::request_header h{Request::api_key, version, correlation_id, client_id, {}};
    auto f = kafka::encode_request(h, body);
    bytes out{static_cast<uint8_t>(f.size() >> 24), static_cast<uint8_t>(f.size() >> 16),
              static_cast<uint8_t>(f.size() >> 8), static_cast<uint8_t>(f.size())};
    out.insert(out.end(), f.begin(), f.end());
    return out;
}

/// Decodes a reply (the bytes after its correlation id) as `Response`; a failure fails the test.
template<class Response>
Response decode_reply(const bytes& after_correlation_id, int16_t version) {
    bytes frame{0, 0, 0, 0};
    frame.insert(frame.end(), after_correlation_id.begin(), after_correlation_id.end());
    auto decoded = kafka::decode_response(Response::api_key, version, frame);
    EXPECT_TRUE(decoded) << decoded.error().message();
    return decoded ? std::get<Response>(decoded.value().second) : Response{};
}

/// Sends `body` with a fresh correlation id and decodes the reply as `Response`.
template<class Response, class Request>
Response call(raw_client& c, const Request& body, int16_t version) {
    static int32_t next_id = 1;
    const int32_t id = next_id++;
    EXPECT_TRUE(c.send(frame_of(body, version, id)));
    auto reply = c.receive();
    EXPECT_TRUE(reply);
    if (!reply) {
        return {};
    }
    EXPECT_EQ(reply->correlation_id, id);
    return decode_reply<Response>(reply->body, version);
}

/// A batch of `n` records with values `<prefix><i>` (or `value_size` bytes when non-zero).
inline bytes batch_of(int n, const std::string& prefix = "v", size_t value_size = 0) {
    kafka::record_batch_builder b;
    for (int i = 0; i < n; ++i) {
        auto value = value_size ? std::string(value_size, static_cast<char>('a' + i % 26)) : prefix + std::to_string(i);
        b.append(1700000000000 + i, std::nullopt, std::string_view(value));
    }
    return b.build().value();
}

inline kafka::produce_request produce_of(const std::string& topic, int32_t partition, bytes records, int16_t acks = 1) {
    kafka::produce_request req;
    req.acks = acks;
    req.timeout_ms = 5000;
    kafka::produce_request::topic_produce_data t;
    t.name = topic;
    t.partition_data.push_back({partition, std::move(records), {}});
    req.topic_data.push_back(std::move(t));
    return req;
}

/// CreateTopics v7 for one topic with replication factor 1.
inline kafka::create_topics_response
create_topic(raw_client& c, const std::string& topic, int32_t partitions = 1,
             const std::vector<std::pair<std::string, std::string>>& configs = {}) {
    kafka::create_topics_request req;
    kafka::create_topics_request::creatable_topic t;
    t.name = topic;
    t.num_partitions = partitions;
    t.replication_factor = 1;
    for (const auto& [k, v] : configs) {
        t.configs.push_back({k, v, {}});
    }
    req.topics.push_back(t);
    return call<kafka::create_topics_response>(c, req, 7);
}

/// Starts the broker in SetUp with `base_overrides()` plus the test's own, stops it in TearDown.
class broker_fixture : public ::testing::Test {
protected:
    explicit broker_fixture(std::string dir_name, int32_t broker_id = 7) : _dir(dir_name), _broker_id(broker_id) {}

    void SetUp() override { start(); }
    void TearDown() override { stop(); }

    void start(std::vector<std::string> overrides = {}) {
        overrides.push_back("log.dirs=" + (_dir / "logs").string());
        overrides.push_back("listeners=PLAINTEXT://127.0.0.1:0");
        overrides.push_back("broker.id=" + std::to_string(_broker_id));
        overrides.push_back("coordinator.embedded.port=0");
        for (auto& o : _extra_overrides) {
            overrides.push_back(o);
        }
        auto loaded = load_config_text(broker_config_registry(), "", "test.properties", overrides);
        ASSERT_TRUE(loaded.errors.empty());
        _cfg.emplace(std::move(*loaded.values));
        _broker = std::make_unique<broker>(*_cfg);
        ASSERT_TRUE(_broker->start());
        _port = _broker->bound_ports().at(0);
    }

    void stop() {
        if (_broker) {
            _broker->stop();
            _broker.reset();
        }
    }

    brook::test::temp_dir _dir;
    int32_t _broker_id;
    /// Settings every start() of this fixture adds (e.g. a short retention check interval).
    std::vector<std::string> _extra_overrides;
    std::optional<config_values> _cfg;
    std::unique_ptr<broker> _broker;
    uint16_t _port = 0;
};

} // namespace brook::broker::test

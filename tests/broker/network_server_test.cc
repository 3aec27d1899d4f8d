// The network layer with raw sockets: framing, limits, ordering, backpressure, sendfile, shutdown.
#include "broker/raw_client.h"
#include "brook/broker/network_server.h"
#include "harness/test_dirs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <random>
#include <thread>

namespace brook::broker {
namespace {

using test::make_frame;
using test::raw_client;
using namespace std::chrono_literals;

constexpr int16_t echo_api = 1;
constexpr int16_t held_api = 2;
constexpr int16_t silent_api = 3;
constexpr int16_t closing_api = 4;
constexpr int16_t file_api = 5;

network_config test_config() {
    network_config c;
    c.listeners = {listener_spec{"PLAINTEXT", "127.0.0.1", 0}};
    c.network_threads = 2;
    c.max_request_bytes = 1024 * 1024;
    c.shutdown_grace = 5s;
    return c;
}

bytes payload_of(const request& r) {
    return bytes(r.frame.begin() + request_prefix::size, r.frame.end());
}

/// Requests of `held_api` parked until the test releases them.
class held_requests {
public:
    void add(responder r, bytes payload) {
        std::lock_guard lock(_mutex);
        _held.emplace_back(std::move(r), std::move(payload));
        _changed.notify_all();
    }
    bool wait_for(size_t n, std::chrono::milliseconds timeout = 5s) {
        std::unique_lock lock(_mutex);
        return _changed.wait_for(lock, timeout, [&] { return _held.size() >= n; });
    }
    size_t count() {
        std::lock_guard lock(_mutex);
        return _held.size();
    }
    /// Answers the held requests newest first, from this thread (not a network thread).
    void release_in_reverse() {
        std::vector<std::pair<responder, bytes>> all;
        {
            std::lock_guard lock(_mutex);
            all.swap(_held);
        }
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            it->first.send(response(it->second));
        }
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    std::vector<std::pair<responder, bytes>> _held;
};

class network_test : public ::testing::Test {
protected:
    void SetUp() override {
        _dispatch.add(echo_api, [](request r, responder reply) { reply.send(response(payload_of(r))); });
        _dispatch.add(held_api, [this](request r, responder reply) { _held.add(std::move(reply), payload_of(r)); });
        _dispatch.add(silent_api, [](request, responder reply) { reply.no_response(); });
        _dispatch.add(closing_api, [](request, responder reply) { reply.close_connection(); });
        _dispatch.add(file_api, [this](request, responder reply) {
            response resp(bytes{'h', 'd', 'r'});
            resp.append(file_region{_file_fd, 3, 5000, nullptr});
            resp.append(bytes{'e', 'n', 'd'});
            reply.send(std::move(resp));
        });
    }
    void TearDown() override {
        if (_server) {
            _server->stop();
        }
        if (_file_fd >= 0) {
            ::close(_file_fd);
        }
    }

    uint16_t start(network_config c = test_config()) {
        _server = std::make_unique<network_server>(std::move(c), _dispatch);
        EXPECT_TRUE(_server->start());
        return _server->bound_ports().at(0);
    }

    static void expect_echo(raw_client& client, int32_t correlation_id, const bytes& payload = {1, 2, 3}) {
        ASSERT_TRUE(client.send(make_frame(echo_api, 0, correlation_id, payload)));
        auto reply = client.receive();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->correlation_id, correlation_id);
        EXPECT_EQ(reply->body, payload);
    }

    dispatcher _dispatch;
    held_requests _held;
    std::unique_ptr<network_server> _server;
    int _file_fd = -1;
};

TEST_F(network_test, answers_a_request_with_its_correlation_id) {
    raw_client client(start());
    expect_echo(client, 42);
    expect_echo(client, -7, bytes(100000, 0xab));
}

TEST_F(network_test, request_split_across_many_writes_is_reassembled) {
    raw_client client(start());
    auto frame = make_frame(echo_api, 0, 9, bytes{5, 6, 7, 8});
    for (uint8_t b : frame) {
        ASSERT_TRUE(client.send(bytes{b}));
    }
    auto reply = client.receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->body, (bytes{5, 6, 7, 8}));
}

TEST_F(network_test, pipelined_requests_are_answered_in_order) {
    raw_client client(start());
    bytes all;
    for (int i = 0; i < 200; ++i) {
        auto f = make_frame(echo_api, 0, i, bytes(static_cast<size_t>(i), static_cast<uint8_t>(i)));
        all.insert(all.end(), f.begin(), f.end());
    }
    ASSERT_TRUE(client.send(all));
    for (int i = 0; i < 200; ++i) {
        auto reply = client.receive();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->correlation_id, i);
        EXPECT_EQ(reply->body.size(), static_cast<size_t>(i));
    }
}

TEST_F(network_test, replies_completed_out_of_order_are_sent_in_request_order) {
    raw_client client(start());
    bytes all;
    for (int i = 0; i < 5; ++i) {
        auto f = make_frame(held_api, 0, 100 + i, bytes{static_cast<uint8_t>(i)});
        all.insert(all.end(), f.begin(), f.end());
    }
    auto tail = make_frame(echo_api, 0, 200, bytes{9});
    all.insert(all.end(), tail.begin(), tail.end());
    ASSERT_TRUE(client.send(all));
    ASSERT_TRUE(_held.wait_for(5));
    _held.release_in_reverse();
    for (int i = 0; i < 5; ++i) {
        auto reply = client.receive();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->correlation_id, 100 + i);
        EXPECT_EQ(reply->body, bytes{static_cast<uint8_t>(i)});
    }
    auto reply = client.receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->correlation_id, 200);
}

TEST_F(network_test, two_gigabyte_length_prefix_closes_only_that_connection) {
    auto port = start();
    raw_client good(port);
    expect_echo(good, 1);
    raw_client bad(port);
    ASSERT_TRUE(bad.send(bytes{0x7f, 0xff, 0xff, 0xff, 0, 1, 0, 0}));
    EXPECT_TRUE(bad.closed_by_server());
    expect_echo(good, 2);
    raw_client after(port);
    expect_echo(after, 3);
}

TEST_F(network_test, negative_and_tiny_length_prefixes_close_the_connection) {
    auto port = start();
    raw_client negative(port);
    ASSERT_TRUE(negative.send(bytes{0xff, 0xff, 0xff, 0xfe}));
    EXPECT_TRUE(negative.closed_by_server());
    raw_client tiny(port);
    ASSERT_TRUE(tiny.send(bytes{0, 0, 0, 3, 1, 2, 3}));
    EXPECT_TRUE(tiny.closed_by_server());
    raw_client good(port);
    expect_echo(good, 1);
}

TEST_F(network_test, unknown_api_key_closes_the_connection_after_earlier_replies) {
    raw_client client(start());
    auto frames = make_frame(echo_api, 0, 1, bytes{1});
    auto unknown = make_frame(77, 0, 2);
    frames.insert(frames.end(), unknown.begin(), unknown.end());
    ASSERT_TRUE(client.send(frames));
    auto reply = client.receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->correlation_id, 1);
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(network_test, garbage_from_many_clients_leaves_the_server_serving) {
    auto port = start();
    std::mt19937 rng(1234);
    for (int round = 0; round < 50; ++round) {
        raw_client junk(port, 500ms);
        bytes noise(1 + rng() % 3000);
        for (auto& b : noise) {
            b = static_cast<uint8_t>(rng());
        }
        junk.send(noise);
    }
    raw_client good(port);
    expect_echo(good, 5);
}

TEST_F(network_test, no_response_replies_are_skipped_and_later_ones_still_come) {
    raw_client client(start());
    auto frames = make_frame(silent_api, 0, 1);
    auto echo = make_frame(echo_api, 0, 2, bytes{4});
    frames.insert(frames.end(), echo.begin(), echo.end());
    ASSERT_TRUE(client.send(frames));
    auto reply = client.receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->correlation_id, 2);
}

TEST_F(network_test, close_reply_closes_after_sending_earlier_replies) {
    raw_client client(start());
    auto frames = make_frame(echo_api, 0, 1, bytes{1});
    auto close = make_frame(closing_api, 0, 2);
    frames.insert(frames.end(), close.begin(), close.end());
    ASSERT_TRUE(client.send(frames));
    auto reply = client.receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->correlation_id, 1);
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(network_test, idle_connections_are_closed) {
    auto c = test_config();
    c.idle_timeout = 200ms;
    raw_client client(start(c));
    expect_echo(client, 1);
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(network_test, connections_over_the_per_ip_cap_are_refused) {
    auto c = test_config();
    c.max_connections_per_ip = 1;
    auto port = start(c);
    raw_client first(port);
    expect_echo(first, 1);
    raw_client second(port);
    EXPECT_TRUE(second.closed_by_server());
    expect_echo(first, 2);
}

TEST_F(network_test, reading_pauses_while_too_many_requests_are_in_flight) {
    auto c = test_config();
    c.max_in_flight_requests = 2;
    raw_client client(start(c));
    bytes all;
    for (int i = 0; i < 6; ++i) {
        auto f = make_frame(held_api, 0, i, bytes{static_cast<uint8_t>(i)});
        all.insert(all.end(), f.begin(), f.end());
    }
    ASSERT_TRUE(client.send(all));
    ASSERT_TRUE(_held.wait_for(2));
    // A third request must not be dispatched while two are unanswered.
    EXPECT_FALSE(_held.wait_for(3, 300ms));
    int answered = 0;
    while (answered < 6) {
        _held.release_in_reverse();
        auto reply = client.receive();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->correlation_id, answered);
        ++answered;
        if (answered < 6) {
            auto second = client.receive();
            ASSERT_TRUE(second);
            EXPECT_EQ(second->correlation_id, answered);
            ++answered;
        }
        if (answered < 6) {
            ASSERT_TRUE(_held.wait_for(2));
        }
    }
}

TEST_F(network_test, file_regions_are_sent_between_byte_chunks) {
    brook::test::temp_dir dir("brook-net");
    auto path = (dir / "segment").string();
    _file_fd = ::open(path.c_str(), O_CREAT | O_RDWR, 0644);
    ASSERT_GE(_file_fd, 0);
    bytes contents(6000);
    for (size_t i = 0; i < contents.size(); ++i) {
        contents[i] = static_cast<uint8_t>(i * 7);
    }
    ASSERT_EQ(::write(_file_fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
    raw_client client(start());
    ASSERT_TRUE(client.send(make_frame(file_api, 0, 11)));
    auto reply = client.receive();
    ASSERT_TRUE(reply);
    bytes expected{'h', 'd', 'r'};
    expected.insert(expected.end(), contents.begin() + 3, contents.begin() + 5003);
    expected.insert(expected.end(), {'e', 'n', 'd'});
    EXPECT_EQ(reply->body, expected);
    expect_echo(client, 12);
}

TEST_F(network_test, stop_sends_replies_of_requests_in_flight) {
    raw_client client(start());
    ASSERT_TRUE(client.send(make_frame(held_api, 0, 31, bytes{3})));
    ASSERT_TRUE(_held.wait_for(1));
    auto stopped = std::async(std::launch::async, [this] { _server->stop(); });
    // The connection is still open until its reply went out.
    EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);
    _held.release_in_reverse();
    auto reply = client.receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->correlation_id, 31);
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(_server->connection_count(), 0u);
}

TEST_F(network_test, binding_a_taken_port_fails_cleanly) {
    auto port = start();
    auto c = test_config();
    c.listeners[0].port = port;
    network_server other(c, _dispatch);
    EXPECT_FALSE(other.start());
}

TEST(listener_uri, parses_kafka_listener_syntax) {
    auto a = parse_listener("PLAINTEXT://:9092");
    ASSERT_TRUE(a);
    EXPECT_EQ(a.value().name, "PLAINTEXT");
    EXPECT_EQ(a.value().host, "");
    EXPECT_EQ(a.value().port, 9092);
    auto b = parse_listener("INTERNAL://[::1]:19092");
    ASSERT_TRUE(b);
    EXPECT_EQ(b.value().host, "::1");
    EXPECT_EQ(b.value().port, 19092);
    EXPECT_FALSE(parse_listener("localhost:9092"));
    EXPECT_FALSE(parse_listener("PLAINTEXT://host:99999"));
    EXPECT_FALSE(parse_listener("PLAINTEXT://host:"));
}

} // namespace
} // namespace brook::broker

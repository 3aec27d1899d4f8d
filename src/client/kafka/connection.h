#pragma once
// One TCP connection to one broker: connect, ApiVersions negotiation, pipelined requests.
//
// Frames on the wire are Kafka's: int32 size, then a request (response) header and body. Requests
// are written in the order send() was called, many may be in flight, and the broker answers in
// order, so the pending queue is FIFO and each answer must carry the correlation id at its front.
//
// @locality every member function runs on the io_context's single thread (the client posts to it).
#include "brook/client/kafka/config.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/messages/all.h"

#include <boost/asio.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace brook::client::kafka {

/// Called on the io thread with the decoded response, or the error that ended the request.
using response_handler = std::function<void(result<protocol::kafka::response_body>)>;

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(boost::asio::io_context& io, broker_address address, int32_t node_id, const client_config& cfg);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Connects and negotiates versions. Requests sent before that wait; on failure they fail
    /// with errc::unreachable and the connection is closed for good.
    void start();

    /// The highest version of `api_key` both sides support, -1 when none (or not negotiated yet).
    int16_t version(int16_t api_key) const noexcept;

    /// Queues a request at the negotiated version. With `expect_response` false (Produce with
    /// acks=0) the handler runs once the request is written, with a default-constructed response.
    void send(protocol::kafka::request_body body, response_handler handler, bool expect_response = true);

    /// Requests written and not answered yet, plus those waiting to be written.
    size_t outstanding() const noexcept { return _pending.size() + _waiting.size(); }
    bool ready() const noexcept { return _state == state::ready; }
    bool closed() const noexcept { return _state == state::closed; }
    int32_t node_id() const noexcept { return _node_id; }
    const broker_address& address() const noexcept { return _address; }

    /// Fails every request with `ec` and closes the socket.
    void close(std::error_code ec);

private:
    enum class state { idle, connecting, ready, closed };
    struct pending {
        int32_t correlation_id;
        int16_t api_key;
        int16_t version;
        std::chrono::steady_clock::time_point deadline;
        response_handler handler;
        bool expect_response;
    };
    struct waiting {
        protocol::kafka::request_body body;
        response_handler handler;
        bool expect_response;
    };

    void on_connected();
    void negotiate(int16_t version);
    void enqueue(int16_t api_key, int16_t version, const protocol::kafka::request_body& body, response_handler handler,
                 bool expect_response);
    void flush_writes();
    void read_more();
    void handle_frame(std::span<const uint8_t> frame);
    void arm_watchdog();

    boost::asio::io_context& _io;
    boost::asio::ip::tcp::socket _socket;
    boost::asio::ip::tcp::resolver _resolver;
    boost::asio::steady_timer _watchdog;
    broker_address _address;
    int32_t _node_id;
    client_config _cfg;
    state _state = state::idle;
    int32_t _next_correlation = 1;
    std::array<int16_t, 128> _versions{};
    std::deque<waiting> _waiting;
    std::deque<pending> _pending;
    // Frames queued for the next write and those the current write is sending.
    std::vector<bytes> _out_queue;
    std::vector<bytes> _out_writing;
    bool _writing = false;
    // Read buffer: bytes [_rpos, _rend) are received and not yet parsed.
    std::vector<uint8_t> _rbuf;
    size_t _rpos = 0;
    size_t _rend = 0;
    std::chrono::steady_clock::time_point _connect_deadline;
};

} // namespace brook::client::kafka

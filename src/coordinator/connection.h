#pragma once
// One client connection. A reader coroutine parses length-prefixed packets (or a four-letter word
// as the first 4 bytes) and hands them to the server; a writer coroutine sends queued frames in
// order, but only those whose zxid is durable, so a reply or watch event never reveals a change
// that could be lost in a crash, and events queued before a reply go out before it.
// Thread: everything runs on the server's io_context thread.
#include "brook/common/bytes.h"
#include "brook/coordinator/server.h"
#include "coordinator/tree/processor.h"

#include <boost/asio.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace brook::coordinator {

class connection : public std::enable_shared_from_this<connection> {
public:
    /// `server` must outlive the connection's coroutines (the server closes every connection and
    /// drains its io_context before it is destroyed).
    connection(boost::asio::ip::tcp::socket socket, coordinator_server::impl& server, uint64_t id);

    void start();
    /// Queues a frame (length prefix included) released once `need_zxid` is durable.
    void enqueue(int64_t need_zxid, bytes frame);
    /// Closes after the queued frames are written (close_after) or at once.
    void close(bool after_queue = false);
    /// The durable zxid moved: release what waits.
    void wake();

    tree::client_context& context() noexcept { return _ctx; }
    const std::string& remote_ip() const noexcept { return _ip; }
    std::string remote_endpoint() const;
    uint64_t id() const noexcept { return _id; }
    bool closed() const noexcept { return _closed; }
    uint64_t packets_received() const noexcept { return _received; }
    uint64_t packets_sent() const noexcept { return _sent; }
    size_t queued() const noexcept { return _out.size(); }

private:
    boost::asio::awaitable<void> reader();
    boost::asio::awaitable<void> writer();
    boost::asio::awaitable<void> handshake_deadline();

    struct pending {
        int64_t need;
        bytes frame;
    };

    boost::asio::ip::tcp::socket _socket;
    boost::asio::steady_timer _signal;
    coordinator_server::impl& _server;
    uint64_t _id;
    std::string _ip;
    std::deque<pending> _out;
    tree::client_context _ctx;
    bool _closed = false;
    bool _close_after_queue = false;
    bool _handshaken = false;
    bool _registered = false; // in the server's list of connections waiting for durability
    uint64_t _received = 0;
    uint64_t _sent = 0;
};

} // namespace brook::coordinator

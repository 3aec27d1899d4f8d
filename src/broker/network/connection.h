#pragma once
// One client connection: a reader coroutine that frames requests and dispatches them, a writer
// coroutine that sends replies in request order (gather writes for bytes, sendfile(2) for file
// regions), and an idle watchdog.
//
// Lifetime: shared_ptr-owned; each coroutine holds a reference, so the object lives until the
// last of them ends after close(). Runs on the io_context of its socket only; complete() may be
// called from any thread and hops there.
#include "broker/network/frame_reader.h"
#include "broker/network/response_queue.h"
#include "broker/network/server_context.h"
#include "brook/broker/dispatcher.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

namespace brook::broker::network {

class connection final : public response_sink, public std::enable_shared_from_this<connection> {
public:
    /// `on_closed` runs once, on the connection's thread, when the socket is closed. `ctx` must
    /// outlive the connection. The caller has counted the connection in ctx.limits already.
    connection(boost::asio::ip::tcp::socket socket, server_context& ctx, connection_info info,
               std::function<void(uint64_t)> on_closed);

    /// Starts the coroutines. Call once, on the socket's executor.
    void start();
    /// Graceful stop: reads no more requests, sends the replies still due, then closes.
    /// Call on the socket's executor.
    void shutdown();
    /// Closes at once. Call on the socket's executor. Idempotent.
    void close();

    void complete(uint64_t sequence, handler_reply reply) override;

    const connection_info& info() const noexcept { return _info; }

private:
    // Each coroutine holds `self` so the connection outlives it.
    boost::asio::awaitable<void> read_loop(std::shared_ptr<connection> self);
    boost::asio::awaitable<void> write_loop(std::shared_ptr<connection> self);
    boost::asio::awaitable<void> idle_watchdog(std::shared_ptr<connection> self);
    /// Sends everything ready at the queue front; false when the socket failed.
    boost::asio::awaitable<bool> write_ready(bool& close_after);
    boost::asio::awaitable<bool> write_buffers(std::vector<boost::asio::const_buffer> iov);
    /// `region` is owned by a reply the caller keeps alive until the await ends.
    boost::asio::awaitable<bool> send_file(const file_region& region);
    void on_complete(uint64_t sequence, handler_reply reply);
    void dispatch_frame(bytes frame);
    bool over_budget() const noexcept;
    void touch() noexcept;

    boost::asio::ip::tcp::socket _socket;
    /// The io_context the socket belongs to (sockets are accepted onto one of ours).
    boost::asio::io_context::executor_type _home;
    server_context& _ctx;
    connection_info _info;
    std::string _ip;
    std::function<void(uint64_t)> _on_closed;
    frame_reader _frames;
    response_queue _queue;
    /// Wakes the writer (a reply arrived) and the reader (the budget freed up): timers that never
    /// expire, cancelled to signal.
    boost::asio::steady_timer _writer_wake;
    boost::asio::steady_timer _reader_wake;
    boost::asio::steady_timer _idle_timer;
    std::chrono::steady_clock::time_point _last_activity;
    bool _open = true;
    bool _reading_done = false;
};

} // namespace brook::broker::network

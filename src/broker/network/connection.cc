#include "broker/network/connection.h"

#include "brook/broker/errc.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>
#include <sys/sendfile.h>

#include <array>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <deque>

namespace brook::broker::network {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

/// Bytes of replies gathered into one write before sending; bounds the iovec list, not the reply.
constexpr uint64_t max_write_batch = 4 * 1024 * 1024;

void put_be32(uint8_t* p, uint32_t v) noexcept {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

void log_exception(const std::shared_ptr<spdlog::logger>& log, std::exception_ptr e, const char* what) {
    if (!e) {
        return;
    }
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log->error("connection {} ended with an exception: {}", what, ex.what());
    } catch (...) {
        log->error("connection {} ended with an unknown exception", what);
    }
}

} // namespace

connection::connection(tcp::socket socket, server_context& ctx, connection_info info,
                       std::function<void(uint64_t)> on_closed)
    : _socket(std::move(socket)),
      _home(static_cast<asio::io_context&>(_socket.get_executor().context()).get_executor()), _ctx(ctx),
      _info(std::move(info)), _on_closed(std::move(on_closed)), _frames(ctx.config.max_request_bytes),
      _writer_wake(_socket.get_executor()), _reader_wake(_socket.get_executor()), _idle_timer(_socket.get_executor()),
      _last_activity(std::chrono::steady_clock::now()) {
    boost::system::error_code ec;
    auto remote = _socket.remote_endpoint(ec);
    _ip = ec ? std::string("?") : remote.address().to_string();
}

void connection::start() {
    boost::system::error_code ec;
    _socket.set_option(tcp::no_delay(true), ec);
    if (_ctx.config.send_buffer_bytes > 0) {
        _socket.set_option(asio::socket_base::send_buffer_size(_ctx.config.send_buffer_bytes), ec);
    }
    if (_ctx.config.receive_buffer_bytes > 0) {
        _socket.set_option(asio::socket_base::receive_buffer_size(_ctx.config.receive_buffer_bytes), ec);
    }
    // sendfile(2) is called on the descriptor directly; it must not block the thread.
    _socket.native_non_blocking(true, ec);
    auto ex = _socket.get_executor();
    auto log = _ctx.log;
    asio::co_spawn(ex, read_loop(shared_from_this()), [log](std::exception_ptr e) { log_exception(log, e, "reader"); });
    asio::co_spawn(ex, write_loop(shared_from_this()),
                   [log](std::exception_ptr e) { log_exception(log, e, "writer"); });
    if (_ctx.config.idle_timeout.count() > 0) {
        asio::co_spawn(ex, idle_watchdog(shared_from_this()),
                       [log](std::exception_ptr e) { log_exception(log, e, "idle watchdog"); });
    }
}

void connection::touch() noexcept {
    _last_activity = std::chrono::steady_clock::now();
}

bool connection::over_budget() const noexcept {
    // One request is always admitted, however large (it passed socket.request.max.bytes already).
    return _queue.in_flight() >= static_cast<size_t>(_ctx.config.max_in_flight_requests) ||
           (!_queue.empty() && _queue.in_flight_bytes() >= static_cast<uint64_t>(_ctx.config.max_in_flight_bytes));
}

asio::awaitable<void> connection::read_loop(std::shared_ptr<connection> /*self*/) {
    while (_open && !_reading_done) {
        while (!over_budget() && !_reading_done) {
            auto frame = _frames.next();
            if (!frame) {
                _ctx.log->warn("Closing connection {} from {} on {}: {} (size prefix {}, socket.request.max.bytes {})",
                               _info.id, _info.peer, _info.listener, frame.error().message(), _frames.pending_size(),
                               _ctx.config.max_request_bytes);
                close();
                co_return;
            }
            if (!frame.value()) {
                break;
            }
            dispatch_frame(std::move(*frame.value()));
            if (!_open) {
                co_return;
            }
        }
        if (_reading_done) {
            break;
        }
        if (over_budget()) {
            _reader_wake.expires_at(std::chrono::steady_clock::time_point::max());
            co_await _reader_wake.async_wait(use_tuple);
            continue;
        }
        auto space = _frames.prepare();
        auto [ec, n] = co_await _socket.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
        if (ec) {
            if (ec != asio::error::eof && ec != asio::error::operation_aborted && _open) {
                _ctx.log->debug("Connection {} from {}: read failed: {}", _info.id, _info.peer, ec.message());
                close();
                co_return;
            }
            // End of stream (the client closed, or shutdown() stopped reading): the writer sends
            // what is still due and closes.
            _reading_done = true;
            _writer_wake.cancel();
            co_return;
        }
        _frames.commit(n);
        touch();
    }
}

void connection::dispatch_frame(bytes frame) {
    auto prefix = request_prefix::parse(frame);
    assert(prefix && "frame_reader admits no frame shorter than a request prefix");
    auto sequence = _queue.reserve(prefix->correlation_id, frame.size() + 4);
    request r{*prefix, std::move(frame), &_info};
    _ctx.dispatch.dispatch(std::move(r), responder(weak_from_this(), sequence));
}

void connection::complete(uint64_t sequence, handler_reply reply) {
    if (_home.running_in_this_thread()) {
        on_complete(sequence, std::move(reply));
        return;
    }
    asio::post(_home, [self = shared_from_this(), sequence, reply = std::move(reply)]() mutable {
        self->on_complete(sequence, std::move(reply));
    });
}

void connection::on_complete(uint64_t sequence, handler_reply reply) {
    if (!_open) {
        return;
    }
    if (!_queue.complete(sequence, std::move(reply))) {
        _ctx.log->error("Connection {}: reply for unknown or completed request {}", _info.id, sequence);
        return;
    }
    _writer_wake.cancel();
}

asio::awaitable<void> connection::write_loop(std::shared_ptr<connection> /*self*/) {
    while (_open) {
        bool close_after = false;
        if (!co_await write_ready(close_after)) {
            close();
            co_return;
        }
        if (close_after || (_reading_done && _queue.empty())) {
            close();
            co_return;
        }
        if (_queue.front_ready()) {
            continue;
        }
        _writer_wake.expires_at(std::chrono::steady_clock::time_point::max());
        co_await _writer_wake.async_wait(use_tuple);
    }
}

asio::awaitable<bool> connection::write_ready(bool& close_after) {
    std::vector<response_queue::entry> batch;
    uint64_t batch_bytes = 0;
    while (batch_bytes < max_write_batch) {
        auto e = _queue.pop_ready();
        if (!e) {
            break;
        }
        if (e->reply->what == handler_reply::kind::none) {
            continue;
        }
        if (e->reply->what == handler_reply::kind::close) {
            close_after = true;
            break;
        }
        batch_bytes += e->reply->body.size() + 8;
        batch.push_back(std::move(*e));
    }
    if (batch.empty()) {
        co_return true;
    }
    // Requests left the queue: the reader may continue.
    _reader_wake.cancel();

    std::vector<std::array<uint8_t, 8>> headers(batch.size());
    std::vector<asio::const_buffer> iov;
    for (size_t i = 0; i < batch.size(); ++i) {
        const auto& body = batch[i].reply->body;
        assert(body.size() + 4 <= INT32_MAX);
        put_be32(headers[i].data(), static_cast<uint32_t>(body.size() + 4));
        put_be32(headers[i].data() + 4, static_cast<uint32_t>(batch[i].correlation_id));
        iov.emplace_back(headers[i].data(), headers[i].size());
        for (const auto& chunk : body.chunks()) {
            if (const auto* b = std::get_if<bytes>(&chunk)) {
                iov.emplace_back(b->data(), b->size());
                continue;
            }
            bool ok = co_await write_buffers(std::move(iov));
            iov.clear();
            if (!ok || !co_await send_file(std::get<file_region>(chunk))) {
                co_return false;
            }
        }
    }
    if (!co_await write_buffers(std::move(iov))) {
        co_return false;
    }
    touch();
    co_return true;
}

asio::awaitable<bool> connection::write_buffers(std::vector<asio::const_buffer> iov) {
    if (iov.empty()) {
        co_return true;
    }
    auto [ec, n] = co_await asio::async_write(_socket, iov, use_tuple);
    if (ec) {
        _ctx.log->debug("Connection {} to {}: write failed: {}", _info.id, _info.peer, ec.message());
        co_return false;
    }
    co_return true;
}

asio::awaitable<bool> connection::send_file(const file_region& region) {
    off_t offset = region.offset;
    size_t left = region.length;
    while (left > 0) {
        ssize_t n = ::sendfile(_socket.native_handle(), region.fd, &offset, left);
        if (n > 0) {
            left -= static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            auto [ec] = co_await _socket.async_wait(tcp::socket::wait_write, use_tuple);
            if (ec) {
                co_return false;
            }
            continue;
        }
        // A short file would leave the response shorter than its size prefix: the stream is
        // unusable, so the connection closes.
        _ctx.log->warn("Connection {} to {}: sendfile of {} bytes at {} failed: {}", _info.id, _info.peer,
                       region.length, region.offset, n == 0 ? "file shorter than the region" : std::strerror(errno));
        co_return false;
    }
    co_return true;
}

asio::awaitable<void> connection::idle_watchdog(std::shared_ptr<connection> /*self*/) {
    const auto idle = _ctx.config.idle_timeout;
    while (_open) {
        _idle_timer.expires_at(_last_activity + idle);
        co_await _idle_timer.async_wait(use_tuple);
        if (!_open) {
            co_return;
        }
        auto now = std::chrono::steady_clock::now();
        if (!_queue.empty()) {
            // A request still being served (a long poll) is activity.
            _last_activity = now;
            continue;
        }
        if (now - _last_activity >= idle) {
            _ctx.log->debug("Closing connection {} from {}: idle for {} ms", _info.id, _info.peer, idle.count());
            close();
            co_return;
        }
    }
}

void connection::shutdown() {
    if (!_open || _reading_done) {
        return;
    }
    _reading_done = true;
    boost::system::error_code ec;
    _socket.shutdown(tcp::socket::shutdown_receive, ec);
    _reader_wake.cancel();
    _writer_wake.cancel();
}

void connection::close() {
    if (!_open) {
        return;
    }
    _open = false;
    boost::system::error_code ec;
    _socket.shutdown(tcp::socket::shutdown_both, ec);
    _socket.close(ec);
    _writer_wake.cancel();
    _reader_wake.cancel();
    _idle_timer.cancel();
    _ctx.limits.release(_ip);
    if (_on_closed) {
        _on_closed(_info.id);
    }
}

} // namespace brook::broker::network

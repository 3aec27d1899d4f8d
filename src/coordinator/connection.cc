#include "coordinator/connection.h"

#include "brook/common/logging.h"
#include "coordinator/server_impl.h"

#include <boost/asio/experimental/as_tuple.hpp>
#include <spdlog/spdlog.h>

#include <cstring>

namespace brook::coordinator {

namespace asio = boost::asio;
namespace zk = brook::protocol::zookeeper;
using asio::awaitable;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = get_logger("brook.coordinator");
    return l;
}

uint32_t be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

uint8_t* put_be(uint8_t* p, uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
        *p++ = static_cast<uint8_t>(v >> (8 * i));
    }
    return p;
}

// The first read buffer; it grows to hold the largest packet seen.
constexpr size_t initial_input = 64 * 1024;
// Packets handled before the reader lets the writer send their replies. A 64 KiB read can hold
// over a thousand small requests; answering them all in one burst makes the client alternate
// between sending and receiving instead of doing both at once.
constexpr size_t packets_per_turn = 64;

} // namespace

connection::connection(asio::ip::tcp::socket socket, coordinator_server::impl& server, uint64_t id)
    : _socket(std::move(socket)), _signal(_socket.get_executor()), _server(server), _id(id) {
    boost::system::error_code ec;
    auto ep = _socket.remote_endpoint(ec);
    _ip = ec ? std::string("unknown") : ep.address().to_string();
    _ctx.auth.ids.push_back(protocol::zookeeper::acl_id{"ip", _ip});
    _socket.set_option(asio::ip::tcp::no_delay(true), ec);
    _signal.expires_at(asio::steady_timer::time_point::max());
}

std::string connection::remote_endpoint() const {
    boost::system::error_code ec;
    auto ep = _socket.remote_endpoint(ec);
    return ec ? _ip : _ip + ":" + std::to_string(ep.port());
}

void connection::start() {
    auto self = shared_from_this();
    asio::co_spawn(
        _socket.get_executor(), [self]() { return self->reader(); }, asio::detached);
    asio::co_spawn(
        _socket.get_executor(), [self]() { return self->writer(); }, asio::detached);
}

void connection::mark(int64_t need, uint32_t frames) {
    uint64_t end = _out_head + _out.size();
    if (!_marks.empty() && need <= _marks.back().need) {
        _marks.back().end = end;
        _marks.back().frames += frames;
    } else {
        _marks.push_back(marker{end, need, frames});
    }
    _queued_frames += frames;
    if (need <= _server.durable_zxid()) {
        if (_writer_waiting) {
            _writer_waiting = false;
            _signal.cancel();
        }
    } else if (!_registered) {
        _registered = true;
        _server.register_waiting(shared_from_this());
    }
}

void connection::enqueue(int64_t need_zxid, bytes_view frame) {
    if (_closed) {
        return;
    }
    _out.insert(_out.end(), frame.begin(), frame.end());
    mark(need_zxid, 1);
}

void connection::enqueue_reply(int64_t need_zxid, const zk::reply_header& h, bytes_view body) {
    if (_closed) {
        return;
    }
    size_t body_len = h.err == 0 ? body.size() : 0;
    size_t pos = _out.size();
    _out.resize(pos + 20 + body_len);
    uint8_t* p = _out.data() + pos;
    p = put_be(p, 16 + body_len, 4);
    p = put_be(p, static_cast<uint32_t>(h.xid), 4);
    p = put_be(p, static_cast<uint64_t>(h.zxid), 8);
    p = put_be(p, static_cast<uint32_t>(h.err), 4);
    if (body_len > 0) {
        std::memcpy(p, body.data(), body_len);
    }
    mark(need_zxid, 1);
}

void connection::wake() {
    _registered = false;
    if (_writer_waiting) {
        _writer_waiting = false;
        _signal.cancel();
    }
}

void connection::close(bool after_queue) {
    if (_closed) {
        return;
    }
    if (after_queue && !_marks.empty()) {
        _close_after_queue = true;
        _writer_waiting = false;
        _signal.cancel();
        return;
    }
    _closed = true;
    boost::system::error_code ec;
    _socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    _socket.close(ec);
    _writer_waiting = false;
    _signal.cancel();
    _server.on_closed(shared_from_this());
}

connection::input connection::handle_input() {
    for (size_t handled = 0; !_closed && _in_end - _in_pos >= 4; ++handled) {
        if (handled == packets_per_turn) {
            return input::yield;
        }
        const uint8_t* p = _in.data() + _in_pos;
        if (!_handshaken) {
            std::string_view word(reinterpret_cast<const char*>(p), 4);
            if (auto answer = _server.four_letter(word)) {
                enqueue(INT64_MIN, as_bytes(*answer));
                return input::close_after_queue;
            }
        }
        uint32_t len = be32(p);
        if (len > static_cast<uint32_t>(_server.max_buffer()) + 1024 || len < 8) {
            logger()->warn("Closing connection from {}: packet length {} out of range", remote_endpoint(), len);
            return input::close_now;
        }
        if (_in_end - _in_pos < 4 + size_t(len)) {
            // Incomplete: make room for the whole packet behind what is already here.
            if (_in.size() < 4 + size_t(len)) {
                bytes bigger(4 + size_t(len));
                std::memcpy(bigger.data(), p, _in_end - _in_pos);
                _in.swap(bigger);
                _in_end -= _in_pos;
                _in_pos = 0;
            }
            break;
        }
        _in_pos += 4 + len;
        ++_received;
        auto self = shared_from_this();
        bytes_view packet(p + 4, len);
        bool ok = _handshaken ? _server.on_request(self, packet) : _server.on_connect(self, packet);
        if (!ok) {
            return input::close_after_queue;
        }
        _handshaken = true;
    }
    // Move the partial packet (if any) to the front so the next read appends to it.
    if (_in_pos == _in_end) {
        _in_pos = _in_end = 0;
    } else if (_in_pos > 0) {
        std::memmove(_in.data(), _in.data() + _in_pos, _in_end - _in_pos);
        _in_end -= _in_pos;
        _in_pos = 0;
    }
    return input::more;
}

awaitable<void> connection::reader() {
    auto self = shared_from_this();
    _in.resize(initial_input);
    while (!_closed) {
        auto [ec, n] =
            co_await _socket.async_read_some(asio::buffer(_in.data() + _in_end, _in.size() - _in_end), as_tuple);
        if (ec || _closed) {
            break;
        }
        _in_end += n;
        auto next = handle_input();
        while (next == input::yield) {
            co_await asio::post(_socket.get_executor(), asio::use_awaitable);
            next = _closed ? input::close_now : handle_input();
        }
        if (next == input::close_after_queue) {
            close(true);
            co_return;
        }
        if (next == input::close_now) {
            break;
        }
    }
    close(false);
}

awaitable<void> connection::writer() {
    auto self = shared_from_this();
    bytes writing;
    while (!_closed) {
        // The longest prefix of queued frames whose zxids are durable goes out in one write.
        int64_t durable = _server.durable_zxid();
        uint64_t end = _out_head;
        uint32_t frames = 0;
        while (!_marks.empty() && _marks.front().need <= durable) {
            end = _marks.front().end;
            frames += _marks.front().frames;
            _marks.pop_front();
        }
        if (end > _out_head) {
            size_t n = static_cast<size_t>(end - _out_head);
            if (n == _out.size()) {
                writing.swap(_out); // the two buffers alternate, keeping their capacity
            } else {
                writing.assign(_out.begin(), _out.begin() + static_cast<std::ptrdiff_t>(n));
                _out.erase(_out.begin(), _out.begin() + static_cast<std::ptrdiff_t>(n));
            }
            _out_head = end;
            _queued_frames -= frames;
            _sent += frames;
            auto [ec, written] = co_await asio::async_write(_socket, asio::buffer(writing), as_tuple);
            writing.clear();
            if (ec) {
                close(false);
                co_return;
            }
            continue;
        }
        if (_close_after_queue && _marks.empty()) {
            _close_after_queue = false;
            close(false);
            co_return;
        }
        if (!_marks.empty() && !_registered) {
            _registered = true;
            _server.register_waiting(self);
        }
        _signal.expires_at(asio::steady_timer::time_point::max());
        _writer_waiting = true;
        auto [ec] = co_await _signal.async_wait(as_tuple);
        _writer_waiting = false;
        static_cast<void>(ec);
    }
}

} // namespace brook::coordinator

#include "coordinator/connection.h"

#include "brook/common/logging.h"
#include "coordinator/server_impl.h"

#include <boost/asio/experimental/as_tuple.hpp>
#include <spdlog/spdlog.h>

namespace brook::coordinator {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = get_logger("brook.coordinator");
    return l;
}

uint32_t be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

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

void connection::enqueue(int64_t need_zxid, bytes frame) {
    if (_closed) {
        return;
    }
    _out.push_back(pending{need_zxid, std::move(frame)});
    if (need_zxid <= _server.durable_zxid()) {
        _signal.cancel();
    } else if (!_registered) {
        _registered = true;
        _server.register_waiting(shared_from_this());
    }
}

void connection::wake() {
    _registered = false;
    _signal.cancel();
}

void connection::close(bool after_queue) {
    if (_closed) {
        return;
    }
    if (after_queue && !_out.empty()) {
        _close_after_queue = true;
        _signal.cancel();
        return;
    }
    _closed = true;
    boost::system::error_code ec;
    _socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    _socket.close(ec);
    _signal.cancel();
    _server.on_closed(shared_from_this());
}

awaitable<void> connection::reader() {
    auto self = shared_from_this();
    uint8_t len_buf[4];
    bytes packet;
    while (!_closed) {
        auto [ec, n] = co_await asio::async_read(_socket, asio::buffer(len_buf), as_tuple);
        if (ec || _closed) {
            break;
        }
        if (!_handshaken) {
            std::string_view word(reinterpret_cast<const char*>(len_buf), 4);
            if (auto answer = _server.four_letter(word)) {
                bytes text(answer->begin(), answer->end());
                _out.push_back(pending{INT64_MIN, std::move(text)});
                close(true);
                co_return;
            }
        }
        uint32_t len = be32(len_buf);
        if (len > static_cast<uint32_t>(_server.max_buffer()) + 1024 || len < 8) {
            logger()->warn("Closing connection from {}: packet length {} out of range", remote_endpoint(), len);
            break;
        }
        packet.resize(len);
        auto [ec2, n2] = co_await asio::async_read(_socket, asio::buffer(packet), as_tuple);
        if (ec2 || _closed) {
            break;
        }
        ++_received;
        bool ok =
            _handshaken ? _server.on_request(self, bytes_view(packet)) : _server.on_connect(self, bytes_view(packet));
        if (!ok) {
            close(true);
            co_return;
        }
        _handshaken = true;
    }
    close(false);
}

awaitable<void> connection::writer() {
    auto self = shared_from_this();
    std::vector<uint8_t> batch;
    while (!_closed) {
        batch.clear();
        int64_t durable = _server.durable_zxid();
        while (!_out.empty() && _out.front().need <= durable && batch.size() < (1 << 20)) {
            auto& f = _out.front().frame;
            batch.insert(batch.end(), f.begin(), f.end());
            _out.pop_front();
            ++_sent;
        }
        if (!batch.empty()) {
            auto [ec, n] = co_await asio::async_write(_socket, asio::buffer(batch), as_tuple);
            if (ec) {
                close(false);
                co_return;
            }
            continue;
        }
        if (_close_after_queue && _out.empty()) {
            _close_after_queue = false;
            close(false);
            co_return;
        }
        if (!_out.empty() && !_registered) {
            _registered = true;
            _server.register_waiting(self);
        }
        _signal.expires_at(asio::steady_timer::time_point::max());
        auto [ec] = co_await _signal.async_wait(as_tuple);
        static_cast<void>(ec);
    }
}

} // namespace brook::coordinator

// The connection half of session: connect + handshake, reader, writer and heartbeat coroutines.
#include "brook/common/logging.h"
#include "client/zookeeper/session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <random>

namespace brook::client::zookeeper::detail {
namespace {

namespace asio = boost::asio;
namespace proto = protocol::zookeeper;
using asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Replies larger than this are refused (a znode holds at most jute.maxbuffer = 1 MiB, but a
/// getChildren of a large node may exceed that).
constexpr uint32_t max_frame = 64u << 20;
/// A ReplyHeader is xid (4) + zxid (8) + err (4).
constexpr uint32_t min_reply = 16;
/// A ConnectResponse is at most a few dozen bytes (16-byte password).
constexpr uint32_t max_connect_response = 4096;

uint32_t load_be32(const std::array<uint8_t, 4>& b) {
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

} // namespace

asio::awaitable<void> session::run(std::shared_ptr<session> self) {
    using namespace asio::experimental::awaitable_operators;
    self->_started = clock::now();
    self->_last_heard = self->_started;
    const size_t hosts = self->_spec.hosts.size();
    size_t next = 0;
    size_t failures = 0;
    std::mt19937 rng(std::random_device{}());
    while (!self->terminal()) {
        // Servers expire a session nobody heard from for its timeout; say so ourselves rather than
        // retry forever. A session that was never established has nothing to expire.
        auto window = self->_timeout.count() > 0 ? self->_timeout : self->_options.session_timeout;
        if (self->_session_id != 0 && clock::now() - self->_last_heard >= window) {
            self->_log->warn("no ZooKeeper server reachable for the session timeout ({} ms): session 0x{:x} expired",
                             window.count(), self->_session_id);
            self->finish(session_state::expired, error_code::session_expired);
            break;
        }
        const host_port hp = self->_spec.hosts[next];
        next = (next + 1) % hosts;
        bool connected = co_await self->connect_one(hp);
        if (self->terminal()) {
            break;
        }
        if (connected) {
            failures = 0;
            co_await (self->reader() || self->writer() || self->heartbeat());
            self->on_disconnected();
            continue;
        }
        if (++failures % hosts != 0) {
            continue;
        }
        // A whole round failed. Requests queued before the first connection wait at most one
        // session timeout for it.
        if (self->_state == session_state::connecting &&
            clock::now() - self->_started >= self->_options.session_timeout) {
            auto q = std::move(self->_queued);
            self->_queued.clear();
            for (auto& r : q) {
                r.handler(error_code::connection_loss);
            }
        }
        // Back off a little (randomised, so clients of a restarted server do not all return at once).
        self->_backoff.expires_after(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 250)(rng)));
        co_await self->_backoff.async_wait(use_tuple);
    }
}

asio::awaitable<bool> session::connect_one(const host_port& hp) {
    const auto gen = ++_generation;
    auto timeout = _options.connect_timeout;
    if (timeout.count() <= 0) {
        // A handshake on a live server takes milliseconds; a server that accepted but does not
        // answer (one still starting up, say) must not hold the whole session timeout.
        timeout = std::clamp(_options.session_timeout / static_cast<int64_t>(_spec.hosts.size()),
                             std::chrono::milliseconds(500), std::chrono::milliseconds(5000));
    }
    if (_session_id != 0) {
        // Never wait past the moment the session would be given up anyway.
        auto window = _timeout.count() > 0 ? _timeout : _options.session_timeout;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(_last_heard + window - clock::now());
        timeout = std::max(std::chrono::milliseconds(100), std::min(timeout, left));
    }
    _socket.emplace(_strand);
    _handshaking = true;
    // The whole attempt (resolve, connect, handshake) has one deadline: closing the socket
    // aborts whatever step is in progress.
    asio::steady_timer watchdog(_strand, timeout);
    watchdog.async_wait([self = shared_from_this(), gen](boost::system::error_code ec) {
        if (!ec && self->_generation == gen && self->_handshaking && self->_socket) {
            boost::system::error_code ignored;
            self->_socket->close(ignored);
        }
    });
    auto fail = [&](std::string_view what, boost::system::error_code ec) {
        _log->debug("ZooKeeper {}:{}: {} failed: {}", hp.host, hp.port, what, ec.message());
        _handshaking = false;
        watchdog.cancel();
        boost::system::error_code ignored;
        _socket->close(ignored);
        return false;
    };

    tcp::resolver resolver(_strand);
    auto [rec, endpoints] = co_await resolver.async_resolve(hp.host, std::to_string(hp.port), use_tuple);
    if (rec) {
        co_return fail("resolve", rec);
    }
    auto [cec, ep] = co_await asio::async_connect(*_socket, endpoints, use_tuple);
    if (cec) {
        co_return fail("connect", cec);
    }
    boost::system::error_code ignored;
    _socket->set_option(tcp::no_delay(true), ignored);

    proto::connect_request req;
    req.protocol_version = 0;
    req.last_zxid_seen = _last_zxid;
    req.timeout = static_cast<int32_t>(_options.session_timeout.count());
    req.session_id = _session_id;
    req.passwd = _password.empty() ? bytes(16, 0) : _password;
    bytes frame;
    {
        proto::jute_writer w(frame);
        auto pos = proto::begin_frame(w);
        proto::encode(w, req);
        w.write_bool(false); // readOnly: we want a read-write session
        proto::end_frame(w, pos);
    }
    auto [wec, wn] = co_await asio::async_write(*_socket, asio::buffer(frame), use_tuple);
    if (wec) {
        co_return fail("handshake write", wec);
    }
    std::array<uint8_t, 4> len_buf{};
    auto [lec, ln] = co_await asio::async_read(*_socket, asio::buffer(len_buf), use_tuple);
    if (lec) {
        co_return fail("handshake read", lec);
    }
    uint32_t len = load_be32(len_buf);
    if (len > max_connect_response) {
        co_return fail("handshake", asio::error::message_size);
    }
    bytes body(len);
    auto [bec, bn] = co_await asio::async_read(*_socket, asio::buffer(body), use_tuple);
    if (bec) {
        co_return fail("handshake read", bec);
    }
    _handshaking = false;
    watchdog.cancel();
    auto rsp = proto::decode<proto::connect_response>(bytes_view(body));
    if (!rsp) {
        _log->warn("ZooKeeper {}:{}: bad ConnectResponse: {}", hp.host, hp.port, rsp.error().message());
        _socket->close(ignored);
        co_return false;
    }
    if (rsp.value().timeout <= 0 || (_session_id != 0 && rsp.value().session_id != _session_id)) {
        _log->warn("ZooKeeper {}:{}: session 0x{:x} expired", hp.host, hp.port, _session_id);
        finish(session_state::expired, error_code::session_expired);
        co_return false;
    }
    _session_id = rsp.value().session_id;
    _password = rsp.value().passwd;
    _timeout = std::chrono::milliseconds(rsp.value().timeout);
    _public_id = _session_id;
    _public_timeout = _timeout.count();
    {
        std::lock_guard lock(_password_mutex);
        _public_password = _password;
    }
    _last_heard = clock::now();
    _last_sent = _last_heard;
    _log->info("connected to ZooKeeper {}:{}, session 0x{:x}, timeout {} ms", hp.host, hp.port, _session_id,
               _timeout.count());
    on_connected();
    co_return true;
}

void session::on_connected() {
    _ever_connected = true;
    set_state(session_state::connected);
    if (!_watches.empty()) {
        // Re-arm the watches; the server fires at once those whose node changed after _last_zxid.
        auto sw = _watches.snapshot(_last_zxid);
        if (_watches.has_persistent()) {
            send(proto::xids::set_watches, proto::op_code::set_watches2, std::move(sw));
        } else {
            send(proto::xids::set_watches, proto::op_code::set_watches,
                 proto::set_watches{sw.relative_zxid, std::move(sw.data_watches), std::move(sw.exist_watches),
                                    std::move(sw.child_watches)});
        }
    }
    for (auto& a : _auth) {
        send(proto::xids::auth, proto::op_code::auth, proto::auth_packet{0, a.scheme, a.auth});
        _auth_waiters.push_back(std::exchange(a.waiter, {}));
    }
    auto q = std::move(_queued);
    _queued.clear();
    for (auto& r : q) {
        send_request(std::move(r));
    }
}

void session::on_disconnected() {
    if (_socket) {
        boost::system::error_code ignored;
        _socket->close(ignored);
        _socket.reset();
    }
    _out.clear();
    if (!terminal() && _state == session_state::connected) {
        set_state(session_state::suspended);
    }
    fail_all(terminal() ? rejection() : std::error_code(error_code::connection_loss));
}

asio::awaitable<void> session::reader() {
    co_await asio::this_coro::throw_if_cancelled(false);
    std::array<uint8_t, 4> len_buf{};
    bytes frame;
    for (;;) {
        auto [ec, n] = co_await asio::async_read(*_socket, asio::buffer(len_buf), use_tuple);
        if (ec) {
            _log->debug("ZooKeeper session 0x{:x}: read failed: {}", _session_id, ec.message());
            co_return;
        }
        uint32_t len = load_be32(len_buf);
        if (len < min_reply || len > max_frame) {
            _log->warn("ZooKeeper session 0x{:x}: bad frame length {}", _session_id, len);
            co_return;
        }
        frame.resize(len);
        auto [ec2, n2] = co_await asio::async_read(*_socket, asio::buffer(frame), use_tuple);
        if (ec2) {
            co_return;
        }
        _last_heard = clock::now();
        if (!handle_frame(frame)) {
            co_return;
        }
    }
}

asio::awaitable<void> session::writer() {
    co_await asio::this_coro::throw_if_cancelled(false);
    std::vector<bytes> batch;
    std::vector<asio::const_buffer> buffers;
    for (;;) {
        if (_out.empty()) {
            _write_signal.expires_at(clock::time_point::max());
            co_await _write_signal.async_wait(use_tuple);
            auto cs = co_await asio::this_coro::cancellation_state;
            if (cs.cancelled() != asio::cancellation_type::none || !_socket || !_socket->is_open()) {
                co_return;
            }
            continue;
        }
        // Everything queued goes out in one write, in order.
        batch.assign(std::make_move_iterator(_out.begin()), std::make_move_iterator(_out.end()));
        _out.clear();
        buffers.clear();
        for (const auto& b : batch) {
            buffers.push_back(asio::buffer(b));
        }
        auto [ec, n] = co_await asio::async_write(*_socket, buffers, use_tuple);
        if (ec) {
            _log->debug("ZooKeeper session 0x{:x}: write failed: {}", _session_id, ec.message());
            co_return;
        }
        _last_sent = clock::now();
    }
}

asio::awaitable<void> session::heartbeat() {
    co_await asio::this_coro::throw_if_cancelled(false);
    const auto read_timeout = _timeout * 2 / 3;
    const auto ping_every = _timeout / 3;
    asio::steady_timer timer(_strand);
    for (;;) {
        auto now = clock::now();
        if (now - _last_heard >= read_timeout) {
            _log->info("ZooKeeper session 0x{:x}: nothing received for {} ms, reconnecting", _session_id,
                       read_timeout.count());
            co_return;
        }
        if (now - _last_sent >= ping_every) {
            send(proto::xids::ping, proto::op_code::ping, std::monostate{});
            _last_sent = now;
        }
        timer.expires_at(std::min(_last_sent + ping_every, _last_heard + read_timeout));
        auto [ec] = co_await timer.async_wait(use_tuple);
        if (ec) {
            co_return;
        }
    }
}

bool session::handle_frame(bytes_view frame) {
    proto::jute_reader r(frame);
    auto hdr = proto::decode<proto::reply_header>(r);
    if (!hdr) {
        _log->warn("ZooKeeper session 0x{:x}: bad reply header", _session_id);
        return false;
    }
    const auto h = hdr.value();
    if (h.zxid > 0) {
        _last_zxid = h.zxid;
    }
    auto body = frame.subspan(r.position());
    switch (h.xid) {
    case proto::xids::ping:
        return true;
    case proto::xids::set_watches:
        if (h.err != 0) {
            _log->warn("ZooKeeper session 0x{:x}: SetWatches failed: {}", _session_id, from_wire(h.err).message());
        }
        return true;
    case proto::xids::auth: {
        callback<void> waiter;
        if (!_auth_waiters.empty()) {
            waiter = std::move(_auth_waiters.front());
            _auth_waiters.pop_front();
        }
        if (h.err == static_cast<int32_t>(error_code::auth_failed)) {
            if (waiter) {
                waiter(error_code::auth_failed);
            }
            finish(session_state::auth_failed, error_code::auth_failed);
            return false;
        }
        if (waiter) {
            waiter(h.err == 0 ? result<void>(success()) : result<void>(from_wire(h.err)));
        }
        return true;
    }
    case proto::xids::notification:
        dispatch_event(body);
        return true;
    default:
        break;
    }
    if (_in_flight.empty() || _in_flight.front().xid != h.xid) {
        _log->error("ZooKeeper session 0x{:x}: reply xid {} does not match the oldest request ({})", _session_id, h.xid,
                    _in_flight.empty() ? 0 : _in_flight.front().xid);
        return false;
    }
    auto f = std::move(_in_flight.front());
    _in_flight.pop_front();
    _log->trace("ZooKeeper session 0x{:x}: reply xid {} zxid 0x{:x} err {}", _session_id, h.xid, h.zxid, h.err);
    f.handler(reply{h, body});
    return true;
}

void session::dispatch_event(bytes_view body) {
    auto ev = proto::decode<proto::watcher_event>(body);
    if (!ev) {
        _log->warn("ZooKeeper session 0x{:x}: bad watch event", _session_id);
        return;
    }
    auto type = static_cast<event_type>(ev.value().type);
    auto path = to_client_path(_spec.chroot, ev.value().path);
    auto watchers = _watches.collect(type, ev.value().path);
    if (!path) {
        return;
    }
    watch_event out{type, std::move(*path)};
    for (auto& w : watchers) {
        w(out);
    }
}

} // namespace brook::client::zookeeper::detail

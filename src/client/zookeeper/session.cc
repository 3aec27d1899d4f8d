#include "client/zookeeper/session.h"

#include "brook/common/logging.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <random>

namespace brook::client::zookeeper::detail {
namespace {

namespace asio = boost::asio;
namespace proto = protocol::zookeeper;

bytes frame_of(const proto::request& req) {
    bytes out;
    proto::jute_writer w(out);
    auto pos = proto::begin_frame(w);
    proto::encode_request(w, req);
    proto::end_frame(w, pos);
    return out;
}

} // namespace

session::session(asio::io_context& io, client_options options)
    : _strand(asio::make_strand(io)), _options(std::move(options)), _log(get_logger("brook.client.zookeeper")),
      _write_signal(_strand), _backoff(_strand) {
    auto spec = parse_connect_string(_options.connect_string);
    if (!spec) {
        _init_error = spec.error();
        _state = session_state::closed;
        return;
    }
    _spec = std::move(spec.value());
    if (_options.shuffle_hosts && _spec.hosts.size() > 1) {
        std::shuffle(_spec.hosts.begin(), _spec.hosts.end(), std::mt19937(std::random_device{}()));
    }
    _session_id = _options.session_id;
    _password = _options.session_password;
    _public_id = _session_id;
}

void session::start() {
    if (_init_error) {
        _log->error("invalid ZooKeeper connect string '{}'", _options.connect_string);
        return;
    }
    auto self = shared_from_this();
    asio::co_spawn(_strand, run(self), [self](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                self->_log->error("ZooKeeper session loop failed: {}", ex.what());
            }
            self->finish(session_state::closed, errc::protocol_violation);
        }
    });
}

bool session::terminal() const noexcept {
    auto s = _state.load();
    return s == session_state::expired || s == session_state::auth_failed || s == session_state::closed;
}

std::error_code session::rejection() const noexcept {
    if (_init_error) {
        return _init_error;
    }
    if (_closing) {
        return errc::closed;
    }
    switch (_state.load()) {
    case session_state::connecting:
    case session_state::connected:
    case session_state::suspended:
        return error_code::connection_loss;
    case session_state::expired:
        return error_code::session_expired;
    case session_state::auth_failed:
        return error_code::auth_failed;
    case session_state::closed:
        return errc::closed;
    }
    return errc::closed;
}

bytes session::password() const {
    std::lock_guard lock(_password_mutex);
    return _public_password;
}

result<std::string> session::server_path(std::string_view path, bool sequential) const {
    if (_init_error) {
        return _init_error;
    }
    if (!valid_path(path, sequential)) {
        return errc::invalid_path;
    }
    return to_server_path(_spec.chroot, path);
}

std::string session::client_path(std::string_view server_path) const {
    auto p = to_client_path(_spec.chroot, server_path);
    return p ? std::move(*p) : std::string(server_path);
}

bool session::in_chroot(std::string_view server_path) const {
    return to_client_path(_spec.chroot, server_path).has_value();
}

void session::submit(proto::op_code type, proto::request_body body, reply_handler handler) {
    asio::post(_strand,
               [self = shared_from_this(), type, body = std::move(body), handler = std::move(handler)]() mutable {
                   if (!self->_closing) {
                       if (self->_state == session_state::connecting) {
                           self->_queued.push_back(queued{type, std::move(body), std::move(handler)});
                           return;
                       }
                       if (self->_state == session_state::connected) {
                           self->send_request(queued{type, std::move(body), std::move(handler)});
                           return;
                       }
                   }
                   handler(self->rejection());
               });
}

void session::fail_later(std::function<void(std::error_code)> cb, std::error_code ec) {
    asio::post(_strand, [cb = std::move(cb), ec] { cb(ec); });
}

void session::add_auth(std::string scheme, bytes auth, callback<void> cb) {
    asio::post(_strand, [self = shared_from_this(), scheme = std::move(scheme), auth = std::move(auth),
                         cb = std::move(cb)]() mutable {
        if (self->terminal() || self->_closing) {
            cb(self->rejection());
            return;
        }
        self->_auth.push_back(auth_entry{std::move(scheme), std::move(auth), {}});
        if (self->_state == session_state::connected) {
            auto& e = self->_auth.back();
            self->send(proto::xids::auth, proto::op_code::auth, proto::auth_packet{0, e.scheme, e.auth});
            self->_auth_waiters.push_back(std::move(cb));
        } else {
            // Sent (and answered) once a server accepts the session.
            self->_auth.back().waiter = std::move(cb);
        }
    });
}

void session::wait_connected(callback<void> cb) {
    asio::post(_strand, [self = shared_from_this(), cb = std::move(cb)]() mutable {
        if (self->_state == session_state::connected) {
            cb(success());
        } else if (self->terminal()) {
            cb(self->rejection());
        } else {
            self->_connect_waiters.push_back(std::move(cb));
        }
    });
}

void session::close(callback<void> cb) {
    asio::post(_strand, [self = shared_from_this(), cb = std::move(cb)]() mutable {
        if (self->terminal()) {
            cb(success());
            return;
        }
        self->_close_waiters.push_back(std::move(cb));
        if (self->_closing) {
            return;
        }
        self->_closing = true;
        if (self->_state != session_state::connected) {
            self->finish(session_state::closed, errc::closed);
            return;
        }
        // closeSession makes the server drop the session (and its ephemerals) at once; if the
        // reply does not come within the read deadline, close anyway.
        self->_log->debug("ZooKeeper session 0x{:x}: closing", self->_session_id);
        self->send_request(queued{proto::op_code::close_session, std::monostate{},
                                  [self](result<reply>) { self->finish(session_state::closed, errc::closed); }});
        auto timer = std::make_shared<asio::steady_timer>(self->_strand, self->_timeout * 2 / 3);
        timer->async_wait(
            [self, timer](boost::system::error_code) { self->finish(session_state::closed, errc::closed); });
    });
}

void session::send(int32_t xid, proto::op_code type, proto::request_body body) {
    _out.push_back(frame_of(proto::request{proto::request_header{xid, static_cast<int32_t>(type)}, std::move(body)}));
    _write_signal.cancel();
}

void session::send_request(queued q) {
    int32_t xid = _next_xid;
    _next_xid = _next_xid == std::numeric_limits<int32_t>::max() ? 1 : _next_xid + 1;
    send(xid, q.type, std::move(q.body));
    _in_flight.push_back(in_flight{xid, std::move(q.handler)});
}

void session::set_state(session_state s) {
    if (_state.load() == s) {
        return;
    }
    _state = s;
    _log->info("ZooKeeper session 0x{:x} is {}", _session_id, to_string(s));
    if (_options.on_state) {
        _options.on_state(s);
    }
    if (s == session_state::connected) {
        auto waiters = std::move(_connect_waiters);
        _connect_waiters.clear();
        for (auto& w : waiters) {
            w(success());
        }
    }
}

void session::fail_all(std::error_code ec) {
    auto in_flight = std::move(_in_flight);
    _in_flight.clear();
    for (auto& f : in_flight) {
        f.handler(ec);
    }
    auto auth_waiters = std::move(_auth_waiters);
    _auth_waiters.clear();
    for (auto& w : auth_waiters) {
        if (w) {
            w(ec);
        }
    }
    if (terminal()) {
        auto q = std::move(_queued);
        _queued.clear();
        for (auto& r : q) {
            r.handler(ec);
        }
        for (auto& a : _auth) {
            if (a.waiter) {
                std::exchange(a.waiter, {})(ec);
            }
        }
        auto waiters = std::move(_connect_waiters);
        _connect_waiters.clear();
        for (auto& w : waiters) {
            w(ec);
        }
    }
}

void session::finish(session_state s, std::error_code ec) {
    if (terminal()) {
        return;
    }
    set_state(s);
    fail_all(ec);
    _watches.clear();
    _out.clear();
    if (_socket) {
        boost::system::error_code ignored;
        _socket->close(ignored);
    }
    _backoff.cancel();
    _write_signal.cancel();
    auto closers = std::move(_close_waiters);
    _close_waiters.clear();
    for (auto& c : closers) {
        c(success());
    }
}

} // namespace brook::client::zookeeper::detail

#include "connection.h"

#include "brook/client/kafka/errc.h"
#include "brook/common/logging.h"
#include "brook/protocol/kafka/api.h"
#include "brook/protocol/kafka/request.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

namespace brook::client::kafka {

namespace asio = boost::asio;
namespace pk = protocol::kafka;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t read_chunk = 256 * 1024;
// A response larger than this is treated as a protocol error rather than allocated.
constexpr int32_t max_response_size = 512 * 1024 * 1024;

const std::shared_ptr<spdlog::logger>& log() {
    static const auto logger = get_logger("brook.client.kafka");
    return logger;
}

int16_t body_key(const pk::request_body& body) {
    return pk::api_key_of(body);
}

} // namespace

connection::connection(asio::io_context& io, broker_address address, int32_t node_id, const client_config& cfg)
    : _io(io), _socket(io), _resolver(io), _watchdog(io), _address(std::move(address)), _node_id(node_id), _cfg(cfg) {
    _versions.fill(-1);
}

int16_t connection::version(int16_t api_key) const noexcept {
    if (api_key < 0 || static_cast<size_t>(api_key) >= _versions.size()) {
        return -1;
    }
    return _versions[static_cast<size_t>(api_key)];
}

void connection::start() {
    if (_state != state::idle) {
        return;
    }
    _state = state::connecting;
    _connect_deadline = std::chrono::steady_clock::now() + _cfg.connect_timeout;
    arm_watchdog();
    _resolver.async_resolve(
        _address.host, std::to_string(_address.port),
        [self = shared_from_this()](std::error_code ec, const tcp::resolver::results_type& endpoints) {
            if (self->_state != state::connecting) {
                return;
            }
            if (ec) {
                log()->debug("resolving {}:{} failed: {}", self->_address.host, self->_address.port, ec.message());
                self->close(errc::unreachable);
                return;
            }
            asio::async_connect(self->_socket, endpoints, [self](std::error_code cec, const tcp::endpoint&) {
                if (self->_state != state::connecting) {
                    return;
                }
                if (cec) {
                    log()->debug("connecting to {}:{} failed: {}", self->_address.host, self->_address.port,
                                 cec.message());
                    self->close(errc::unreachable);
                    return;
                }
                self->on_connected();
            });
        });
}

void connection::on_connected() {
    boost::system::error_code ignored;
    _socket.set_option(tcp::no_delay(true), ignored);
    _rbuf.resize(read_chunk);
    read_more();
    negotiate(pk::api_versions_request::max_version);
}

void connection::negotiate(int16_t version) {
    pk::api_versions_request req;
    req.client_software_name = "brook";
    req.client_software_version = "1.0";
    enqueue(
        pk::api_keys::api_versions, version, pk::request_body{std::move(req)},
        [self = shared_from_this(), version](result<pk::response_body> r) {
            if (!r) {
                self->close(r.error() == errc::timed_out ? errc::timed_out : errc::unreachable);
                return;
            }
            const auto& resp = std::get<pk::api_versions_response>(r.value());
            if (resp.error_code == 35 && version > 0) {
                // UNSUPPORTED_VERSION: the broker answered with its v0 body; ask again at the
                // highest version it lists for ApiVersions.
                int16_t theirs = 0;
                for (const auto& k : resp.api_keys) {
                    if (k.api_key == pk::api_keys::api_versions) {
                        theirs = std::min<int16_t>(k.max_version, version - 1);
                    }
                }
                self->negotiate(theirs);
                return;
            }
            if (resp.error_code != 0) {
                self->close(kafka_error(resp.error_code));
                return;
            }
            for (const auto& k : resp.api_keys) {
                const auto* ours = pk::find_api(k.api_key);
                if (ours != nullptr && static_cast<size_t>(k.api_key) < self->_versions.size()) {
                    self->_versions[static_cast<size_t>(k.api_key)] =
                        pk::highest_common_version(ours->min_version, ours->max_version, k.min_version, k.max_version);
                }
            }
            self->_state = state::ready;
            auto waiting = std::move(self->_waiting);
            self->_waiting.clear();
            for (auto& w : waiting) {
                self->send(std::move(w.body), std::move(w.handler), w.expect_response);
            }
        },
        true);
}

void connection::send(pk::request_body body, response_handler handler, bool expect_response) {
    if (_state == state::closed) {
        handler(errc::disconnected);
        return;
    }
    if (_state != state::ready) {
        _waiting.push_back({std::move(body), std::move(handler), expect_response});
        start();
        return;
    }
    const int16_t key = body_key(body);
    const int16_t v = version(key);
    if (v < 0) {
        handler(errc::unsupported_version);
        return;
    }
    enqueue(key, v, body, std::move(handler), expect_response);
}

void connection::enqueue(int16_t api_key, int16_t version, const pk::request_body& body, response_handler handler,
                         bool expect_response) {
    pk::request_header header;
    header.api_key = api_key;
    header.api_version = version;
    header.correlation_id = _next_correlation++;
    header.client_id = _cfg.client_id;
    const int16_t hv = pk::request_header_version(api_key, version);
    bytes frame;
    const size_t body_size = std::visit([&](const auto& b) { return b.encoded_size(version); }, body);
    frame.reserve(4 + header.encoded_size(hv) + body_size);
    frame.resize(4);
    pk::writer w(frame);
    header.encode(w, hv);
    std::visit([&](const auto& b) { b.encode(w, version); }, body);
    const auto size = static_cast<uint32_t>(frame.size() - 4);
    frame[0] = static_cast<uint8_t>(size >> 24U);
    frame[1] = static_cast<uint8_t>(size >> 16U);
    frame[2] = static_cast<uint8_t>(size >> 8U);
    frame[3] = static_cast<uint8_t>(size);
    _out_queue.push_back(std::move(frame));
    if (expect_response) {
        _pending.push_back({header.correlation_id, api_key, version,
                            std::chrono::steady_clock::now() + _cfg.request_timeout, std::move(handler), true});
    } else {
        // Completed once written: kept in order behind the requests already queued.
        _pending.push_back({header.correlation_id, api_key, version, std::chrono::steady_clock::time_point::max(),
                            std::move(handler), false});
    }
    flush_writes();
}

void connection::flush_writes() {
    if (_writing || _out_queue.empty() || _state == state::closed) {
        return;
    }
    _writing = true;
    _out_writing.swap(_out_queue);
    std::vector<asio::const_buffer> bufs;
    bufs.reserve(_out_writing.size());
    for (const auto& f : _out_writing) {
        bufs.emplace_back(f.data(), f.size());
    }
    asio::async_write(_socket, bufs, [self = shared_from_this()](std::error_code ec, size_t) {
        self->_writing = false;
        self->_out_writing.clear();
        if (ec) {
            self->close(errc::disconnected);
            return;
        }
        // Requests that expect no answer are done once on the wire (they are at the front only
        // when every earlier request has been answered, which keeps completion order).
        while (!self->_pending.empty() && !self->_pending.front().expect_response) {
            auto h = std::move(self->_pending.front().handler);
            self->_pending.pop_front();
            h(pk::response_body{pk::produce_response{}});
        }
        self->flush_writes();
    });
}

void connection::read_more() {
    if (_rpos == _rend) {
        _rpos = _rend = 0;
    } else if (_rbuf.size() - _rend < read_chunk / 4) {
        std::memmove(_rbuf.data(), _rbuf.data() + _rpos, _rend - _rpos);
        _rend -= _rpos;
        _rpos = 0;
    }
    if (_rbuf.size() - _rend < read_chunk / 4) {
        _rbuf.resize(_rbuf.size() * 2);
    }
    _socket.async_read_some(asio::buffer(_rbuf.data() + _rend, _rbuf.size() - _rend),
                            [self = shared_from_this()](std::error_code ec, size_t n) {
                                if (self->_state == state::closed) {
                                    return;
                                }
                                if (ec) {
                                    self->close(errc::disconnected);
                                    return;
                                }
                                self->_rend += n;
                                while (self->_rend - self->_rpos >= 4 && self->_state != state::closed) {
                                    const uint8_t* p = self->_rbuf.data() + self->_rpos;
                                    const int32_t size =
                                        static_cast<int32_t>((uint32_t(p[0]) << 24U) | (uint32_t(p[1]) << 16U) |
                                                             (uint32_t(p[2]) << 8U) | uint32_t(p[3]));
                                    if (size < 4 || size > max_response_size) {
                                        self->close(errc::protocol_error);
                                        return;
                                    }
                                    if (self->_rend - self->_rpos < 4 + static_cast<size_t>(size)) {
                                        if (self->_rbuf.size() < 4 + static_cast<size_t>(size) + read_chunk / 4) {
                                            // Grow so the whole frame fits after compaction.
                                            std::memmove(self->_rbuf.data(), p, self->_rend - self->_rpos);
                                            self->_rend -= self->_rpos;
                                            self->_rpos = 0;
                                            self->_rbuf.resize(4 + static_cast<size_t>(size) + read_chunk);
                                        }
                                        break;
                                    }
                                    self->_rpos += 4 + static_cast<size_t>(size);
                                    self->handle_frame({p + 4, static_cast<size_t>(size)});
                                }
                                if (self->_state != state::closed) {
                                    self->read_more();
                                }
                            });
}

void connection::handle_frame(std::span<const uint8_t> frame) {
    if (_pending.empty() || !_pending.front().expect_response) {
        close(errc::protocol_error);
        return;
    }
    auto p = std::move(_pending.front());
    _pending.pop_front();
    auto decoded = pk::decode_response(p.api_key, p.version, frame);
    if (!decoded) {
        log()->warn("undecodable response to api {} v{} from {}:{}: {}", p.api_key, p.version, _address.host,
                    _address.port, decoded.error().message());
        p.handler(errc::protocol_error);
        close(errc::protocol_error);
        return;
    }
    if (decoded.value().first.correlation_id != p.correlation_id) {
        p.handler(errc::protocol_error);
        close(errc::protocol_error);
        return;
    }
    p.handler(std::move(decoded.value().second));
}

void connection::arm_watchdog() {
    _watchdog.expires_after(std::chrono::milliseconds(100));
    _watchdog.async_wait([self = shared_from_this()](std::error_code ec) {
        if (ec || self->_state == state::closed) {
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        if (self->_state == state::connecting && now > self->_connect_deadline) {
            self->close(errc::unreachable);
            return;
        }
        if (!self->_pending.empty() && self->_pending.front().deadline < now) {
            // Kafka clients drop a connection whose request timed out: later answers are unusable.
            self->close(errc::timed_out);
            return;
        }
        self->arm_watchdog();
    });
}

void connection::close(std::error_code ec) {
    if (_state == state::closed) {
        return;
    }
    _state = state::closed;
    boost::system::error_code ignored;
    _socket.close(ignored);
    _resolver.cancel();
    _watchdog.cancel();
    auto pending = std::move(_pending);
    _pending.clear();
    auto waiting = std::move(_waiting);
    _waiting.clear();
    for (auto& p : pending) {
        p.handler(ec);
    }
    for (auto& w : waiting) {
        w.handler(ec);
    }
}

} // namespace brook::client::kafka

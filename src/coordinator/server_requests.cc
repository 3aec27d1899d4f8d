// The request path of coordinator_server::impl: connect, requests, durability, watch delivery.
#include "brook/common/logging.h"
#include "brook/protocol/zookeeper/connect.h"
#include "brook/protocol/zookeeper/requests.h"
#include "coordinator/server_impl.h"
#include "coordinator/tree/snapshot.h"

#include <spdlog/spdlog.h>

namespace brook::coordinator {

namespace zk = brook::protocol::zookeeper;

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = get_logger("brook.coordinator");
    return l;
}

bytes event_frame(const zk::watcher_event& e) {
    bytes out;
    zk::jute_writer w(out);
    size_t pos = zk::begin_frame(w);
    zk::encode(w, zk::reply_header{zk::xids::notification, -1, 0});
    zk::encode(w, e);
    zk::end_frame(w, pos);
    return out;
}

} // namespace

bool coordinator_server::impl::on_connect(const std::shared_ptr<connection>& c, bytes_view body) {
    auto hs = zk::decode_connect(body);
    if (!hs) {
        logger()->warn("Closing connection from {}: bad connect request ({})", c->remote_endpoint(),
                       hs.error().message());
        return false;
    }
    const auto& req = hs.value().request;
    if (req.last_zxid_seen > _processor->last_zxid()) {
        // The client has seen a newer state than ours (it talked to another server): refuse.
        logger()->warn("Refusing session 0x{:x} from {}: client zxid 0x{:x} > server zxid 0x{:x}", req.session_id,
                       c->remote_endpoint(), req.last_zxid_seen, _processor->last_zxid());
        return false;
    }
    auto out = _processor->connect(req, now_ms(), wall_ms());
    if (out.txn) {
        _commit->submit(out.zxid, std::move(*out.txn));
        ++_txns_since_snapshot;
    }
    bytes f;
    zk::jute_writer w(f);
    size_t pos = zk::begin_frame(w);
    zk::encode_connect_response(w, out.response, hs.value().read_only ? std::optional<bool>(false) : std::nullopt);
    zk::end_frame(w, pos);
    c->enqueue(out.zxid, f);
    if (!out.valid) {
        logger()->info("Invalid session 0x{:x} for client {}, probably expired", req.session_id, c->remote_endpoint());
        return false;
    }
    int64_t sid = out.response.session_id;
    if (auto it = _by_session.find(sid); it != _by_session.end()) {
        if (auto old = it->second.lock(); old && old != c) {
            // The session moved to this connection: the old one must not act for it any more.
            old->context().session = 0;
            old->close(false);
        }
    }
    c->context().session = sid;
    _by_session[sid] = c;
    logger()->debug("Session 0x{:x} established for {} (timeout {} ms)", sid, c->remote_endpoint(),
                    out.response.timeout);
    return true;
}

bool coordinator_server::impl::on_request(const std::shared_ptr<connection>& c, bytes_view packet) {
    auto req = zk::decode_request(packet);
    if (!req) {
        auto hdr = zk::decode<zk::request_header>(packet);
        if (hdr && req.error() == zk::errc::unknown_opcode) {
            // Unknown but well-framed: answer Unimplemented like ZooKeeper and keep the connection.
            zk::reply_header h{hdr.value().xid, _processor->last_zxid(),
                               static_cast<int32_t>(zk::error_code::unimplemented)};
            c->enqueue_reply(h.zxid, h, {});
            return true;
        }
        logger()->warn("Closing connection from {} (session 0x{:x}): bad packet ({})", c->remote_endpoint(),
                       c->context().session, req.error().message());
        return false;
    }
    if (c->context().session == 0 || _processor->sessions().find(c->context().session) == nullptr) {
        zk::reply_header h{req.value().header.xid, _processor->last_zxid(),
                           static_cast<int32_t>(zk::error_code::session_expired)};
        c->enqueue_reply(h.zxid, h, {});
        return false;
    }
    ++_stats.received;
    auto o = _processor->process(c->context(), req.value(), now_ms(), wall_ms());
    dispatch(o, c);
    return !o.close;
}

void coordinator_server::impl::dispatch(tree::outcome& o, const std::shared_ptr<connection>& origin) {
    int64_t need = o.header.zxid;
    if (o.txn) {
        _commit->submit(o.header.zxid, std::move(*o.txn));
        ++_txns_since_snapshot;
    }
    deliver_events(o.events, need);
    if (origin) {
        origin->enqueue_reply(need, o.header, o.body);
        ++_stats.sent;
    }
    if (o.closed_session != 0) {
        auto it = _by_session.find(o.closed_session);
        if (it != _by_session.end()) {
            if (auto c = it->second.lock()) {
                c->context().session = 0;
                c->close(true);
            }
            _by_session.erase(it);
        }
    }
    if (o.txn) {
        maybe_snapshot();
    }
}

void coordinator_server::impl::deliver_events(std::vector<tree::watch_event>& events, int64_t need) {
    for (auto& ev : events) {
        auto it = _by_session.find(ev.session);
        if (it == _by_session.end()) {
            continue;
        }
        if (auto c = it->second.lock()) {
            c->enqueue(need, event_frame(ev.event));
        }
    }
}

void coordinator_server::impl::on_durable(int64_t zxid) {
    if (zxid <= _durable) {
        return;
    }
    _durable = zxid;
    auto waiting = std::move(_waiting);
    _waiting.clear();
    for (auto& w : waiting) {
        if (auto c = w.lock()) {
            c->wake();
        }
    }
}

void coordinator_server::impl::on_closed(const std::shared_ptr<connection>& c) {
    if (_connections.erase(c->id()) == 0) {
        return;
    }
    if (auto it = _per_ip.find(c->remote_ip()); it != _per_ip.end() && --it->second <= 0) {
        _per_ip.erase(it);
    }
    int64_t sid = c->context().session;
    if (sid != 0) {
        auto it = _by_session.find(sid);
        if (it != _by_session.end() && it->second.lock() == c) {
            _by_session.erase(it);
            // Watches belong to the connection; a reconnecting client re-sets them (setWatches).
            _processor->drop_watches(sid);
        }
    }
}

void coordinator_server::impl::maybe_snapshot() {
    if (_txns_since_snapshot < _snapshot_at || _snapshot) {
        return;
    }
    _txns_since_snapshot = 0;
    _snapshot.emplace(*_processor);
    boost::asio::post(_io, [this] { snapshot_step(); });
}

void coordinator_server::impl::snapshot_step() {
    // A bounded slice of the walk per turn of the io loop: requests that arrived meanwhile run
    // between slices instead of waiting for the whole image.
    constexpr size_t nodes_per_step = 2000;
    if (!_snapshot) {
        return;
    }
    if (!_snapshot->step(*_processor, nodes_per_step)) {
        boost::asio::post(_io, [this] { snapshot_step(); });
        return;
    }
    int64_t zxid = _snapshot->zxid();
    _commit->submit_snapshot(zxid, _snapshot->finish());
    _snapshot.reset();
}

} // namespace brook::coordinator

#include "coordinator/tree/processor.h"

#include "coordinator/tree/path.h"
#include "coordinator/tree/prep.h"

#include <algorithm>

namespace brook::coordinator::tree {

using zk::error_code;
using zk::op_code;

namespace {

template<class R>
bytes body_of(const R& rec) {
    return zk::encode(rec);
}

} // namespace

processor::processor(processor_options opts, int64_t now_ms)
    : _opts(opts), _sessions(opts.server_id, opts.tick_ms, now_ms) {}

void processor::replay(const txn& t, int64_t now_ms) {
    if (std::holds_alternative<create_session_txn>(t.body)) {
        _sessions.add(t.header.session, std::get<create_session_txn>(t.body).timeout, now_ms);
    } else if (std::holds_alternative<close_session_txn>(t.body)) {
        _sessions.remove(t.header.session);
    }
    _tree.apply(t);
}

void processor::touch_all_sessions(int64_t now_ms) {
    for (const auto& [id, s] : _sessions.all()) {
        _sessions.touch(id, now_ms);
    }
}

connect_outcome processor::connect(const zk::connect_request& req, int64_t now_ms, int64_t wall_ms) {
    connect_outcome out;
    out.zxid = last_zxid();
    int32_t timeout = std::clamp(req.timeout, _opts.min_session_timeout_ms, _opts.max_session_timeout_ms);
    if (req.session_id != 0) {
        const session* s = _sessions.find(req.session_id);
        if (s == nullptr || s->closing || req.passwd != session_tracker::password_for(req.session_id)) {
            out.response = zk::connect_response{0, 0, 0, bytes(16, 0)};
            return out;
        }
        _sessions.touch(req.session_id, now_ms);
        out.response = zk::connect_response{0, s->timeout_ms, s->id, session_tracker::password_for(s->id)};
        out.valid = true;
        return out;
    }
    int64_t id = _sessions.next_id();
    txn t{txn_header{id, last_zxid() + 1, wall_ms, static_cast<int32_t>(txn_type::create_session)},
          create_session_txn{timeout}};
    _tree.apply(t);
    _sessions.add(id, timeout, now_ms);
    out.txn = encode_txn(t);
    out.zxid = t.header.zxid;
    out.response = zk::connect_response{0, timeout, id, session_tracker::password_for(id)};
    out.valid = true;
    return out;
}

outcome processor::error(const zk::request_header& h, error_code err) const {
    outcome o;
    o.header = zk::reply_header{h.xid, last_zxid(), static_cast<int32_t>(err)};
    return o;
}

outcome processor::ok(const zk::request_header& h) const {
    return error(h, error_code::ok);
}

outcome processor::process(client_context& ctx, const zk::request& req, int64_t now_ms, int64_t wall_ms) {
    _sessions.touch(ctx.session, now_ms);
    switch (static_cast<op_code>(req.header.type)) {
    case op_code::ping: {
        outcome o = ok(req.header);
        return o;
    }
    case op_code::close_session:
        return close_session(ctx.session, req.header.xid, wall_ms);
    case op_code::create:
    case op_code::create2:
    case op_code::create_container:
    case op_code::create_ttl:
    case op_code::remove:
    case op_code::set_data:
    case op_code::set_acl:
    case op_code::check:
    case op_code::multi:
        return write(ctx, req, wall_ms);
    case op_code::auth:
        return auth(ctx, req);
    case op_code::set_watches:
    case op_code::set_watches2:
        return set_watches(ctx, req);
    case op_code::add_watch: {
        const auto& r = std::get<zk::add_watch_request>(req.body);
        if (!valid_path(r.path)) {
            return error(req.header, error_code::bad_arguments);
        }
        _watches.add(r.mode == static_cast<int32_t>(zk::add_watch_mode::persistent_recursive)
                         ? watch_kind::persistent_recursive
                         : watch_kind::persistent,
                     r.path, ctx.session);
        outcome o = ok(req.header);
        o.body = body_of(zk::error_response{0});
        return o;
    }
    case op_code::check_watches:
    case op_code::remove_watches:
        return watch_removal(ctx, req);
    default:
        return read(ctx, req);
    }
}

outcome processor::commit(const zk::request_header& h, int64_t session, txn_body body, int64_t wall_ms,
                          const std::vector<op_code>* multi_types) {
    txn t{txn_header{session, last_zxid() + 1, wall_ms, static_cast<int32_t>(type_of(body))}, std::move(body)};
    apply_result applied = _tree.apply(t);
    outcome o;
    o.header = zk::reply_header{h.xid, t.header.zxid, 0};
    o.txn = encode_txn(t);
    o.events = _watches.fire(applied.triggers);
    auto type = static_cast<op_code>(h.type);
    auto single = [&]() -> const op_result& { return applied.ops.front(); };
    switch (type) {
    case op_code::create:
        o.body = body_of(zk::create_response{single().path});
        break;
    case op_code::create2:
    case op_code::create_container:
    case op_code::create_ttl:
        o.body = body_of(zk::create2_response{single().path, single().stat});
        break;
    case op_code::set_data:
        o.body = body_of(zk::set_data_response{single().stat});
        break;
    case op_code::set_acl:
        o.body = body_of(zk::set_acl_response{single().stat});
        break;
    case op_code::multi: {
        zk::multi_response rsp;
        for (size_t i = 0; i < applied.ops.size(); ++i) {
            const auto& r = applied.ops[i];
            op_code asked = multi_types != nullptr && i < multi_types->size() ? (*multi_types)[i] : op_code::create2;
            switch (r.type) {
            case txn_type::create:
                if (asked == op_code::create) {
                    rsp.results.push_back({op_code::create, 0, zk::create_response{r.path}});
                } else {
                    rsp.results.push_back({op_code::create2, 0, zk::create2_response{r.path, r.stat}});
                }
                break;
            case txn_type::remove:
                rsp.results.push_back({op_code::remove, 0, std::monostate{}});
                break;
            case txn_type::set_data:
                rsp.results.push_back({op_code::set_data, 0, zk::set_data_response{r.stat}});
                break;
            default:
                rsp.results.push_back({op_code::check, 0, std::monostate{}});
                break;
            }
        }
        zk::jute_writer w(o.body);
        zk::encode(w, rsp);
        break;
    }
    default:
        break;
    }
    return o;
}

outcome processor::write(client_context& ctx, const zk::request& req, int64_t wall_ms) {
    auto type = static_cast<op_code>(req.header.type);
    // Only the ops of a multi see each other's effects; a single write skips recording its own.
    prep_view view(_tree, ctx.auth, ctx.session, _opts.max_data_bytes, type == op_code::multi);
    if (type == op_code::set_acl) {
        auto p = view.prepare_set_acl(std::get<zk::set_acl_request>(req.body));
        if (p.err != error_code::ok) {
            return error(req.header, p.err);
        }
        return commit(req.header, ctx.session, std::get<set_acl_txn>(p.op), wall_ms);
    }
    if (type == op_code::multi) {
        const auto& m = std::get<zk::multi_request>(req.body);
        multi_txn mt;
        std::vector<op_code> types;
        for (size_t i = 0; i < m.ops.size(); ++i) {
            types.push_back(m.ops[i].type);
            auto p = view.prepare(m.ops[i]);
            if (p.err == error_code::ok) {
                mt.ops.push_back(std::move(p.op));
                continue;
            }
            // All-or-nothing: nothing is applied; every op reports an error result.
            zk::multi_response rsp;
            for (size_t k = 0; k < m.ops.size(); ++k) {
                auto code = k < i ? error_code::ok : k == i ? p.err : error_code::runtime_inconsistency;
                rsp.results.push_back(
                    {op_code::error, static_cast<int32_t>(code), zk::error_response{static_cast<int32_t>(code)}});
            }
            outcome o = ok(req.header);
            zk::jute_writer w(o.body);
            zk::encode(w, rsp);
            return o;
        }
        return commit(req.header, ctx.session, std::move(mt), wall_ms, &types);
    }
    auto p = view.prepare(type, req.body);
    if (p.err != error_code::ok) {
        return error(req.header, p.err);
    }
    return std::visit([&](auto&& t) { return commit(req.header, ctx.session, txn_body{std::move(t)}, wall_ms); },
                      std::move(p.op));
}

outcome processor::close_session(int64_t session, int32_t xid, int64_t wall_ms) {
    _sessions.set_closing(session);
    _watches.remove_session(session);
    outcome o = commit(zk::request_header{xid, static_cast<int32_t>(op_code::close_session)}, session,
                       close_session_txn{}, wall_ms);
    _sessions.remove(session);
    o.close = true;
    o.closed_session = session;
    return o;
}

outcome processor::auth(client_context& ctx, const zk::request& req) {
    const auto& a = std::get<zk::auth_packet>(req.body);
    std::string_view cred = as_string_view(a.auth);
    if (a.scheme != "digest" || cred.find(':') == std::string_view::npos) {
        outcome o = error(req.header, error_code::auth_failed);
        o.close = true;
        return o;
    }
    zk::acl_id id{"digest", digest_id(cred)};
    if (std::find(ctx.auth.ids.begin(), ctx.auth.ids.end(), id) == ctx.auth.ids.end()) {
        ctx.auth.ids.push_back(std::move(id));
    }
    return ok(req.header);
}

std::vector<outcome> processor::tick(int64_t now_ms, int64_t wall_ms) {
    std::vector<outcome> out;
    for (int64_t id : _sessions.expire(now_ms)) {
        out.push_back(close_session(id, 0, wall_ms));
    }
    std::vector<std::string> doomed;
    for (const auto& path : _tree.containers_and_ttls()) {
        const znode* n = _tree.find(path);
        if (n == nullptr || !n->children.empty()) {
            continue;
        }
        if (is_container(n->ephemeral_owner) ? n->cversion > 0 : wall_ms > n->mtime + ttl_of(n->ephemeral_owner)) {
            doomed.push_back(path);
        }
    }
    for (const auto& path : doomed) {
        out.push_back(
            commit(zk::request_header{0, static_cast<int32_t>(op_code::remove)}, 0, delete_txn{path}, wall_ms));
    }
    return out;
}

} // namespace brook::coordinator::tree

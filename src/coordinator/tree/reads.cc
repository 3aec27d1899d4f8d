// Reads, watch registration and watch removal of the request processor.
#include "coordinator/tree/path.h"
#include "coordinator/tree/processor.h"

namespace brook::coordinator::tree {

using zk::error_code;
using zk::op_code;

namespace {

struct read_result {
    error_code err = error_code::ok;
    bytes body;
};

template<class R>
read_result ok_body(const R& rec) {
    return {error_code::ok, zk::encode(rec)};
}

} // namespace

outcome processor::read(client_context& ctx, const zk::request& req) {
    auto type = static_cast<op_code>(req.header.type);
    // Looks a node up for a read needing `perm`; sets err on failure.
    auto lookup = [&](const std::string& path, int32_t perm, error_code& err) -> const znode* {
        if (!valid_path(path)) {
            err = error_code::bad_arguments;
            return nullptr;
        }
        const znode* n = _tree.find(path);
        if (n == nullptr) {
            err = error_code::no_node;
        } else if (perm != 0 && !allowed(_tree.acl_of(*n), ctx.auth, perm)) {
            err = error_code::no_auth;
            return nullptr;
        }
        return n;
    };
    auto get_data = [&](const zk::get_data_request& r) -> read_result {
        error_code err = error_code::ok;
        const znode* n = lookup(r.path, zk::perms::read, err);
        if (n == nullptr) {
            return {err, {}};
        }
        if (r.watch) {
            _watches.add(watch_kind::data, r.path, ctx.session);
        }
        return ok_body(zk::get_data_response{n->data, _tree.stat_of(*n)});
    };
    auto children_of = [&](const std::string& path, bool watch, const znode*& node) -> read_result {
        error_code err = error_code::ok;
        node = lookup(path, zk::perms::read, err);
        if (node == nullptr) {
            return {err, {}};
        }
        if (watch) {
            _watches.add(watch_kind::child, path, ctx.session);
        }
        return {};
    };
    auto list = [](const znode& n) { return std::vector<std::string>(n.children.begin(), n.children.end()); };

    read_result res;
    switch (type) {
    case op_code::exists: {
        const auto& r = std::get<zk::exists_request>(req.body);
        if (!valid_path(r.path)) {
            res.err = error_code::bad_arguments;
            break;
        }
        if (r.watch) {
            _watches.add(watch_kind::data, r.path, ctx.session);
        }
        const znode* n = _tree.find(r.path);
        res = n == nullptr ? read_result{error_code::no_node, {}} : ok_body(zk::exists_response{_tree.stat_of(*n)});
        break;
    }
    case op_code::get_data:
        res = get_data(std::get<zk::get_data_request>(req.body));
        break;
    case op_code::get_children: {
        const auto& r = std::get<zk::get_children_request>(req.body);
        const znode* n = nullptr;
        res = children_of(r.path, r.watch, n);
        if (n != nullptr) {
            res = ok_body(zk::get_children_response{list(*n)});
        }
        break;
    }
    case op_code::get_children2: {
        const auto& r = std::get<zk::get_children2_request>(req.body);
        const znode* n = nullptr;
        res = children_of(r.path, r.watch, n);
        if (n != nullptr) {
            res = ok_body(zk::get_children2_response{list(*n), _tree.stat_of(*n)});
        }
        break;
    }
    case op_code::get_acl: {
        // As ZooKeeper 3.8: READ or ADMIN is needed; without ADMIN the digest hashes are masked
        // ("user:x"), so READ alone does not hand out the password hashes.
        error_code err = error_code::ok;
        const znode* n = lookup(std::get<zk::get_acl_request>(req.body).path, zk::perms::read | zk::perms::admin, err);
        if (n == nullptr) {
            res = read_result{err, {}};
            break;
        }
        auto acl = _tree.acl_of(*n);
        if (!allowed(acl, ctx.auth, zk::perms::admin)) {
            for (auto& a : acl) {
                if (a.id.scheme == "digest") {
                    a.id.id = a.id.id.substr(0, a.id.id.find(':')) + ":x";
                }
            }
        }
        res = ok_body(zk::get_acl_response{std::move(acl), _tree.stat_of(*n)});
        break;
    }
    case op_code::get_all_children_number: {
        const auto& path = std::get<zk::get_all_children_number_request>(req.body).path;
        error_code err = error_code::ok;
        const znode* n = lookup(path, zk::perms::read, err);
        res = n == nullptr ? read_result{err, {}}
                           : ok_body(zk::get_all_children_number_response{_tree.count_descendants(path)});
        break;
    }
    case op_code::get_ephemerals: {
        const auto& prefix = std::get<zk::get_ephemerals_request>(req.body).prefix_path;
        zk::get_ephemerals_response rsp;
        if (const auto* e = _tree.ephemerals(ctx.session)) {
            for (const auto& p : *e) {
                if (p.starts_with(prefix)) {
                    rsp.ephemerals.push_back(p);
                }
            }
        }
        res = ok_body(rsp);
        break;
    }
    case op_code::sync:
        res = ok_body(zk::sync_response{std::get<zk::sync_request>(req.body).path});
        break;
    case op_code::who_am_i: {
        zk::who_am_i_response rsp;
        for (const auto& id : ctx.auth.ids) {
            rsp.client_info.push_back(zk::client_info{id.scheme, id.id});
        }
        res = ok_body(rsp);
        break;
    }
    case op_code::multi_read: {
        zk::multi_response rsp;
        for (const auto& op : std::get<zk::multi_request>(req.body).ops) {
            read_result r;
            if (op.type == op_code::get_data) {
                r = get_data(std::get<zk::get_data_request>(op.body));
                if (r.err == error_code::ok) {
                    auto d = zk::decode<zk::get_data_response>(bytes_view(r.body));
                    rsp.results.push_back({op_code::get_data, 0, d.value()});
                }
            } else if (op.type == op_code::get_children) {
                const auto& g = std::get<zk::get_children_request>(op.body);
                const znode* n = nullptr;
                r = children_of(g.path, g.watch, n);
                if (n != nullptr) {
                    rsp.results.push_back({op_code::get_children, 0, zk::get_children_response{list(*n)}});
                }
            } else {
                r.err = error_code::bad_arguments;
            }
            if (r.err != error_code::ok) {
                auto code = static_cast<int32_t>(r.err);
                rsp.results.push_back({op_code::error, code, zk::error_response{code}});
            }
        }
        zk::jute_writer w(res.body);
        zk::encode(w, rsp);
        break;
    }
    default:
        res.err = error_code::unimplemented;
        break;
    }
    outcome o = error(req.header, res.err);
    if (res.err == error_code::ok) {
        o.body = std::move(res.body);
    }
    return o;
}

outcome processor::set_watches(client_context& ctx, const zk::request& req) {
    zk::set_watches2 w;
    if (const auto* v1 = std::get_if<zk::set_watches>(&req.body)) {
        w = zk::set_watches2{v1->relative_zxid, v1->data_watches, v1->exist_watches, v1->child_watches, {}, {}};
    } else {
        w = std::get<zk::set_watches2>(req.body);
    }
    // Re-arms the watches of a reconnecting client. A one-shot watch whose change the client missed
    // (after relative_zxid) fires at once instead of being registered.
    outcome o = ok(req.header);
    auto fire_now = [&](const std::string& p, zk::event_type e) {
        o.events.push_back(
            watch_event{ctx.session, zk::watcher_event{static_cast<int32_t>(e),
                                                       static_cast<int32_t>(zk::keeper_state::sync_connected), p}});
    };
    for (const auto& p : w.data_watches) {
        const znode* n = _tree.find(p);
        if (n == nullptr) {
            fire_now(p, zk::event_type::node_deleted);
        } else if (n->mzxid > w.relative_zxid) {
            fire_now(p, zk::event_type::node_data_changed);
        } else {
            _watches.add(watch_kind::data, p, ctx.session);
        }
    }
    for (const auto& p : w.exist_watches) {
        if (_tree.find(p) != nullptr) {
            fire_now(p, zk::event_type::node_created);
        } else {
            _watches.add(watch_kind::data, p, ctx.session);
        }
    }
    for (const auto& p : w.child_watches) {
        const znode* n = _tree.find(p);
        if (n == nullptr) {
            fire_now(p, zk::event_type::node_deleted);
        } else if (n->pzxid > w.relative_zxid) {
            fire_now(p, zk::event_type::node_children_changed);
        } else {
            _watches.add(watch_kind::child, p, ctx.session);
        }
    }
    for (const auto& p : w.persistent_watches) {
        _watches.add(watch_kind::persistent, p, ctx.session);
    }
    for (const auto& p : w.persistent_recursive_watches) {
        _watches.add(watch_kind::persistent_recursive, p, ctx.session);
    }
    return o;
}

outcome processor::watch_removal(client_context& ctx, const zk::request& req) {
    auto type = static_cast<op_code>(req.header.type);
    std::string path;
    int32_t wtype = 0;
    if (type == op_code::check_watches) {
        const auto& r = std::get<zk::check_watches_request>(req.body);
        path = r.path;
        wtype = r.type;
    } else {
        const auto& r = std::get<zk::remove_watches_request>(req.body);
        path = r.path;
        wtype = r.type;
    }
    if (wtype < 1 || wtype > 3) {
        return error(req.header, error_code::bad_arguments);
    }
    outcome o = ok(req.header);
    bool found = _watches.remove(path, ctx.session, static_cast<zk::watcher_type>(wtype),
                                 type == op_code::check_watches, nullptr);
    if (!found) {
        o.header.err = static_cast<int32_t>(error_code::no_watcher);
    }
    return o;
}

} // namespace brook::coordinator::tree

#include "coordinator/tree/data_tree.h"

#include "coordinator/tree/path.h"

#include <cassert>

namespace brook::coordinator::tree {

data_tree::data_tree() {
    _nodes.emplace("/", znode{});
    for (const char* p : {"/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
        restore_node(p, znode{});
    }
}

const znode* data_tree::find(std::string_view path) const {
    auto it = _nodes.find(path);
    return it == _nodes.end() ? nullptr : &it->second;
}

zk::stat data_tree::stat_of(const znode& n) const {
    return zk::stat{n.czxid,
                    n.mzxid,
                    n.ctime,
                    n.mtime,
                    n.version,
                    n.cversion,
                    n.aversion,
                    n.ephemeral_owner,
                    static_cast<int32_t>(n.data.size()),
                    static_cast<int32_t>(n.children.size()),
                    n.pzxid};
}

const std::set<std::string>* data_tree::ephemerals(int64_t session) const {
    auto it = _ephemerals.find(session);
    return it == _ephemerals.end() ? nullptr : &it->second;
}

void data_tree::index_node(const std::string& path, const znode& n) {
    if (is_session_owner(n.ephemeral_owner)) {
        _ephemerals[n.ephemeral_owner].insert(path);
    } else if (n.ephemeral_owner != 0) {
        _special.insert(path);
    }
    _data_bytes += n.data.size();
}

void data_tree::unindex_node(const std::string& path, const znode& n) {
    if (is_session_owner(n.ephemeral_owner)) {
        auto it = _ephemerals.find(n.ephemeral_owner);
        if (it != _ephemerals.end()) {
            it->second.erase(path);
            if (it->second.empty()) {
                _ephemerals.erase(it);
            }
        }
    } else if (n.ephemeral_owner != 0) {
        _special.erase(path);
    }
    _data_bytes -= n.data.size();
}

apply_result data_tree::apply(const txn& t) {
    apply_result out;
    if (t.header.zxid > _last_zxid) {
        _last_zxid = t.header.zxid;
    }
    std::visit(
        [&](const auto& body) {
            using B = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<B, multi_txn>) {
                for (const auto& op : body.ops) {
                    apply_op(t.header, op, out);
                }
            } else if constexpr (std::is_same_v<B, close_session_txn>) {
                close_session(t.header, out);
            } else if constexpr (std::is_same_v<B, create_session_txn>) {
                // Sessions live in the session tracker; the tree has nothing to do.
            } else {
                apply_op(t.header, txn_op{body}, out);
            }
        },
        t.body);
    return out;
}

void data_tree::apply_op(const txn_header& h, const txn_op& op, apply_result& out) {
    std::visit(
        [&](const auto& o) {
            using O = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<O, create_txn>) {
                create(h, o, out);
            } else if constexpr (std::is_same_v<O, delete_txn>) {
                remove(h, o, out);
            } else if constexpr (std::is_same_v<O, set_data_txn>) {
                set_data(h, o, out);
            } else if constexpr (std::is_same_v<O, set_acl_txn>) {
                set_acl(h, o, out);
            } else {
                out.ops.push_back(op_result{txn_type::check, o.path, {}});
            }
        },
        op);
}

void data_tree::create(const txn_header& h, const create_txn& t, apply_result& out) {
    auto parent_path = std::string(parent_of(t.path));
    auto parent = _nodes.find(parent_path);
    if (parent == _nodes.end() || _nodes.contains(t.path)) {
        out.ops.push_back(op_result{txn_type::create, t.path, {}});
        return; // replay over a fuzzy snapshot
    }
    znode n;
    n.data = t.data;
    n.acl = _acls.intern(t.acl);
    n.czxid = n.mzxid = n.pzxid = h.zxid;
    n.ctime = n.mtime = h.time;
    n.ephemeral_owner = t.ephemeral_owner;
    parent->second.children.emplace(name_of(t.path));
    parent->second.cversion = t.parent_cversion;
    parent->second.pzxid = h.zxid;
    index_node(t.path, n);
    auto [it, inserted] = _nodes.emplace(t.path, std::move(n));
    assert(inserted);
    out.ops.push_back(op_result{txn_type::create, t.path, stat_of(it->second)});
    out.triggers.push_back(watch_trigger{t.path, zk::event_type::node_created});
    out.triggers.push_back(watch_trigger{parent_path, zk::event_type::node_children_changed});
}

void data_tree::remove(const txn_header& h, const delete_txn& t, apply_result& out) {
    auto it = _nodes.find(t.path);
    out.ops.push_back(op_result{txn_type::remove, t.path, {}});
    if (it == _nodes.end() && t.path != "/") {
        // Replay over a fuzzy snapshot: the node was gone when the walk reached it, but its parent
        // may have been written before the delete (its pzxid tells): count the change there too.
        auto parent = _nodes.find(parent_of(t.path));
        if (parent != _nodes.end() && parent->second.pzxid < h.zxid) {
            parent->second.cversion++;
            parent->second.pzxid = h.zxid;
        }
        return;
    }
    if (it == _nodes.end() || t.path == "/") {
        return;
    }
    if (!it->second.children.empty()) {
        // Only in replay over a fuzzy snapshot (a live delete needs an empty node): these children
        // were written into the snapshot after this delete, so their creates come later in the log.
        drop_descendants(t.path);
    }
    auto parent_path = std::string(parent_of(t.path));
    auto parent = _nodes.find(parent_path);
    if (parent != _nodes.end()) {
        parent->second.children.erase(name_of(t.path));
        parent->second.cversion++;
        parent->second.pzxid = h.zxid;
    }
    unindex_node(t.path, it->second);
    _nodes.erase(it);
    out.triggers.push_back(watch_trigger{t.path, zk::event_type::node_deleted});
    out.triggers.push_back(watch_trigger{parent_path, zk::event_type::node_children_changed});
}

void data_tree::drop_descendants(const std::string& path) {
    auto it = _nodes.find(path);
    if (it == _nodes.end()) {
        return;
    }
    auto children = std::move(it->second.children);
    it->second.children.clear();
    std::string base = path == "/" ? std::string() : path;
    for (const auto& c : children) {
        std::string child = base + "/" + c;
        drop_descendants(child);
        if (auto ci = _nodes.find(child); ci != _nodes.end()) {
            unindex_node(child, ci->second);
            _nodes.erase(ci);
        }
    }
}

void data_tree::set_data(const txn_header& h, const set_data_txn& t, apply_result& out) {
    auto it = _nodes.find(t.path);
    if (it == _nodes.end()) {
        out.ops.push_back(op_result{txn_type::set_data, t.path, {}});
        return;
    }
    auto& n = it->second;
    _data_bytes = _data_bytes - n.data.size() + t.data.size();
    n.data = t.data;
    n.version = t.version;
    n.mzxid = h.zxid;
    n.mtime = h.time;
    out.ops.push_back(op_result{txn_type::set_data, t.path, stat_of(n)});
    out.triggers.push_back(watch_trigger{t.path, zk::event_type::node_data_changed});
}

void data_tree::set_acl(const txn_header&, const set_acl_txn& t, apply_result& out) {
    auto it = _nodes.find(t.path);
    if (it == _nodes.end()) {
        out.ops.push_back(op_result{txn_type::set_acl, t.path, {}});
        return;
    }
    it->second.acl = _acls.intern(t.acl);
    it->second.aversion = t.version;
    out.ops.push_back(op_result{txn_type::set_acl, t.path, stat_of(it->second)});
}

void data_tree::close_session(const txn_header& h, apply_result& out) {
    auto it = _ephemerals.find(h.session);
    if (it == _ephemerals.end()) {
        return;
    }
    // Copy: remove() edits the index. Ephemerals have no children, so sorted order is as good as any
    // and keeps replays identical.
    std::vector<std::string> paths(it->second.begin(), it->second.end());
    for (const auto& p : paths) {
        remove(h, delete_txn{p}, out);
    }
    out.ops.clear();
}

int32_t data_tree::count_descendants(std::string_view path) const {
    const znode* n = find(path);
    if (n == nullptr) {
        return 0;
    }
    int32_t total = 0;
    std::string base = path == "/" ? std::string() : std::string(path);
    for (const auto& c : n->children) {
        total += 1 + count_descendants(base + "/" + c);
    }
    return total;
}

void data_tree::for_each(const std::function<void(const std::string&, const znode&)>& fn) const {
    std::vector<std::string> stack{"/"};
    while (!stack.empty()) {
        std::string p = std::move(stack.back());
        stack.pop_back();
        const znode& n = _nodes.at(p);
        fn(p, n);
        std::string base = p == "/" ? std::string() : p;
        for (auto c = n.children.rbegin(); c != n.children.rend(); ++c) {
            stack.push_back(base + "/" + *c);
        }
    }
}

void data_tree::restore_node(const std::string& path, znode n) {
    if (path == "/") {
        auto children = std::move(_nodes["/"].children);
        n.children = std::move(children);
        _nodes["/"] = std::move(n);
        return;
    }
    auto parent = _nodes.find(parent_of(path));
    assert(parent != _nodes.end());
    parent->second.children.emplace(name_of(path));
    auto old = _nodes.find(path);
    if (old != _nodes.end()) {
        unindex_node(path, old->second);
        n.children = std::move(old->second.children);
        _nodes.erase(old);
    }
    index_node(path, n);
    _nodes.emplace(path, std::move(n));
}

} // namespace brook::coordinator::tree

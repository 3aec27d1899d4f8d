#include "client/zookeeper/watch_manager.h"

namespace brook::client::zookeeper::detail {
namespace {

using table = std::map<std::string, std::vector<watcher>>;

void take(table& t, const std::string& path, std::vector<watcher>& out) {
    auto it = t.find(path);
    if (it == t.end()) {
        return;
    }
    for (auto& w : it->second) {
        out.push_back(std::move(w));
    }
    t.erase(it);
}

void copy(const table& t, const std::string& path, std::vector<watcher>& out) {
    auto it = t.find(path);
    if (it != t.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
    }
}

std::vector<std::string> keys(const table& t) {
    std::vector<std::string> out;
    out.reserve(t.size());
    for (const auto& [k, v] : t) {
        out.push_back(k);
    }
    return out;
}

} // namespace

table& watch_manager::of(watch_kind kind) {
    switch (kind) {
    case watch_kind::data:
        return _data;
    case watch_kind::exist:
        return _exist;
    case watch_kind::child:
        return _child;
    case watch_kind::persistent:
        return _persistent;
    case watch_kind::persistent_recursive:
        return _recursive;
    }
    return _data;
}

void watch_manager::add(watch_kind kind, const std::string& server_path, watcher w) {
    if (w) {
        of(kind)[server_path].push_back(std::move(w));
    }
}

std::vector<watcher> watch_manager::collect(event_type type, const std::string& server_path) {
    std::vector<watcher> out;
    switch (type) {
    case event_type::node_created:
    case event_type::node_data_changed:
        take(_data, server_path, out);
        take(_exist, server_path, out);
        break;
    case event_type::node_children_changed:
        take(_child, server_path, out);
        break;
    case event_type::node_deleted:
        take(_data, server_path, out);
        take(_exist, server_path, out);
        take(_child, server_path, out);
        break;
    default:
        return out;
    }
    copy(_persistent, server_path, out);
    if (type != event_type::node_children_changed && !_recursive.empty()) {
        // The path itself, then each ancestor up to the root.
        std::string p = server_path;
        for (;;) {
            copy(_recursive, p, out);
            if (p == "/") {
                break;
            }
            auto slash = p.rfind('/');
            p.resize(slash == 0 ? 1 : slash);
        }
    }
    return out;
}

void watch_manager::remove(const std::string& server_path, protocol::zookeeper::watcher_type type) {
    using protocol::zookeeper::watcher_type;
    if (type != watcher_type::children) {
        _data.erase(server_path);
        _exist.erase(server_path);
    }
    if (type != watcher_type::data) {
        _child.erase(server_path);
    }
}

protocol::zookeeper::set_watches2 watch_manager::snapshot(int64_t relative_zxid) const {
    protocol::zookeeper::set_watches2 sw;
    sw.relative_zxid = relative_zxid;
    sw.data_watches = keys(_data);
    sw.exist_watches = keys(_exist);
    sw.child_watches = keys(_child);
    sw.persistent_watches = keys(_persistent);
    sw.persistent_recursive_watches = keys(_recursive);
    return sw;
}

bool watch_manager::empty() const noexcept {
    return _data.empty() && _exist.empty() && _child.empty() && !has_persistent();
}

void watch_manager::clear() {
    _data.clear();
    _exist.clear();
    _child.clear();
    _persistent.clear();
    _recursive.clear();
}

} // namespace brook::client::zookeeper::detail

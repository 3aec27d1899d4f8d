#include "coordinator/tree/watch_manager.h"

#include "coordinator/tree/path.h"

namespace brook::coordinator::tree {

void watch_manager::add(watch_kind kind, const std::string& path, int64_t session) {
    switch (kind) {
    case watch_kind::data:
        _data[path].insert(session);
        break;
    case watch_kind::child:
        _child[path].insert(session);
        break;
    case watch_kind::persistent:
        _persistent[path].insert(session);
        break;
    case watch_kind::persistent_recursive:
        _recursive[path].insert(session);
        break;
    }
}

std::vector<watch_event> watch_manager::fire(const std::vector<watch_trigger>& triggers) {
    std::vector<watch_event> out;
    for (const auto& t : triggers) {
        std::set<int64_t> sessions;
        auto take = [&](table& tab) {
            auto it = tab.find(t.path);
            if (it != tab.end()) {
                sessions.insert(it->second.begin(), it->second.end());
                tab.erase(it);
            }
        };
        if (t.type == zk::event_type::node_children_changed) {
            take(_child);
        } else if (t.type == zk::event_type::node_deleted) {
            take(_data);
            take(_child);
        } else {
            take(_data);
        }
        if (auto it = _persistent.find(t.path); it != _persistent.end()) {
            sessions.insert(it->second.begin(), it->second.end());
        }
        if (t.type != zk::event_type::node_children_changed && !_recursive.empty()) {
            // Walk up the ancestors: recursive watches see every node change below them.
            std::string_view p = t.path;
            for (;;) {
                if (auto it = _recursive.find(std::string(p)); it != _recursive.end()) {
                    sessions.insert(it->second.begin(), it->second.end());
                }
                if (p == "/") {
                    break;
                }
                p = parent_of(p);
            }
        }
        for (int64_t s : sessions) {
            out.push_back(
                watch_event{s, zk::watcher_event{static_cast<int32_t>(t.type),
                                                 static_cast<int32_t>(zk::keeper_state::sync_connected), t.path}});
        }
    }
    return out;
}

bool watch_manager::erase(table& t, const std::string& path, int64_t session) {
    auto it = t.find(path);
    if (it == t.end() || it->second.erase(session) == 0) {
        return false;
    }
    if (it->second.empty()) {
        t.erase(it);
    }
    return true;
}

bool watch_manager::remove(const std::string& path, int64_t session, zk::watcher_type type, bool check_only,
                           std::vector<watch_event>* events) {
    auto has = [&](const table& t) {
        auto it = t.find(path);
        return it != t.end() && it->second.contains(session);
    };
    bool want_child = type == zk::watcher_type::children || type == zk::watcher_type::any;
    bool want_data = type == zk::watcher_type::data || type == zk::watcher_type::any;
    bool found = (want_child && has(_child)) || (want_data && has(_data)) ||
                 (type == zk::watcher_type::any && (has(_persistent) || has(_recursive)));
    if (!found || check_only) {
        return found;
    }
    auto emit = [&](zk::event_type e) {
        if (events != nullptr) {
            events->push_back(
                watch_event{session, zk::watcher_event{static_cast<int32_t>(e),
                                                       static_cast<int32_t>(zk::keeper_state::sync_connected), path}});
        }
    };
    if (want_child && erase(_child, path, session)) {
        emit(zk::event_type::child_watch_removed);
    }
    if (want_data && erase(_data, path, session)) {
        emit(zk::event_type::data_watch_removed);
    }
    if (type == zk::watcher_type::any) {
        bool p = erase(_persistent, path, session);
        bool r = erase(_recursive, path, session);
        if (p || r) {
            emit(zk::event_type::persistent_watch_removed);
        }
    }
    return true;
}

void watch_manager::remove_session(int64_t session) {
    for (table* t : {&_data, &_child, &_persistent, &_recursive}) {
        for (auto it = t->begin(); it != t->end();) {
            it->second.erase(session);
            it = it->second.empty() ? t->erase(it) : std::next(it);
        }
    }
}

size_t watch_manager::count() const noexcept {
    size_t n = 0;
    for (const table* t : {&_data, &_child, &_persistent, &_recursive}) {
        for (const auto& [_, s] : *t) {
            n += s.size();
        }
    }
    return n;
}

size_t watch_manager::path_count() const noexcept {
    return _data.size() + _child.size() + _persistent.size() + _recursive.size();
}

std::vector<std::pair<int64_t, std::string>> watch_manager::list() const {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const table* t : {&_data, &_child, &_persistent, &_recursive}) {
        for (const auto& [p, s] : *t) {
            for (int64_t id : s) {
                out.emplace_back(id, p);
            }
        }
    }
    return out;
}

} // namespace brook::coordinator::tree

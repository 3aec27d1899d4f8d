#pragma once
// Watches by session: one-shot data/exists and child watches (getData/exists/getChildren), and
// persistent / persistent-recursive watches (addWatch). Thread: owned by the tree's owner.
#include "brook/protocol/zookeeper/constants.h"
#include "brook/protocol/zookeeper/records.h"
#include "coordinator/tree/data_tree.h"

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace brook::coordinator::tree {

enum class watch_kind { data, child, persistent, persistent_recursive };

/// An event for one session.
struct watch_event {
    int64_t session = 0;
    zk::watcher_event event;
};

class watch_manager {
public:
    void add(watch_kind kind, const std::string& path, int64_t session);

    /// Turns tree changes into events, removing the one-shot watches that fire. A session gets at
    /// most one event per trigger, even when several of its watches match (as in ZooKeeper).
    std::vector<watch_event> fire(const std::vector<watch_trigger>& triggers);

    /// removeWatches / checkWatches: type is zk::watcher_type (children, data, any). Returns true if
    /// `session` had a matching watch; removes them unless `check_only`. Removal events (e.g.
    /// DataWatchRemoved) are appended to `events` when `events` is not null.
    bool remove(const std::string& path, int64_t session, zk::watcher_type type, bool check_only,
                std::vector<watch_event>* events);

    void remove_session(int64_t session);

    size_t count() const noexcept;
    size_t path_count() const noexcept;
    /// wchs-style summary lines: "<session hex>: <path>" per watch.
    std::vector<std::pair<int64_t, std::string>> list() const;

private:
    using table = std::unordered_map<std::string, std::set<int64_t>>;
    static bool erase(table& t, const std::string& path, int64_t session);

    table _data;
    table _child;
    table _persistent;
    table _recursive;
};

} // namespace brook::coordinator::tree

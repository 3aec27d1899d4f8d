#pragma once
// The client's registry of watches, keyed by server path (chroot included), with ZooKeeper's rules
// for which registrations an event fires:
//
//   node_created, node_data_changed: data + exist watches of the path (one-shot)
//   node_children_changed:           child watches of the path (one-shot)
//   node_deleted:                    data + exist + child watches of the path (one-shot)
//   every event type above:          persistent watches of the path;
//   all but node_children_changed:   persistent-recursive watches of the path and its ancestors.
//
// Not thread-safe: owned by the session strand.
#include "brook/client/zookeeper/types.h"
#include "brook/protocol/zookeeper/records.h"

#include <map>
#include <string>
#include <vector>

namespace brook::client::zookeeper::detail {

enum class watch_kind { data, exist, child, persistent, persistent_recursive };

class watch_manager {
public:
    void add(watch_kind kind, const std::string& server_path, watcher w);

    /// Removes the one-shot watches `type` on `server_path` fires and returns every watcher to call,
    /// in registration order per kind (data, exist, child, persistent, recursive).
    std::vector<watcher> collect(event_type type, const std::string& server_path);

    /// Drops the one-shot watches of `server_path` that removeWatches of `type` removes (children:
    /// child; data: data and exist; any: all three), without calling them.
    void remove(const std::string& server_path, protocol::zookeeper::watcher_type type);

    /// The registered paths, for SetWatches / SetWatches2 after a reconnect.
    protocol::zookeeper::set_watches2 snapshot(int64_t relative_zxid) const;
    bool has_persistent() const noexcept { return !_persistent.empty() || !_recursive.empty(); }
    bool empty() const noexcept;

    void clear();

private:
    using table = std::map<std::string, std::vector<watcher>>;
    table& of(watch_kind kind);

    table _data;
    table _exist;
    table _child;
    table _persistent;
    table _recursive;
};

} // namespace brook::client::zookeeper::detail

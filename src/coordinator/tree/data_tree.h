#pragma once
// The znode tree: an in-memory state machine with no I/O and no networking, changed only by
// applying txns in zxid order. Thread: not thread-safe; one owner drives it.
#include "brook/protocol/zookeeper/constants.h"
#include "brook/protocol/zookeeper/records.h"
#include "coordinator/tree/acl.h"
#include "coordinator/tree/txn.h"
#include "coordinator/tree/znode.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace brook::coordinator::tree {

/// A change watchers may care about, in the order the tree made it.
struct watch_trigger {
    std::string path;
    zk::event_type type;
};

/// Outcome of one applied op (for multi, one per op).
struct op_result {
    txn_type type{};
    std::string path; // the created path for create
    zk::stat stat{};
};

struct apply_result {
    std::vector<op_result> ops;
    std::vector<watch_trigger> triggers;
};

class data_tree {
public:
    /// A tree with "/", "/zookeeper", "/zookeeper/quota" and "/zookeeper/config" like ZooKeeper's.
    data_tree();

    const znode* find(std::string_view path) const;
    zk::stat stat_of(const znode& n) const;
    const acl_list& acl_of(const znode& n) const { return _acls.get(n.acl); }
    acl_table& acls() noexcept { return _acls; }

    /// Applies a txn. For a txn prepared against the current state this cannot fail. During replay
    /// over a fuzzy snapshot an op may already be reflected: creating an existing node or deleting a
    /// missing one is skipped, as ZooKeeper does.
    apply_result apply(const txn& t);

    /// Paths of the ephemerals owned by `session` (sorted).
    const std::set<std::string>* ephemerals(int64_t session) const;
    const std::unordered_map<int64_t, std::set<std::string>>& all_ephemerals() const { return _ephemerals; }
    /// Container and TTL nodes, candidates for cleanup.
    const std::set<std::string>& containers_and_ttls() const { return _special; }

    /// Number of descendants of `path` (not counting itself).
    int32_t count_descendants(std::string_view path) const;

    size_t node_count() const noexcept { return _nodes.size(); }
    int64_t last_zxid() const noexcept { return _last_zxid; }
    void set_last_zxid(int64_t z) noexcept { _last_zxid = z; }
    size_t approximate_data_size() const noexcept { return _data_bytes; }

    /// Visits every node, parents before children (snapshot order).
    void for_each(const std::function<void(const std::string&, const znode&)>& fn) const;
    /// Inserts a node read from a snapshot. REQUIRES: its parent was inserted first (or is "/").
    void restore_node(const std::string& path, znode n);

private:
    void apply_op(const txn_header& h, const txn_op& op, apply_result& out);
    void create(const txn_header& h, const create_txn& t, apply_result& out);
    void remove(const txn_header& h, const delete_txn& t, apply_result& out);
    void set_data(const txn_header& h, const set_data_txn& t, apply_result& out);
    void set_acl(const txn_header& h, const set_acl_txn& t, apply_result& out);
    void close_session(const txn_header& h, apply_result& out);
    void index_node(const std::string& path, const znode& n);
    void unindex_node(const std::string& path, const znode& n);
    /// Removes every node below `path` (replay over a fuzzy snapshot, see remove()).
    void drop_descendants(const std::string& path);

    /// Hashes std::string and std::string_view alike, so lookups by a view build no string.
    struct path_hash {
        using is_transparent = void;
        size_t operator()(std::string_view p) const noexcept { return std::hash<std::string_view>{}(p); }
    };
    std::unordered_map<std::string, znode, path_hash, std::equal_to<>> _nodes;
    std::unordered_map<int64_t, std::set<std::string>> _ephemerals;
    std::set<std::string> _special;
    acl_table _acls;
    int64_t _last_zxid = 0;
    size_t _data_bytes = 0;
};

} // namespace brook::coordinator::tree

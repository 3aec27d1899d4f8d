#pragma once
// Write preparation: validates a write against the current tree plus the changes earlier ops of
// the same multi made (ZooKeeper's outstanding ChangeRecords), and resolves it into a txn op.
#include "brook/protocol/zookeeper/constants.h"
#include "brook/protocol/zookeeper/multi.h"
#include "coordinator/tree/acl.h"
#include "coordinator/tree/data_tree.h"
#include "coordinator/tree/txn.h"

#include <map>
#include <optional>
#include <string>

namespace brook::coordinator::tree {

/// The tree as a write sees it: the real tree overlaid with pending changes.
class prep_view {
public:
    struct record {
        int32_t version = 0;
        int32_t cversion = 0;
        int32_t aversion = 0;
        int64_t owner = 0;
        int32_t num_children = 0;
        acl_list acl;
    };

    prep_view(const data_tree& tree, const auth_info& who, int64_t session, int32_t max_data)
        : _tree(tree), _who(who), _session(session), _max_data(max_data) {}

    struct prepared {
        zk::error_code err = zk::error_code::ok;
        txn_op op;
    };

    /// Prepares one op (create variants, delete, setData, setACL, check) and records its effect.
    prepared prepare(const zk::multi_op& op);
    prepared prepare_set_acl(const zk::set_acl_request& req);

private:
    std::optional<record> get(const std::string& path) const;
    prepared create(zk::op_code type, const std::string& path, const bytes& data, acl_list acl, int32_t flags,
                    int64_t ttl);
    prepared remove(const zk::delete_request& req);
    prepared set_data(const zk::set_data_request& req);
    prepared check(const zk::check_version_request& req);

    const data_tree& _tree;
    const auth_info& _who;
    int64_t _session;
    int32_t _max_data;
    std::map<std::string, std::optional<record>, std::less<>> _overlay;
};

} // namespace brook::coordinator::tree

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
#include <variant>

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

    /// `in_multi`: later ops will be prepared against this one's effect (a multi). A single write
    /// does not record its effect, which saves the overlay's allocations on the hot path.
    prep_view(const data_tree& tree, const auth_info& who, int64_t session, int32_t max_data, bool in_multi = true)
        : _tree(tree), _who(who), _session(session), _max_data(max_data), _in_multi(in_multi) {}

    struct prepared {
        zk::error_code err = zk::error_code::ok;
        txn_op op;
    };

    /// Prepares one op (create variants, delete, setData, setACL, check) and records its effect.
    prepared prepare(const zk::multi_op& op) { return prepare(op.type, op.body); }
    /// The same for the body of a request (`Body` is a variant of request records), without
    /// copying it into a multi_op first.
    template<class Body>
    prepared prepare(zk::op_code type, const Body& body) {
        return std::visit([&](const auto& r) { return one(type, r); }, body);
    }
    prepared prepare_set_acl(const zk::set_acl_request& req);

private:
    prepared one(zk::op_code type, const zk::create_request& r) {
        return create(type, r.path, r.data, r.acl, r.flags, 0);
    }
    prepared one(zk::op_code type, const zk::create_ttl_request& r) {
        return create(type, r.path, r.data, r.acl, r.flags, r.ttl);
    }
    prepared one(zk::op_code, const zk::delete_request& r) { return remove(r); }
    prepared one(zk::op_code, const zk::set_data_request& r) { return set_data(r); }
    prepared one(zk::op_code, const zk::check_version_request& r) { return check(r); }
    /// Anything else (reads) is not a write.
    template<class R>
    prepared one(zk::op_code, const R&) {
        return prepared{zk::error_code::bad_arguments, {}};
    }

    std::optional<record> get(const std::string& path) const;
    /// Records the effect of an op on `path` for the later ops of a multi.
    void note(const std::string& path, std::optional<record> r);
    prepared create(zk::op_code type, const std::string& path, const bytes& data, acl_list acl, int32_t flags,
                    int64_t ttl);
    prepared remove(const zk::delete_request& req);
    prepared set_data(const zk::set_data_request& req);
    prepared check(const zk::check_version_request& req);

    const data_tree& _tree;
    const auth_info& _who;
    int64_t _session;
    int32_t _max_data;
    bool _in_multi;
    std::map<std::string, std::optional<record>, std::less<>> _overlay;
};

} // namespace brook::coordinator::tree

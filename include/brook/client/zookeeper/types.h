#pragma once
// Values exchanged with the ZooKeeper client: node metadata, ACLs, watch events, session states and
// the operations of a multi transaction. Records that travel on the wire (Stat, ACL, Id) are the
// protocol module's structs, re-exported here.
#include "brook/common/bytes.h"
#include "brook/protocol/zookeeper/constants.h"
#include "brook/protocol/zookeeper/records.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

namespace brook::client::zookeeper {

using protocol::zookeeper::acl;
using protocol::zookeeper::acl_id;
using protocol::zookeeper::add_watch_mode;
using protocol::zookeeper::create_mode;
using protocol::zookeeper::event_type;
using protocol::zookeeper::stat;
using protocol::zookeeper::watcher_type;
namespace perms = protocol::zookeeper::perms;

/// Version argument that matches any version (delete, set_data, set_acl, check).
inline constexpr int32_t any_version = -1;

/// world:anyone with every permission: ZooKeeper's OPEN_ACL_UNSAFE, the default for create.
std::vector<acl> open_acl_unsafe();
/// world:anyone with READ only: READ_ACL_UNSAFE.
std::vector<acl> read_acl_unsafe();
/// Every permission for the ids the session authenticated with (auth scheme): CREATOR_ALL_ACL.
std::vector<acl> creator_all_acl();

/// A watch firing. `path` is relative to the client's chroot.
struct watch_event {
    event_type type = event_type::none;
    std::string path;
};

/// Called once per registration for a one-shot watch, and on every matching change for a
/// persistent one. Runs on the client's strand (see client.h).
using watcher = std::function<void(const watch_event&)>;

/// The client's view of its session.
enum class session_state {
    /// Connecting for the first time; requests are queued until connected.
    connecting,
    /// A server accepted the session; requests flow.
    connected,
    /// The connection was lost; the client is reconnecting and will resume the session if a server
    /// accepts it within the session timeout. Requests fail with connection_loss meanwhile.
    suspended,
    /// The session is gone (the server said so, or no server could be reached for a whole session
    /// timeout): ephemerals are lost and watches dropped. Terminal: make a new client.
    expired,
    /// The server rejected the credentials of add_auth. Terminal.
    auth_failed,
    /// close() was called. Terminal.
    closed,
};

std::string_view to_string(session_state s) noexcept;

/// Called on every state change, on the client's strand.
using state_listener = std::function<void(session_state)>;

/// get_data's answer.
struct node_data {
    bytes data;
    zookeeper::stat stat;
};

/// get_children2's answer.
struct children_and_stat {
    std::vector<std::string> children;
    zookeeper::stat stat;
};

/// create2's answer: the actual path (with a sequential suffix if any) and the new node's stat.
struct created_node {
    std::string path;
    zookeeper::stat stat;
};

/// get_acl's answer.
struct acl_and_stat {
    std::vector<zookeeper::acl> acl;
    zookeeper::stat stat;
};

/// Operations of a multi transaction.
namespace op {
struct create {
    std::string path;
    bytes data;
    create_mode mode = create_mode::persistent;
    std::vector<zookeeper::acl> acl = open_acl_unsafe();
};
struct remove {
    std::string path;
    int32_t version = any_version;
};
struct set_data {
    std::string path;
    bytes data;
    int32_t version = any_version;
};
struct check {
    std::string path;
    int32_t version = any_version;
};
} // namespace op

using multi_op = std::variant<op::create, op::remove, op::set_data, op::check>;

/// Operations of a multiRead: reads answered together, each on its own (no watches are set).
namespace read_op {
struct get_data {
    std::string path;
};
struct get_children {
    std::string path;
};
} // namespace read_op

using multi_read_op = std::variant<read_op::get_data, read_op::get_children>;

/// The outcome of one read of a multiRead: `error` is that read's own code (no_node, no_auth, ...).
struct read_result {
    std::error_code error;
    /// get_data: the data and the stat.
    bytes data;
    zookeeper::stat stat;
    /// get_children: the children's names.
    std::vector<std::string> children;
};

/// The outcome of one operation of a multi. `error` is success when the transaction committed; when
/// it aborted, the failing operation carries its own code, those before it success and those after
/// it runtime_inconsistency (as the server reports them).
struct op_result {
    std::error_code error;
    /// create: the created path (relative to the chroot).
    std::string path;
    /// set_data: the node's new stat.
    zookeeper::stat stat;
};

/// multi's answer when the server processed the transaction (committed or not).
struct multi_result {
    bool committed = false;
    std::vector<op_result> results;

    /// The failing operation's error, or success when committed.
    std::error_code first_error() const noexcept;
};

} // namespace brook::client::zookeeper

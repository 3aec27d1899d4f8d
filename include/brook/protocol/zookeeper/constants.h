#pragma once
// Constants of the ZooKeeper 3.8 client protocol: opcodes, special xids, error codes, watch event
// types and states, create modes and ACL permission bits. Values are those of Apache ZooKeeper
// (ZooDefs.OpCode, KeeperException.Code, Watcher.Event, CreateMode, ZooDefs.Perms).
#include <cstdint>
#include <string_view>

namespace brook::protocol::zookeeper {

/// RequestHeader.type.
enum class op_code : int32_t {
    notification = 0,
    create = 1,
    remove = 2, // "delete"
    exists = 3,
    get_data = 4,
    set_data = 5,
    get_acl = 6,
    set_acl = 7,
    get_children = 8,
    sync = 9,
    ping = 11,
    get_children2 = 12,
    check = 13,
    multi = 14,
    create2 = 15,
    reconfig = 16,
    check_watches = 17,
    remove_watches = 18,
    create_container = 19,
    delete_container = 20,
    create_ttl = 21,
    multi_read = 22,
    auth = 100,
    set_watches = 101,
    sasl = 102,
    get_ephemerals = 103,
    get_all_children_number = 104,
    set_watches2 = 105,
    add_watch = 106,
    who_am_i = 107,
    create_session = -10,
    close_session = -11,
    error = -1,
};

std::string_view to_string(op_code op) noexcept;

/// Special values of RequestHeader.xid / ReplyHeader.xid.
namespace xids {
inline constexpr int32_t notification = -1;
inline constexpr int32_t ping = -2;
inline constexpr int32_t auth = -4;
inline constexpr int32_t set_watches = -8;
} // namespace xids

/// ReplyHeader.err (KeeperException.Code).
enum class error_code : int32_t {
    ok = 0,
    system_error = -1,
    runtime_inconsistency = -2,
    data_inconsistency = -3,
    connection_loss = -4,
    marshalling_error = -5,
    unimplemented = -6,
    operation_timeout = -7,
    bad_arguments = -8,
    unknown_session = -12,
    new_config_no_quorum = -13,
    reconfig_in_progress = -14,
    api_error = -100,
    no_node = -101,
    no_auth = -102,
    bad_version = -103,
    no_children_for_ephemerals = -108,
    node_exists = -110,
    not_empty = -111,
    session_expired = -112,
    invalid_callback = -113,
    invalid_acl = -114,
    auth_failed = -115,
    session_moved = -118,
    not_read_only = -119,
    ephemeral_on_local_session = -120,
    no_watcher = -121,
    request_timeout = -122,
    reconfig_disabled = -123,
    session_closed_require_sasl_auth = -124,
    quota_exceeded = -125,
    throttled = -127,
};

std::string_view to_string(error_code e) noexcept;

/// WatcherEvent.type.
enum class event_type : int32_t {
    none = -1,
    node_created = 1,
    node_deleted = 2,
    node_data_changed = 3,
    node_children_changed = 4,
    data_watch_removed = 5,
    child_watch_removed = 6,
    persistent_watch_removed = 7,
};

/// WatcherEvent.state.
enum class keeper_state : int32_t {
    disconnected = 0,
    sync_connected = 3,
    auth_failed = 4,
    connected_read_only = 5,
    sasl_authenticated = 6,
    closed = 7,
    expired = -112,
};

/// CreateRequest.flags.
enum class create_mode : int32_t {
    persistent = 0,
    ephemeral = 1,
    persistent_sequential = 2,
    ephemeral_sequential = 3,
    container = 4,
    persistent_with_ttl = 5,
    persistent_sequential_with_ttl = 6,
};

inline constexpr bool is_valid(create_mode m) noexcept {
    return static_cast<int32_t>(m) >= 0 && static_cast<int32_t>(m) <= 6;
}
inline constexpr bool is_ephemeral(create_mode m) noexcept {
    return m == create_mode::ephemeral || m == create_mode::ephemeral_sequential;
}
inline constexpr bool is_sequential(create_mode m) noexcept {
    return m == create_mode::persistent_sequential || m == create_mode::ephemeral_sequential ||
           m == create_mode::persistent_sequential_with_ttl;
}
inline constexpr bool is_ttl(create_mode m) noexcept {
    return m == create_mode::persistent_with_ttl || m == create_mode::persistent_sequential_with_ttl;
}

/// AddWatchRequest.mode.
enum class add_watch_mode : int32_t { persistent = 0, persistent_recursive = 1 };

/// RemoveWatchesRequest.type / CheckWatchesRequest.type.
enum class watcher_type : int32_t { children = 1, data = 2, any = 3 };

/// ACL.perms bits.
namespace perms {
inline constexpr int32_t read = 1;
inline constexpr int32_t write = 2;
inline constexpr int32_t create = 4;
inline constexpr int32_t remove = 8; // "delete"
inline constexpr int32_t admin = 16;
inline constexpr int32_t all = 31;
} // namespace perms

/// Default `jute.maxbuffer`: the largest packet and znode data (1 MiB - 1).
inline constexpr int32_t default_max_buffer = 1048575;

} // namespace brook::protocol::zookeeper

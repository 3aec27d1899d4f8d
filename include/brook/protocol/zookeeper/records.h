#pragma once
// The jute records of the ZooKeeper 3.8 client protocol (zookeeper.jute, modules
// org.apache.zookeeper.data and org.apache.zookeeper.proto). Field order is wire order; see jute.h
// for the encoding. Requests with an empty body (ping, closeSession, whoAmI) have no record.
#include "brook/common/bytes.h"
#include "brook/protocol/zookeeper/jute.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace brook::protocol::zookeeper {

// ---- data ----

/// Id
struct acl_id {
    std::string scheme;
    std::string id;

    static constexpr std::string_view jute_name = "Id";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.scheme, s.id);
    }
    bool operator==(const acl_id&) const = default;
};

// ---- data ----

/// ACL
struct acl {
    int32_t perms = 0;
    zookeeper::acl_id id;

    static constexpr std::string_view jute_name = "ACL";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.perms, s.id);
    }
    bool operator==(const acl&) const = default;
};

// ---- data ----

/// Stat
struct stat {
    int64_t czxid = 0;
    int64_t mzxid = 0;
    int64_t ctime = 0;
    int64_t mtime = 0;
    int32_t version = 0;
    int32_t cversion = 0;
    int32_t aversion = 0;
    int64_t ephemeral_owner = 0;
    int32_t data_length = 0;
    int32_t num_children = 0;
    int64_t pzxid = 0;

    static constexpr std::string_view jute_name = "Stat";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.czxid, s.mzxid, s.ctime, s.mtime, s.version, s.cversion, s.aversion, s.ephemeral_owner,
                        s.data_length, s.num_children, s.pzxid);
    }
    bool operator==(const stat&) const = default;
};

// ---- data ----

/// ClientInfo
struct client_info {
    std::string auth_scheme;
    std::string user;

    static constexpr std::string_view jute_name = "ClientInfo";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.auth_scheme, s.user);
    }
    bool operator==(const client_info&) const = default;
};

// ---- handshake (see connect.h for the trailing readOnly byte) ----

/// ConnectRequest
struct connect_request {
    int32_t protocol_version = 0;
    int64_t last_zxid_seen = 0;
    int32_t timeout = 0;
    int64_t session_id = 0;
    bytes passwd;

    static constexpr std::string_view jute_name = "ConnectRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.protocol_version, s.last_zxid_seen, s.timeout, s.session_id, s.passwd);
    }
    bool operator==(const connect_request&) const = default;
};

/// ConnectResponse
struct connect_response {
    int32_t protocol_version = 0;
    int32_t timeout = 0;
    int64_t session_id = 0;
    bytes passwd;

    static constexpr std::string_view jute_name = "ConnectResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.protocol_version, s.timeout, s.session_id, s.passwd);
    }
    bool operator==(const connect_response&) const = default;
};

// ---- framing ----

/// RequestHeader
struct request_header {
    int32_t xid = 0;
    int32_t type = 0;

    static constexpr std::string_view jute_name = "RequestHeader";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.xid, s.type);
    }
    bool operator==(const request_header&) const = default;
};

/// ReplyHeader
struct reply_header {
    int32_t xid = 0;
    int64_t zxid = 0;
    int32_t err = 0;

    static constexpr std::string_view jute_name = "ReplyHeader";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.xid, s.zxid, s.err);
    }
    bool operator==(const reply_header&) const = default;
};

/// MultiHeader
struct multi_header {
    int32_t type = 0;
    bool done = false;
    int32_t err = 0;

    static constexpr std::string_view jute_name = "MultiHeader";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.type, s.done, s.err);
    }
    bool operator==(const multi_header&) const = default;
};

/// WatcherEvent
struct watcher_event {
    int32_t type = 0;
    int32_t state = 0;
    std::string path;

    static constexpr std::string_view jute_name = "WatcherEvent";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.type, s.state, s.path);
    }
    bool operator==(const watcher_event&) const = default;
};

/// ErrorResponse
struct error_response {
    int32_t err = 0;

    static constexpr std::string_view jute_name = "ErrorResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.err);
    }
    bool operator==(const error_response&) const = default;
};

// ---- requests ----

/// AuthPacket
struct auth_packet {
    int32_t type = 0;
    std::string scheme;
    bytes auth;

    static constexpr std::string_view jute_name = "AuthPacket";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.type, s.scheme, s.auth);
    }
    bool operator==(const auth_packet&) const = default;
};

/// SetWatches
struct set_watches {
    int64_t relative_zxid = 0;
    std::vector<std::string> data_watches;
    std::vector<std::string> exist_watches;
    std::vector<std::string> child_watches;

    static constexpr std::string_view jute_name = "SetWatches";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.relative_zxid, s.data_watches, s.exist_watches, s.child_watches);
    }
    bool operator==(const set_watches&) const = default;
};

/// SetWatches2
struct set_watches2 {
    int64_t relative_zxid = 0;
    std::vector<std::string> data_watches;
    std::vector<std::string> exist_watches;
    std::vector<std::string> child_watches;
    std::vector<std::string> persistent_watches;
    std::vector<std::string> persistent_recursive_watches;

    static constexpr std::string_view jute_name = "SetWatches2";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.relative_zxid, s.data_watches, s.exist_watches, s.child_watches, s.persistent_watches,
                        s.persistent_recursive_watches);
    }
    bool operator==(const set_watches2&) const = default;
};

/// CreateRequest
struct create_request {
    std::string path;
    bytes data;
    std::vector<zookeeper::acl> acl;
    int32_t flags = 0;

    static constexpr std::string_view jute_name = "CreateRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.data, s.acl, s.flags);
    }
    bool operator==(const create_request&) const = default;
};

/// CreateTTLRequest
struct create_ttl_request {
    std::string path;
    bytes data;
    std::vector<zookeeper::acl> acl;
    int32_t flags = 0;
    int64_t ttl = 0;

    static constexpr std::string_view jute_name = "CreateTTLRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.data, s.acl, s.flags, s.ttl);
    }
    bool operator==(const create_ttl_request&) const = default;
};

/// DeleteRequest
struct delete_request {
    std::string path;
    int32_t version = 0;

    static constexpr std::string_view jute_name = "DeleteRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.version);
    }
    bool operator==(const delete_request&) const = default;
};

/// ExistsRequest
struct exists_request {
    std::string path;
    bool watch = false;

    static constexpr std::string_view jute_name = "ExistsRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.watch);
    }
    bool operator==(const exists_request&) const = default;
};

/// GetDataRequest
struct get_data_request {
    std::string path;
    bool watch = false;

    static constexpr std::string_view jute_name = "GetDataRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.watch);
    }
    bool operator==(const get_data_request&) const = default;
};

/// SetDataRequest
struct set_data_request {
    std::string path;
    bytes data;
    int32_t version = 0;

    static constexpr std::string_view jute_name = "SetDataRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.data, s.version);
    }
    bool operator==(const set_data_request&) const = default;
};

/// GetChildrenRequest
struct get_children_request {
    std::string path;
    bool watch = false;

    static constexpr std::string_view jute_name = "GetChildrenRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.watch);
    }
    bool operator==(const get_children_request&) const = default;
};

/// GetChildren2Request
struct get_children2_request {
    std::string path;
    bool watch = false;

    static constexpr std::string_view jute_name = "GetChildren2Request";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.watch);
    }
    bool operator==(const get_children2_request&) const = default;
};

/// GetAllChildrenNumberRequest
struct get_all_children_number_request {
    std::string path;

    static constexpr std::string_view jute_name = "GetAllChildrenNumberRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path);
    }
    bool operator==(const get_all_children_number_request&) const = default;
};

/// GetEphemeralsRequest
struct get_ephemerals_request {
    std::string prefix_path;

    static constexpr std::string_view jute_name = "GetEphemeralsRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.prefix_path);
    }
    bool operator==(const get_ephemerals_request&) const = default;
};

/// CheckVersionRequest
struct check_version_request {
    std::string path;
    int32_t version = 0;

    static constexpr std::string_view jute_name = "CheckVersionRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.version);
    }
    bool operator==(const check_version_request&) const = default;
};

/// SyncRequest
struct sync_request {
    std::string path;

    static constexpr std::string_view jute_name = "SyncRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path);
    }
    bool operator==(const sync_request&) const = default;
};

/// GetACLRequest
struct get_acl_request {
    std::string path;

    static constexpr std::string_view jute_name = "GetACLRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path);
    }
    bool operator==(const get_acl_request&) const = default;
};

/// SetACLRequest
struct set_acl_request {
    std::string path;
    std::vector<zookeeper::acl> acl;
    int32_t version = 0;

    static constexpr std::string_view jute_name = "SetACLRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.acl, s.version);
    }
    bool operator==(const set_acl_request&) const = default;
};

/// AddWatchRequest
struct add_watch_request {
    std::string path;
    int32_t mode = 0;

    static constexpr std::string_view jute_name = "AddWatchRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.mode);
    }
    bool operator==(const add_watch_request&) const = default;
};

/// CheckWatchesRequest
struct check_watches_request {
    std::string path;
    int32_t type = 0;

    static constexpr std::string_view jute_name = "CheckWatchesRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.type);
    }
    bool operator==(const check_watches_request&) const = default;
};

/// RemoveWatchesRequest
struct remove_watches_request {
    std::string path;
    int32_t type = 0;

    static constexpr std::string_view jute_name = "RemoveWatchesRequest";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.type);
    }
    bool operator==(const remove_watches_request&) const = default;
};

// ---- responses ----

/// CreateResponse
struct create_response {
    std::string path;

    static constexpr std::string_view jute_name = "CreateResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path);
    }
    bool operator==(const create_response&) const = default;
};

/// Create2Response
struct create2_response {
    std::string path;
    zookeeper::stat stat;

    static constexpr std::string_view jute_name = "Create2Response";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path, s.stat);
    }
    bool operator==(const create2_response&) const = default;
};

/// ExistsResponse
struct exists_response {
    zookeeper::stat stat;

    static constexpr std::string_view jute_name = "ExistsResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.stat);
    }
    bool operator==(const exists_response&) const = default;
};

/// GetDataResponse
struct get_data_response {
    bytes data;
    zookeeper::stat stat;

    static constexpr std::string_view jute_name = "GetDataResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.data, s.stat);
    }
    bool operator==(const get_data_response&) const = default;
};

/// SetDataResponse
struct set_data_response {
    zookeeper::stat stat;

    static constexpr std::string_view jute_name = "SetDataResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.stat);
    }
    bool operator==(const set_data_response&) const = default;
};

/// GetChildrenResponse
struct get_children_response {
    std::vector<std::string> children;

    static constexpr std::string_view jute_name = "GetChildrenResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.children);
    }
    bool operator==(const get_children_response&) const = default;
};

/// GetChildren2Response
struct get_children2_response {
    std::vector<std::string> children;
    zookeeper::stat stat;

    static constexpr std::string_view jute_name = "GetChildren2Response";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.children, s.stat);
    }
    bool operator==(const get_children2_response&) const = default;
};

/// GetAllChildrenNumberResponse
struct get_all_children_number_response {
    int32_t total_number = 0;

    static constexpr std::string_view jute_name = "GetAllChildrenNumberResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.total_number);
    }
    bool operator==(const get_all_children_number_response&) const = default;
};

/// GetEphemeralsResponse
struct get_ephemerals_response {
    std::vector<std::string> ephemerals;

    static constexpr std::string_view jute_name = "GetEphemeralsResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.ephemerals);
    }
    bool operator==(const get_ephemerals_response&) const = default;
};

/// SyncResponse
struct sync_response {
    std::string path;

    static constexpr std::string_view jute_name = "SyncResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.path);
    }
    bool operator==(const sync_response&) const = default;
};

/// GetACLResponse
struct get_acl_response {
    std::vector<zookeeper::acl> acl;
    zookeeper::stat stat;

    static constexpr std::string_view jute_name = "GetACLResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.acl, s.stat);
    }
    bool operator==(const get_acl_response&) const = default;
};

/// SetACLResponse
struct set_acl_response {
    zookeeper::stat stat;

    static constexpr std::string_view jute_name = "SetACLResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.stat);
    }
    bool operator==(const set_acl_response&) const = default;
};

/// WhoAmIResponse
struct who_am_i_response {
    std::vector<zookeeper::client_info> client_info;

    static constexpr std::string_view jute_name = "WhoAmIResponse";
    template<class Self>
    static auto jute_fields(Self& s) {
        return std::tie(s.client_info);
    }
    bool operator==(const who_am_i_response&) const = default;
};

} // namespace brook::protocol::zookeeper

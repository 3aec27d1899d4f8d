#pragma once
// One znode of the data tree. The Stat fields are stored as ZooKeeper's StatPersisted; dataLength
// and numChildren are derived.
//
// ephemeral_owner encodes the node kind like ZooKeeper's EphemeralType: 0 = persistent, a session id
// = ephemeral, INT64_MIN = container, 0xFF in the top byte = TTL node with the TTL (ms) below it.
#include "brook/common/bytes.h"

#include <cstdint>
#include <set>
#include <string>

namespace brook::coordinator::tree {

inline constexpr int64_t container_owner = INT64_MIN;
inline constexpr int64_t ttl_marker = static_cast<int64_t>(0xFF00000000000000ULL);
inline constexpr int64_t max_ttl = 0x00FFFFFFFFFFFFFFLL;

inline constexpr bool is_container(int64_t owner) noexcept {
    return owner == container_owner;
}
inline constexpr bool is_ttl(int64_t owner) noexcept {
    return owner != container_owner && (owner & ttl_marker) == ttl_marker;
}
inline constexpr int64_t ttl_of(int64_t owner) noexcept {
    return owner & max_ttl;
}
/// True if `owner` is a real session (an ephemeral node).
inline constexpr bool is_session_owner(int64_t owner) noexcept {
    return owner != 0 && !is_container(owner) && !is_ttl(owner);
}

struct znode {
    bytes data;
    uint32_t acl = 0; // index into the tree's acl_table
    int32_t version = 0;
    int32_t cversion = 0;
    int32_t aversion = 0;
    int64_t czxid = 0;
    int64_t mzxid = 0;
    int64_t pzxid = 0;
    int64_t ctime = 0;
    int64_t mtime = 0;
    int64_t ephemeral_owner = 0;
    std::set<std::string, std::less<>> children;
};

} // namespace brook::coordinator::tree

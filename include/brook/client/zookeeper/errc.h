#pragma once
// Errors of the ZooKeeper client.
//
// Server-reported failures keep ZooKeeper's own numeric codes: `protocol::zookeeper::error_code`
// (NONODE -101, NODEEXISTS -110, BADVERSION -103, CONNECTIONLOSS -4, SESSIONEXPIRED -112, ...) is
// made a std::error_code enum here, in the category "zookeeper", so callers compare directly:
//
//     if (r.error() == zk::error_code::no_node) { ... }
//
// Failures that originate in the client itself (bad connect string, closed handle, a reply that
// breaks the protocol) are `client::zookeeper::errc`, category "brook.client.zookeeper". Requests
// cut off by a lost connection fail with error_code::connection_loss, those of an expired session
// with error_code::session_expired, as ZooKeeper's own clients report them.
#include "brook/protocol/zookeeper/constants.h"

#include <system_error>

namespace brook::protocol::zookeeper {

/// The category of ZooKeeper's wire error codes (ReplyHeader.err). Values are the wire values.
const std::error_category& zookeeper_category() noexcept;

inline std::error_code make_error_code(error_code e) noexcept {
    return {static_cast<int>(e), zookeeper_category()};
}

} // namespace brook::protocol::zookeeper

template<>
struct std::is_error_code_enum<brook::protocol::zookeeper::error_code> : std::true_type {};

namespace brook::client::zookeeper {

using error_code = protocol::zookeeper::error_code;

enum class errc {
    success = 0,
    /// The connect string has no hosts, a bad port or a bad chroot.
    invalid_connect_string,
    /// A path is empty, relative, ends in '/' or contains an empty segment.
    invalid_path,
    /// The client was closed; no further requests are accepted.
    closed,
    /// The server sent something the protocol does not allow (bad frame, out-of-order reply).
    protocol_violation,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// Maps a ReplyHeader.err value to an error_code in the "zookeeper" category (0 maps to success).
std::error_code from_wire(int32_t err) noexcept;

} // namespace brook::client::zookeeper

template<>
struct std::is_error_code_enum<brook::client::zookeeper::errc> : std::true_type {};

#pragma once
// The connect string "host:port,host:port[/chroot]" and chroot path mapping.
//
// Hosts are "name:port", "name" (port 2181), or "[v6addr]:port". The chroot, if any, starts at
// the first '/' and applies to every host; a trailing '/' is dropped and "/" means no chroot.
#include "brook/common/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace brook::client::zookeeper::detail {

struct host_port {
    std::string host;
    uint16_t port = 2181;
    bool operator==(const host_port&) const = default;
};

struct connect_spec {
    std::vector<host_port> hosts;
    /// Empty, or an absolute path without a trailing '/'.
    std::string chroot;
};

result<connect_spec> parse_connect_string(std::string_view s);

/// Validates a client path: absolute, no empty segment, no trailing '/' (except "/" itself, and a
/// sequential create's prefix, which may end in '/'), no "." or ".." segment, no NUL.
bool valid_path(std::string_view path, bool sequential = false) noexcept;

/// Client path -> server path under `chroot` ("/" maps to the chroot itself).
std::string to_server_path(std::string_view chroot, std::string_view path);

/// Server path -> client path; nullopt when the path lies outside the chroot.
std::optional<std::string> to_client_path(std::string_view chroot, std::string_view path);

} // namespace brook::client::zookeeper::detail

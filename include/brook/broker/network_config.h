#pragma once
// Settings of the network layer, taken from the broker configuration once at startup.
#include "brook/common/config.h"
#include "brook/common/result.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace brook::broker {

/// One entry of `listeners`: NAME://host:port. An empty host means every interface.
struct listener_spec {
    std::string name;
    std::string host;
    uint16_t port = 0;
};

/// Parses "NAME://host:port" (IPv6 hosts in brackets). Errors name the problem in the category of
/// brook::common::errc::invalid_value.
result<listener_spec> parse_listener(std::string_view uri);

struct network_config {
    std::vector<listener_spec> listeners;
    int network_threads = 3;
    /// Frames larger than this close the connection (socket.request.max.bytes).
    int32_t max_request_bytes = 104857600;
    /// Reading pauses while this many requests of a connection are unanswered (queued.max.requests).
    int32_t max_in_flight_requests = 500;
    /// Reading pauses while unanswered requests of a connection hold this many bytes.
    int64_t max_in_flight_bytes = 104857600;
    std::chrono::milliseconds idle_timeout{600000};
    int32_t max_connections = INT32_MAX;
    int32_t max_connections_per_ip = INT32_MAX;
    /// SO_SNDBUF / SO_RCVBUF; -1 keeps the OS default.
    int32_t send_buffer_bytes = 102400;
    int32_t receive_buffer_bytes = 102400;
    /// How long shutdown waits for in-flight requests before closing connections anyway.
    std::chrono::milliseconds shutdown_grace{10000};
};

/// Builds the network settings from the broker configuration. Fails on a malformed listener.
result<network_config> network_config_from(const config_values& cfg);

} // namespace brook::broker

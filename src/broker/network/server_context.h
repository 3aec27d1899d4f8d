#pragma once
// State shared by the listeners and connections of one network_server. Private to the network
// layer. Everything here is either immutable after start or thread-safe.
#include "broker/network/connection_limits.h"
#include "brook/broker/dispatcher.h"
#include "brook/broker/network_config.h"

#include <atomic>
#include <memory>

namespace spdlog {
class logger;
}

namespace brook::broker::network {

struct server_context {
    server_context(network_config c, const dispatcher& d)
        : config(std::move(c)), dispatch(d), limits(config.max_connections, config.max_connections_per_ip) {}

    const network_config config;
    const dispatcher& dispatch;
    connection_limits limits;
    std::shared_ptr<spdlog::logger> log;
    std::atomic<uint64_t> next_connection_id{1};
    std::atomic<bool> stopping{false};
};

} // namespace brook::broker::network

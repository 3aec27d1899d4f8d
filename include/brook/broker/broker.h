#pragma once
// A whole broker: cluster metadata, partitions, request handlers and the network layer, built
// from the configuration. main() owns one; tests and benchmarks can run one in-process.
#include "brook/common/config.h"
#include "brook/common/result.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace brook::broker {

class broker {
public:
    /// `cfg` must outlive the broker.
    explicit broker(const config_values& cfg);
    ~broker();
    broker(const broker&) = delete;
    broker& operator=(const broker&) = delete;

    /// Reads or creates the log dir's meta.properties (cluster id, broker id), registers this broker
    /// and starts serving. Fails when a listener cannot be bound or the log dir cannot be used.
    result<void> start();

    /// Graceful stop: answers waiting fetches, stops accepting, sends the replies of requests in
    /// flight, then closes. Idempotent.
    void stop();

    /// Ports bound by the listeners, in `listeners` order.
    std::vector<uint16_t> bound_ports() const;

private:
    result<void> start_coordinator();
    /// Connects to the coordinator, settles the cluster id with meta.properties; returns the node id.
    result<int32_t> join_cluster();
    result<void> restore_topics(int32_t node_id);

    struct impl;
    std::unique_ptr<impl> _impl;
};

} // namespace brook::broker

#pragma once
// The broker's network layer: listeners, connections and their I/O threads.
//
// `num.network.threads` threads each run their own event loop; an accepted connection is pinned
// to one of them (round robin) for its whole life, and its requests run to completion there. The
// Asio machinery stays in src/broker/network/; this header is all the rest of the broker sees.
#include "brook/broker/dispatcher.h"
#include "brook/broker/network_config.h"
#include "brook/common/result.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace brook::broker {

class network_server {
public:
    /// `dispatch` must outlive the server.
    network_server(network_config config, const dispatcher& dispatch);
    ~network_server();
    network_server(const network_server&) = delete;
    network_server& operator=(const network_server&) = delete;

    /// Binds every listener and starts the I/O threads. Fails (and binds nothing) when a listener
    /// cannot be bound. With `accept` false the listeners only queue connections (the kernel's
    /// backlog) until start_accepting(): the broker serves nobody before it is registered.
    result<void> start(bool accept = true);

    /// Starts accepting on every listener (after start(false)). Idempotent.
    void start_accepting();

    /// Ports actually bound, in `listeners` order (useful with port 0).
    std::vector<uint16_t> bound_ports() const;

    /// Graceful stop: stops accepting, stops reading, sends the replies of requests already read
    /// (waiting at most `shutdown_grace`), closes every connection and joins the threads.
    /// Idempotent. Call from any thread but an I/O thread.
    void stop();

    /// Currently open connections (for tests and metrics).
    size_t connection_count() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

} // namespace brook::broker

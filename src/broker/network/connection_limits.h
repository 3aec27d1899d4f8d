#pragma once
// Caps on open connections: in all (max.connections) and per client address (max.connections.per.ip).
// Shared by every listener and I/O thread; a short mutex guards the counters.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace brook::broker::network {

class connection_limits {
public:
    connection_limits(int32_t max_total, int32_t max_per_ip) : _max_total(max_total), _max_per_ip(max_per_ip) {}

    enum class verdict { accepted, too_many_total, too_many_from_ip };

    /// Counts a new connection from `ip` unless a cap is reached.
    verdict try_acquire(const std::string& ip);
    /// Uncounts a connection accepted earlier.
    void release(const std::string& ip);

    size_t open() const;
    /// Waits until no connection is open or `deadline` passes; true if none is open.
    bool wait_until_none(std::chrono::steady_clock::time_point deadline) const;

private:
    mutable std::mutex _mutex;
    mutable std::condition_variable _none_open;
    std::unordered_map<std::string, int32_t> _per_ip;
    int32_t _total = 0;
    int32_t _max_total;
    int32_t _max_per_ip;
};

} // namespace brook::broker::network

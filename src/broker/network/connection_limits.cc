#include "broker/network/connection_limits.h"

namespace brook::broker::network {

connection_limits::verdict connection_limits::try_acquire(const std::string& ip) {
    std::lock_guard lock(_mutex);
    if (_total >= _max_total) {
        return verdict::too_many_total;
    }
    auto& n = _per_ip[ip];
    if (n >= _max_per_ip) {
        if (n == 0) {
            _per_ip.erase(ip);
        }
        return verdict::too_many_from_ip;
    }
    ++n;
    ++_total;
    return verdict::accepted;
}

void connection_limits::release(const std::string& ip) {
    std::lock_guard lock(_mutex);
    auto it = _per_ip.find(ip);
    if (it != _per_ip.end() && --it->second <= 0) {
        _per_ip.erase(it);
    }
    if (--_total == 0) {
        _none_open.notify_all();
    }
}

size_t connection_limits::open() const {
    std::lock_guard lock(_mutex);
    return static_cast<size_t>(_total);
}

bool connection_limits::wait_until_none(std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(_mutex);
    return _none_open.wait_until(lock, deadline, [this] { return _total == 0; });
}

} // namespace brook::broker::network

#include "broker/network/response_queue.h"

namespace brook::broker::network {

uint64_t response_queue::reserve(int32_t correlation_id, uint64_t request_bytes) {
    _entries.push_back(entry{correlation_id, request_bytes, std::nullopt});
    _bytes += request_bytes;
    return _front_sequence + _entries.size() - 1;
}

bool response_queue::complete(uint64_t sequence, handler_reply reply) {
    if (sequence < _front_sequence || sequence - _front_sequence >= _entries.size()) {
        return false;
    }
    auto& e = _entries[sequence - _front_sequence];
    if (e.reply) {
        return false;
    }
    e.reply = std::move(reply);
    return true;
}

std::optional<response_queue::entry> response_queue::pop_ready() {
    if (_entries.empty() || !_entries.front().reply) {
        return std::nullopt;
    }
    entry e = std::move(_entries.front());
    _entries.pop_front();
    ++_front_sequence;
    _bytes -= e.request_bytes;
    return e;
}

} // namespace brook::broker::network

#pragma once
// Per-connection bookkeeping that puts replies back in request order.
//
// Requests get consecutive sequence numbers when read; handlers complete them in any order; the
// writer takes replies from the front only, so a slow request holds back the ones behind it, as
// Kafka's protocol requires. Not thread-safe: owned by the connection's thread.
#include "brook/broker/response.h"

#include <cstdint>
#include <deque>
#include <optional>

namespace brook::broker::network {

class response_queue {
public:
    struct entry {
        int32_t correlation_id = 0;
        uint64_t request_bytes = 0;
        std::optional<handler_reply> reply;
    };

    /// Registers a request just read; returns its sequence number.
    uint64_t reserve(int32_t correlation_id, uint64_t request_bytes);

    /// Stores the reply of request `sequence`. Returns false (and stores nothing) for a sequence that
    /// is unknown or already completed.
    bool complete(uint64_t sequence, handler_reply reply);

    /// The front entry once its reply is there, removed from the queue.
    std::optional<entry> pop_ready();

    /// Requests read and not yet handed to the writer.
    size_t in_flight() const noexcept { return _entries.size(); }
    uint64_t in_flight_bytes() const noexcept { return _bytes; }
    bool empty() const noexcept { return _entries.empty(); }
    bool front_ready() const noexcept { return !_entries.empty() && _entries.front().reply.has_value(); }

private:
    std::deque<entry> _entries;
    uint64_t _front_sequence = 0;
    uint64_t _bytes = 0;
};

} // namespace brook::broker::network

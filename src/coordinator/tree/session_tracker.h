#pragma once
// Sessions and their expiry. Deadlines are rounded up to the next tick like ZooKeeper's
// ExpiryQueue, so expiry is checked once per tick. Times are milliseconds from a caller's clock.
// Thread: owned by the tree's owner.
#include "brook/common/bytes.h"

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace brook::coordinator::tree {

struct session {
    int64_t id = 0;
    int32_t timeout_ms = 0;
    int64_t deadline_ms = 0;
    bool closing = false; // a closeSession txn is in the pipeline
};

class session_tracker {
public:
    /// `server_id` goes in the top byte of session ids; `tick_ms` is tickTime.
    session_tracker(int64_t server_id, int32_t tick_ms, int64_t now_ms);

    /// A fresh session id, never handed out before by this tracker (time-seeded like ZooKeeper).
    int64_t next_id();
    void add(int64_t id, int32_t timeout_ms, int64_t now_ms);
    /// Refreshes the deadline. False if the session is unknown or closing.
    bool touch(int64_t id, int64_t now_ms);
    void set_closing(int64_t id);
    void remove(int64_t id);
    const session* find(int64_t id) const;
    /// Sessions past their deadline that are not closing yet (they become closing).
    std::vector<int64_t> expire(int64_t now_ms);
    const std::unordered_map<int64_t, session>& all() const noexcept { return _sessions; }

    /// The session password: derived from the id and a fixed secret so a restart needs no stored
    /// passwords (ZooKeeper does the same).
    static bytes password_for(int64_t id);

private:
    int64_t round_up(int64_t t) const { return (t / _tick + 1) * _tick; }

    int64_t _tick;
    int64_t _next;
    std::unordered_map<int64_t, session> _sessions;
};

} // namespace brook::coordinator::tree

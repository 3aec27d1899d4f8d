#pragma once
// Incremental fetch sessions (KIP-227): the broker remembers what a consumer fetches so that the
// consumer sends only changed partitions and gets back only partitions with news.
//
// Request fields (Fetch v7+): session_id, session_epoch, partitions, forgotten_topics_data.
//   epoch -1, id 0      sessionless full fetch
//   epoch -1, id N      close session N, then a sessionless full fetch
//   epoch 0,  id 0/N    (close N and) open a new session holding exactly the listed partitions;
//                       the response carries the new id (0 when the cache has no room)
//   epoch E>0, id N     incremental: the listed partitions are added or updated, the forgotten ones
//                       removed; E must equal the session's expected epoch, which then becomes E+1
//                       (wrapping from INT32_MAX to 1). Unknown N: FETCH_SESSION_ID_NOT_FOUND; wrong
//                       E: INVALID_FETCH_SESSION_EPOCH; a session opened with topic names used with
//                       topic ids or the other way round (v13 boundary): FETCH_SESSION_TOPIC_ID_ERROR.
// An incremental response holds the partitions that have records, an error, or a high watermark,
// last stable offset or log start offset different from the last one sent in this session; the
// partitions that returned records move to the end of the session's order, so that a response
// size limit does not starve the ones after them.
//
// Capacity: `max.incremental.fetch.session.cache.slots` sessions. When full, a new session evicts
// the least recently used one if it has been idle for `min.incremental.fetch.session.eviction.ms`,
// else the session with the fewest partitions if the new one has more; otherwise no session is
// created (the consumer keeps sending full fetches). Thread-safe (one mutex, never held across I/O).
#include "brook/protocol/kafka/error_code.h"
#include "brook/protocol/kafka/wire.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace brook::broker {

/// One partition as a fetch names it: by topic name (v < 13) or by topic id (v13+).
struct session_partition_key {
    std::string topic;
    protocol::kafka::uuid topic_id{};
    int32_t partition = 0;
    auto operator<=>(const session_partition_key&) const = default;
};

/// What the consumer asks for one partition.
struct partition_fetch_state {
    session_partition_key key;
    int64_t fetch_offset = 0;
    int32_t max_bytes = 0;
};

/// What the last response said of one partition.
struct partition_response_state {
    int64_t high_watermark = -1;
    int64_t last_stable_offset = -1;
    int64_t log_start_offset = -1;
    bool has_records = false;
    int16_t error_code = 0;
};

struct fetch_session_config {
    size_t max_slots = 1000;
    std::chrono::milliseconds eviction_after{120000};
};

class fetch_session_cache {
public:
    using clock_fn = std::function<std::chrono::steady_clock::time_point()>;

    explicit fetch_session_cache(fetch_session_config cfg, clock_fn clock = nullptr);

    struct opened {
        /// 0 when no session could be made room for.
        int32_t session_id = 0;
    };
    /// Opens a session holding `partitions` (epoch 0 requests). Closes `previous` first when not 0.
    opened open(int32_t previous, std::vector<partition_fetch_state> partitions, bool uses_topic_ids);

    /// Closes a session (epoch -1 with an id); unknown ids are ignored.
    void close(int32_t session_id);

    struct incremental {
        protocol::kafka::error_code error = protocol::kafka::error_code::none;
        /// Every partition of the session after the update, in the session's order.
        std::vector<partition_fetch_state> partitions;
    };
    /// Applies an incremental request (epoch > 0).
    incremental update(int32_t session_id, int32_t epoch, bool uses_topic_ids,
                       std::span<const partition_fetch_state> changed,
                       std::span<const session_partition_key> forgotten);

    /// Records what a response says of `key` in session `session_id` and returns whether an
    /// incremental response must include it. Partitions that had records move to the end of the
    /// session's order. Unknown sessions or keys: true (nothing to compare with).
    bool note_response(int32_t session_id, const session_partition_key& key, const partition_response_state& sent);

    size_t size() const;
    /// Partitions held by a session (tests and metrics); nullopt when unknown.
    std::optional<size_t> partition_count(int32_t session_id) const;

private:
    struct cached_partition {
        partition_fetch_state fetch;
        partition_response_state last;
        bool sent_once = false;
    };
    struct session {
        int32_t id = 0;
        int32_t next_epoch = 1;
        bool uses_topic_ids = false;
        std::chrono::steady_clock::time_point last_used;
        std::list<cached_partition> order;
        std::map<session_partition_key, std::list<cached_partition>::iterator> by_key;
    };

    bool make_room(size_t new_partitions, std::chrono::steady_clock::time_point now);
    int32_t new_id();
    void erase(int32_t session_id);

    const fetch_session_config _cfg;
    clock_fn _clock;
    mutable std::mutex _mutex;
    std::unordered_map<int32_t, session> _sessions;
    /// Session ids, least recently used first.
    std::list<int32_t> _lru;
    std::unordered_map<int32_t, std::list<int32_t>::iterator> _lru_pos;
    uint64_t _id_state;
};

} // namespace brook::broker

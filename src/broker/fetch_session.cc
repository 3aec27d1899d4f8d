#include "broker/fetch_session.h"

#include <algorithm>
#include <random>

namespace brook::broker {

namespace kafka = protocol::kafka;

fetch_session_cache::fetch_session_cache(fetch_session_config cfg, clock_fn clock)
    : _cfg(cfg), _clock(std::move(clock)), _id_state(std::random_device{}()) {
    if (!_clock) {
        _clock = [] { return std::chrono::steady_clock::now(); };
    }
}

int32_t fetch_session_cache::new_id() {
    // Random ids (as Kafka's) so that a restarted broker does not accept a stale client's id.
    for (;;) {
        _id_state += 0x9e3779b97f4a7c15ULL;
        uint64_t z = _id_state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        auto id = static_cast<int32_t>(z & 0x7fffffff);
        if (id != 0 && !_sessions.contains(id)) {
            return id;
        }
    }
}

void fetch_session_cache::erase(int32_t session_id) {
    auto pos = _lru_pos.find(session_id);
    if (pos != _lru_pos.end()) {
        _lru.erase(pos->second);
        _lru_pos.erase(pos);
    }
    _sessions.erase(session_id);
}

bool fetch_session_cache::make_room(size_t new_partitions, std::chrono::steady_clock::time_point now) {
    if (_sessions.size() < _cfg.max_slots) {
        return true;
    }
    if (_lru.empty()) {
        return false; // max_slots == 0: sessions disabled
    }
    const auto& oldest = _sessions.at(_lru.front());
    if (now - oldest.last_used >= _cfg.eviction_after) {
        erase(oldest.id);
        return true;
    }
    const session* smallest = nullptr;
    for (const auto& [id, s] : _sessions) {
        if (!smallest || s.order.size() < smallest->order.size()) {
            smallest = &s;
        }
    }
    if (smallest && smallest->order.size() < new_partitions) {
        erase(smallest->id);
        return true;
    }
    return false;
}

fetch_session_cache::opened fetch_session_cache::open(int32_t previous, std::vector<partition_fetch_state> partitions,
                                                      bool uses_topic_ids) {
    std::lock_guard lock(_mutex);
    if (previous != 0) {
        erase(previous);
    }
    const auto now = _clock();
    if (!make_room(partitions.size(), now)) {
        return {};
    }
    session s;
    s.id = new_id();
    s.uses_topic_ids = uses_topic_ids;
    s.last_used = now;
    for (auto& p : partitions) {
        if (s.by_key.contains(p.key)) {
            continue;
        }
        auto key = p.key;
        s.order.push_back(cached_partition{std::move(p), {}, false});
        s.by_key.emplace(std::move(key), std::prev(s.order.end()));
    }
    const int32_t id = s.id;
    _sessions.emplace(id, std::move(s));
    _lru.push_back(id);
    _lru_pos[id] = std::prev(_lru.end());
    return {id};
}

void fetch_session_cache::close(int32_t session_id) {
    std::lock_guard lock(_mutex);
    erase(session_id);
}

fetch_session_cache::incremental fetch_session_cache::update(int32_t session_id, int32_t epoch, bool uses_topic_ids,
                                                             std::span<const partition_fetch_state> changed,
                                                             std::span<const session_partition_key> forgotten) {
    std::lock_guard lock(_mutex);
    incremental out;
    auto it = _sessions.find(session_id);
    if (it == _sessions.end()) {
        out.error = kafka::error_code::fetch_session_id_not_found;
        return out;
    }
    auto& s = it->second;
    if (s.next_epoch != epoch) {
        out.error = kafka::error_code::invalid_fetch_session_epoch;
        return out;
    }
    if (s.uses_topic_ids != uses_topic_ids) {
        out.error = kafka::error_code::fetch_session_topic_id_error;
        return out;
    }
    s.next_epoch = epoch == INT32_MAX ? 1 : epoch + 1;
    s.last_used = _clock();
    _lru.splice(_lru.end(), _lru, _lru_pos.at(session_id));
    for (const auto& key : forgotten) {
        auto found = s.by_key.find(key);
        if (found != s.by_key.end()) {
            s.order.erase(found->second);
            s.by_key.erase(found);
        }
    }
    for (const auto& p : changed) {
        auto found = s.by_key.find(p.key);
        if (found != s.by_key.end()) {
            found->second->fetch.fetch_offset = p.fetch_offset;
            found->second->fetch.max_bytes = p.max_bytes;
            continue;
        }
        s.order.push_back(cached_partition{p, {}, false});
        s.by_key.emplace(p.key, std::prev(s.order.end()));
    }
    out.partitions.reserve(s.order.size());
    for (const auto& c : s.order) {
        out.partitions.push_back(c.fetch);
    }
    return out;
}

bool fetch_session_cache::note_response(int32_t session_id, const session_partition_key& key,
                                        const partition_response_state& sent) {
    std::lock_guard lock(_mutex);
    auto it = _sessions.find(session_id);
    if (it == _sessions.end()) {
        return true;
    }
    auto& s = it->second;
    auto found = s.by_key.find(key);
    if (found == s.by_key.end()) {
        return true;
    }
    auto& c = *found->second;
    const bool changed =
        !c.sent_once || sent.has_records || sent.error_code != 0 || sent.high_watermark != c.last.high_watermark ||
        sent.last_stable_offset != c.last.last_stable_offset || sent.log_start_offset != c.last.log_start_offset;
    c.last = sent;
    c.sent_once = true;
    if (sent.has_records) {
        s.order.splice(s.order.end(), s.order, found->second);
    }
    return changed;
}

size_t fetch_session_cache::size() const {
    std::lock_guard lock(_mutex);
    return _sessions.size();
}

std::optional<size_t> fetch_session_cache::partition_count(int32_t session_id) const {
    std::lock_guard lock(_mutex);
    auto it = _sessions.find(session_id);
    if (it == _sessions.end()) {
        return std::nullopt;
    }
    return it->second.order.size();
}

} // namespace brook::broker

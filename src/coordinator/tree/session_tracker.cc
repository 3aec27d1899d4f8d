#include "coordinator/tree/session_tracker.h"

#include <openssl/sha.h>

namespace brook::coordinator::tree {

session_tracker::session_tracker(int64_t server_id, int32_t tick_ms, int64_t now_ms)
    : _tick(tick_ms > 0 ? tick_ms : 1),
      _next(static_cast<int64_t>((static_cast<uint64_t>(now_ms) << 24) >> 8) | (server_id << 56)) {}

int64_t session_tracker::next_id() {
    int64_t id = _next++;
    while (id == 0 || _sessions.contains(id)) {
        id = _next++;
    }
    return id;
}

void session_tracker::add(int64_t id, int32_t timeout_ms, int64_t now_ms) {
    _sessions[id] = session{id, timeout_ms, round_up(now_ms + timeout_ms), false};
}

bool session_tracker::touch(int64_t id, int64_t now_ms) {
    auto it = _sessions.find(id);
    if (it == _sessions.end() || it->second.closing) {
        return false;
    }
    it->second.deadline_ms = round_up(now_ms + it->second.timeout_ms);
    return true;
}

void session_tracker::set_closing(int64_t id) {
    if (auto it = _sessions.find(id); it != _sessions.end()) {
        it->second.closing = true;
    }
}

void session_tracker::remove(int64_t id) {
    _sessions.erase(id);
}

const session* session_tracker::find(int64_t id) const {
    auto it = _sessions.find(id);
    return it == _sessions.end() ? nullptr : &it->second;
}

std::vector<int64_t> session_tracker::expire(int64_t now_ms) {
    std::vector<int64_t> out;
    for (auto& [id, s] : _sessions) {
        if (!s.closing && s.deadline_ms <= now_ms) {
            s.closing = true;
            out.push_back(id);
        }
    }
    return out;
}

bytes session_tracker::password_for(int64_t id) {
    static constexpr uint8_t secret[] = {'b', 'r', 'o', 'o', 'k', 0xb3, 0x41, 0x5c, 0x00};
    uint8_t in[sizeof secret + 8];
    for (size_t i = 0; i < sizeof secret; ++i) {
        in[i] = secret[i];
    }
    for (int i = 0; i < 8; ++i) {
        in[sizeof secret + i] = static_cast<uint8_t>(static_cast<uint64_t>(id) >> (56 - 8 * i));
    }
    uint8_t md[SHA_DIGEST_LENGTH];
    SHA1(in, sizeof in, md);
    return bytes(md, md + 16);
}

} // namespace brook::coordinator::tree

#pragma once
// One znode of the data tree. The Stat fields are stored as ZooKeeper's StatPersisted; dataLength
// and numChildren are derived.
//
// ephemeral_owner encodes the node kind like ZooKeeper's EphemeralType: 0 = persistent, a session id
// = ephemeral, INT64_MIN = container, 0xFF in the top byte = TTL node with the TTL (ms) below it.
#include "brook/common/bytes.h"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace brook::coordinator::tree {

inline constexpr int64_t container_owner = INT64_MIN;
inline constexpr int64_t ttl_marker = static_cast<int64_t>(0xFF00000000000000ULL);
inline constexpr int64_t max_ttl = 0x00FFFFFFFFFFFFFFLL;

inline constexpr bool is_container(int64_t owner) noexcept {
    return owner == container_owner;
}
inline constexpr bool is_ttl(int64_t owner) noexcept {
    return owner != container_owner && (owner & ttl_marker) == ttl_marker;
}
inline constexpr int64_t ttl_of(int64_t owner) noexcept {
    return owner & max_ttl;
}
/// True if `owner` is a real session (an ephemeral node).
inline constexpr bool is_session_owner(int64_t owner) noexcept {
    return owner != 0 && !is_container(owner) && !is_ttl(owner);
}

/// The names of a znode's children, sorted. Most znodes are leaves, so the set is allocated only
/// when the first child arrives: an empty child_set is one pointer instead of a std::set's 48
/// bytes, which is most of the difference per znode against ZooKeeper's memory use.
class child_set {
public:
    using set = std::set<std::string, std::less<>>;

    child_set() = default;
    child_set(const child_set& o) : _set(o._set ? std::make_unique<set>(*o._set) : nullptr) {}
    child_set& operator=(const child_set& o) {
        _set = o._set ? std::make_unique<set>(*o._set) : nullptr;
        return *this;
    }
    child_set(child_set&&) noexcept = default;
    child_set& operator=(child_set&&) noexcept = default;

    size_t size() const noexcept { return _set ? _set->size() : 0; }
    bool empty() const noexcept { return !_set || _set->empty(); }
    void emplace(std::string_view name) {
        if (!_set) {
            _set = std::make_unique<set>();
        }
        _set->emplace(name);
    }
    void erase(std::string_view name) {
        if (_set) {
            if (auto it = _set->find(name); it != _set->end()) {
                _set->erase(it);
            }
            if (_set->empty()) {
                _set.reset();
            }
        }
    }
    void clear() noexcept { _set.reset(); }
    set::const_iterator begin() const noexcept { return _set ? _set->cbegin() : empty_set().cbegin(); }
    set::const_iterator end() const noexcept { return _set ? _set->cend() : empty_set().cend(); }
    set::const_reverse_iterator rbegin() const noexcept { return _set ? _set->crbegin() : empty_set().crbegin(); }
    set::const_reverse_iterator rend() const noexcept { return _set ? _set->crend() : empty_set().crend(); }

private:
    static const set& empty_set() noexcept {
        static const set none;
        return none;
    }
    std::unique_ptr<set> _set;
};

struct znode {
    bytes data;
    uint32_t acl = 0; // index into the tree's acl_table
    int32_t version = 0;
    int32_t cversion = 0;
    int32_t aversion = 0;
    int64_t czxid = 0;
    int64_t mzxid = 0;
    int64_t pzxid = 0;
    int64_t ctime = 0;
    int64_t mtime = 0;
    int64_t ephemeral_owner = 0;
    child_set children;
};

} // namespace brook::coordinator::tree

#include "broker/group/records.h"

#include <cstring>

namespace brook::broker::group {

namespace {

constexpr int16_t offset_key_version = 1;
constexpr int16_t group_key_version = 2;

class out_buf {
public:
    void i16(int16_t v) { be(static_cast<uint16_t>(v), 2); }
    void i32(int32_t v) { be(static_cast<uint32_t>(v), 4); }
    void i64(int64_t v) { be(static_cast<uint64_t>(v), 8); }
    void str(std::string_view s) {
        i16(static_cast<int16_t>(s.size()));
        _b.insert(_b.end(), s.begin(), s.end());
    }
    void nullable(const std::optional<std::string>& s) {
        if (!s) {
            i16(-1);
        } else {
            str(*s);
        }
    }
    void blob(const bytes& v) {
        i32(static_cast<int32_t>(v.size()));
        _b.insert(_b.end(), v.begin(), v.end());
    }
    bytes take() { return std::move(_b); }

private:
    void be(uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) {
            _b.push_back(static_cast<uint8_t>(v >> (8 * i)));
        }
    }
    bytes _b;
};

class in_buf {
public:
    explicit in_buf(bytes_view v) : _v(v) {}
    bool ok() const { return _ok; }
    bool at_end() const { return _pos == _v.size(); }
    int16_t i16() { return static_cast<int16_t>(be(2)); }
    int32_t i32() { return static_cast<int32_t>(be(4)); }
    int64_t i64() { return static_cast<int64_t>(be(8)); }
    std::optional<std::string> nullable() {
        const int16_t n = i16();
        if (n < 0 || !_ok) {
            return std::nullopt;
        }
        if (!need(static_cast<size_t>(n))) {
            return std::nullopt;
        }
        std::string s(reinterpret_cast<const char*>(_v.data() + _pos), static_cast<size_t>(n));
        _pos += static_cast<size_t>(n);
        return s;
    }
    std::string str() {
        auto s = nullable();
        return s ? *s : std::string();
    }
    bytes blob() {
        const int32_t n = i32();
        if (n < 0 || !_ok || !need(static_cast<size_t>(n))) {
            return {};
        }
        bytes b(_v.begin() + static_cast<std::ptrdiff_t>(_pos), _v.begin() + static_cast<std::ptrdiff_t>(_pos + n));
        _pos += static_cast<size_t>(n);
        return b;
    }

private:
    bool need(size_t n) {
        if (_v.size() - _pos < n) {
            _ok = false;
        }
        return _ok;
    }
    uint64_t be(size_t n) {
        if (!need(n)) {
            return 0;
        }
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) {
            v = (v << 8) | _v[_pos + i];
        }
        _pos += n;
        return v;
    }
    bytes_view _v;
    size_t _pos = 0;
    bool _ok = true;
};

} // namespace

bytes encode_offset_key(const offset_key& k) {
    out_buf o;
    o.i16(offset_key_version);
    o.str(k.group);
    o.str(k.topic);
    o.i32(k.partition);
    return o.take();
}

bytes encode_group_key(const group_key& k) {
    out_buf o;
    o.i16(group_key_version);
    o.str(k.group);
    return o.take();
}

bytes encode_offset_value(const committed_offset& v) {
    out_buf o;
    if (v.expire_timestamp >= 0) {
        o.i16(1);
        o.i64(v.offset);
        o.str(v.metadata);
        o.i64(v.commit_timestamp);
        o.i64(v.expire_timestamp);
    } else {
        o.i16(3);
        o.i64(v.offset);
        o.i32(v.leader_epoch);
        o.str(v.metadata);
        o.i64(v.commit_timestamp);
    }
    return o.take();
}

bytes encode_group_value(const group_snapshot& g) {
    out_buf o;
    o.i16(3);
    o.str(g.protocol_type);
    o.i32(g.generation);
    o.nullable(g.protocol_name);
    o.nullable(g.leader);
    o.i64(g.state_timestamp);
    o.i32(static_cast<int32_t>(g.members.size()));
    for (const auto& m : g.members) {
        o.str(m.member_id);
        o.nullable(m.group_instance_id);
        o.str(m.client_id);
        o.str(m.client_host);
        o.i32(m.rebalance_timeout_ms);
        o.i32(m.session_timeout_ms);
        o.blob(m.subscription);
        o.blob(m.assignment);
    }
    return o.take();
}

std::optional<std::variant<offset_key, group_key>> decode_key(bytes_view key) {
    in_buf in(key);
    const int16_t version = in.i16();
    if (version == 0 || version == 1) {
        offset_key k;
        k.group = in.str();
        k.topic = in.str();
        k.partition = in.i32();
        if (!in.ok()) {
            return std::nullopt;
        }
        return k;
    }
    if (version == 2) {
        group_key k;
        k.group = in.str();
        if (!in.ok()) {
            return std::nullopt;
        }
        return k;
    }
    return std::nullopt;
}

std::optional<committed_offset> decode_offset_value(bytes_view value) {
    in_buf in(value);
    committed_offset v;
    const int16_t version = in.i16();
    if (version < 0 || version > 3) {
        return std::nullopt;
    }
    v.offset = in.i64();
    if (version == 3) {
        v.leader_epoch = in.i32();
    }
    v.metadata = in.str();
    v.commit_timestamp = in.i64();
    if (version == 1) {
        v.expire_timestamp = in.i64();
    }
    if (!in.ok()) {
        return std::nullopt;
    }
    return v;
}

std::optional<group_snapshot> decode_group_value(bytes_view value) {
    in_buf in(value);
    group_snapshot g;
    const int16_t version = in.i16();
    if (version < 0 || version > 3) {
        return std::nullopt;
    }
    g.protocol_type = in.str();
    g.generation = in.i32();
    g.protocol_name = in.nullable();
    g.leader = in.nullable();
    if (version >= 2) {
        g.state_timestamp = in.i64();
    }
    const int32_t count = in.i32();
    for (int32_t i = 0; i < count && in.ok(); ++i) {
        group_snapshot::member m;
        m.member_id = in.str();
        if (version >= 3) {
            m.group_instance_id = in.nullable();
        }
        m.client_id = in.str();
        m.client_host = in.str();
        if (version >= 1) {
            m.rebalance_timeout_ms = in.i32();
        }
        m.session_timeout_ms = in.i32();
        if (version == 0) {
            m.rebalance_timeout_ms = m.session_timeout_ms;
        }
        m.subscription = in.blob();
        m.assignment = in.blob();
        g.members.push_back(std::move(m));
    }
    if (!in.ok()) {
        return std::nullopt;
    }
    return g;
}

int32_t java_string_hash(std::string_view s) noexcept {
    uint32_t h = 0;
    auto add = [&h](uint32_t unit) { h = h * 31 + unit; };
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<uint8_t>(s[i]);
        uint32_t cp = c;
        size_t len = 1;
        if (c >= 0xF0) {
            len = 4;
            cp = c & 0x07u;
        } else if (c >= 0xE0) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xC0) {
            len = 2;
            cp = c & 0x1Fu;
        }
        if (i + len > s.size()) {
            len = 1;
            cp = c; // malformed tail: hash the byte as Latin-1
        } else {
            for (size_t k = 1; k < len; ++k) {
                cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3Fu);
            }
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            add(0xD800 + (cp >> 10));
            add(0xDC00 + (cp & 0x3FF));
        } else {
            add(cp);
        }
        i += len;
    }
    return static_cast<int32_t>(h);
}

int32_t partition_for(std::string_view group_id, int32_t partitions) noexcept {
    const int32_t h = java_string_hash(group_id);
    const int32_t a = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
    return partitions <= 0 ? 0 : a % partitions;
}

} // namespace brook::broker::group

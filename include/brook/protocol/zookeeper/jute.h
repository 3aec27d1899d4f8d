#pragma once
// Jute, ZooKeeper's binary serialization: big-endian; int = 4 bytes, long = 8 bytes, boolean = 1 byte;
// ustring and buffer = int32 length then bytes (-1 = null, decoded as empty); vector<T> = int32 count
// (-1 = null, decoded as empty) then the elements; a record = its fields in order, no framing.
//
// A record is a struct with a static `jute_fields(self)` returning `std::tie` of its fields in wire
// order. That one list drives both `encode` and `decode` below, so they cannot disagree.
//
// Decoding never allocates from an unchecked length: every length and count is checked against the
// bytes left in the packet first.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/zookeeper/errc.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace brook::protocol::zookeeper {

/// Appends jute primitives to a byte vector. The vector must outlive the writer.
class jute_writer {
public:
    explicit jute_writer(bytes& out) noexcept : _out(&out) {}

    void write_int32(int32_t v);
    void write_int64(int64_t v);
    void write_bool(bool v);
    void write_string(std::string_view s);
    void write_buffer(bytes_view b);
    /// Writes a -1 length (null string, buffer or vector).
    void write_null();

    size_t size() const noexcept { return _out->size(); }
    /// Overwrites 4 bytes at `pos` (a length prefix reserved earlier). REQUIRES: pos + 4 <= size().
    void patch_int32(size_t pos, int32_t v);

private:
    bytes* _out;
};

/// Reads jute primitives from a borrowed packet; the bytes must outlive the reader.
class jute_reader {
public:
    explicit jute_reader(bytes_view in) noexcept : _in(in) {}

    result<int32_t> read_int32();
    result<int64_t> read_int64();
    result<bool> read_bool();
    result<std::string> read_string();
    result<bytes> read_buffer();
    /// A vector count, -1 read as 0. Fails unless count <= remaining() / min_element_size.
    result<size_t> read_count(size_t min_element_size);

    size_t remaining() const noexcept { return _in.size() - _pos; }
    size_t position() const noexcept { return _pos; }
    bool at_end() const noexcept { return _pos == _in.size(); }

private:
    result<size_t> read_length();

    bytes_view _in;
    size_t _pos = 0;
};

template<class T>
concept jute_record = requires(T& t) {
    T::jute_fields(t);
};

namespace detail {

inline void put(jute_writer& w, int32_t v) {
    w.write_int32(v);
}
inline void put(jute_writer& w, int64_t v) {
    w.write_int64(v);
}
inline void put(jute_writer& w, bool v) {
    w.write_bool(v);
}
inline void put(jute_writer& w, const std::string& v) {
    w.write_string(v);
}
inline void put(jute_writer& w, const bytes& v) {
    w.write_buffer(v);
}
template<jute_record R>
void put(jute_writer& w, const R& r);
template<class T>
void put(jute_writer& w, const std::vector<T>& v) {
    w.write_int32(static_cast<int32_t>(v.size()));
    for (const auto& e : v) {
        put(w, e);
    }
}
template<jute_record R>
void put(jute_writer& w, const R& r) {
    std::apply([&w](const auto&... f) { (put(w, f), ...); }, R::jute_fields(r));
}

// Smallest encoding of one element, to bound vector counts by the bytes left.
template<class T>
constexpr size_t min_size() {
    if constexpr (std::is_same_v<T, bool>) {
        return 1;
    } else if constexpr (std::is_same_v<T, int64_t>) {
        return 8;
    } else {
        return 4; // int32, string, buffer, vector, and every record here starts with at least 4 bytes
    }
}

std::error_code get(jute_reader& r, int32_t& v);
std::error_code get(jute_reader& r, int64_t& v);
std::error_code get(jute_reader& r, bool& v);
std::error_code get(jute_reader& r, std::string& v);
std::error_code get(jute_reader& r, bytes& v);
template<jute_record R>
std::error_code get(jute_reader& r, R& rec);
template<class T>
std::error_code get(jute_reader& r, std::vector<T>& v) {
    auto n = r.read_count(min_size<T>());
    if (!n) {
        return n.error();
    }
    v.clear();
    v.reserve(n.value());
    for (size_t i = 0; i < n.value(); ++i) {
        auto ec = get(r, v.emplace_back());
        if (ec) {
            return ec;
        }
    }
    return {};
}
template<jute_record R>
std::error_code get(jute_reader& r, R& rec) {
    std::error_code ec;
    std::apply([&](auto&... f) { static_cast<void>(((ec = get(r, f)) || ...)); }, R::jute_fields(rec));
    return ec;
}

} // namespace detail

/// Appends the jute encoding of `rec`.
template<jute_record R>
void encode(jute_writer& w, const R& rec) {
    detail::put(w, rec);
}

/// Encodes `rec` into a fresh byte vector.
template<jute_record R>
bytes encode(const R& rec) {
    bytes out;
    jute_writer w(out);
    encode(w, rec);
    return out;
}

/// Reads one record. Trailing bytes are left in the reader (ZooKeeper ignores them too).
template<jute_record R>
result<R> decode(jute_reader& r) {
    R rec{};
    if (auto ec = detail::get(r, rec)) {
        return ec;
    }
    return rec;
}

template<jute_record R>
result<R> decode(bytes_view in) {
    jute_reader r(in);
    return decode<R>(r);
}

} // namespace brook::protocol::zookeeper

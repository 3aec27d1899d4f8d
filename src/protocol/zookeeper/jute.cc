#include "brook/protocol/zookeeper/jute.h"

#include <cstring>

namespace brook::protocol::zookeeper {

void jute_writer::write_int32(int32_t v) {
    auto u = static_cast<uint32_t>(v);
    uint8_t b[4] = {uint8_t(u >> 24), uint8_t(u >> 16), uint8_t(u >> 8), uint8_t(u)};
    _out->insert(_out->end(), b, b + 4);
}

void jute_writer::write_int64(int64_t v) {
    auto u = static_cast<uint64_t>(v);
    write_int32(static_cast<int32_t>(u >> 32));
    write_int32(static_cast<int32_t>(u & 0xffffffffu));
}

void jute_writer::write_bool(bool v) {
    _out->push_back(v ? 1 : 0);
}

void jute_writer::write_string(std::string_view s) {
    write_buffer(as_bytes(s));
}

void jute_writer::write_buffer(bytes_view b) {
    write_int32(static_cast<int32_t>(b.size()));
    _out->insert(_out->end(), b.begin(), b.end());
}

void jute_writer::write_null() {
    write_int32(-1);
}

void jute_writer::patch_int32(size_t pos, int32_t v) {
    auto u = static_cast<uint32_t>(v);
    (*_out)[pos] = uint8_t(u >> 24);
    (*_out)[pos + 1] = uint8_t(u >> 16);
    (*_out)[pos + 2] = uint8_t(u >> 8);
    (*_out)[pos + 3] = uint8_t(u);
}

result<int32_t> jute_reader::read_int32() {
    if (remaining() < 4) {
        return errc::truncated;
    }
    const uint8_t* p = _in.data() + _pos;
    _pos += 4;
    return static_cast<int32_t>((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) |
                                uint32_t(p[3]));
}

result<int64_t> jute_reader::read_int64() {
    if (remaining() < 8) {
        return errc::truncated;
    }
    auto hi = static_cast<uint32_t>(read_int32().value());
    auto lo = static_cast<uint32_t>(read_int32().value());
    return static_cast<int64_t>((uint64_t(hi) << 32) | lo);
}

result<bool> jute_reader::read_bool() {
    if (remaining() < 1) {
        return errc::truncated;
    }
    return _in[_pos++] != 0;
}

result<size_t> jute_reader::read_length() {
    BOOST_OUTCOME_TRY(auto n, read_int32());
    if (n == -1) {
        return size_t{0};
    }
    if (n < -1 || static_cast<size_t>(n) > remaining()) {
        return errc::bad_length;
    }
    return static_cast<size_t>(n);
}

result<std::string> jute_reader::read_string() {
    BOOST_OUTCOME_TRY(auto n, read_length());
    std::string s(reinterpret_cast<const char*>(_in.data() + _pos), n);
    _pos += n;
    return s;
}

result<bytes> jute_reader::read_buffer() {
    BOOST_OUTCOME_TRY(auto n, read_length());
    bytes b(_in.begin() + static_cast<ptrdiff_t>(_pos), _in.begin() + static_cast<ptrdiff_t>(_pos + n));
    _pos += n;
    return b;
}

result<size_t> jute_reader::read_count(size_t min_element_size) {
    BOOST_OUTCOME_TRY(auto n, read_int32());
    if (n == -1) {
        return size_t{0};
    }
    if (n < -1 || static_cast<size_t>(n) > remaining() / (min_element_size == 0 ? 1 : min_element_size)) {
        return errc::bad_length;
    }
    return static_cast<size_t>(n);
}

namespace detail {

namespace {
template<class T>
std::error_code assign(result<T>&& r, T& out) {
    if (!r) {
        return r.error();
    }
    out = std::move(r).value();
    return {};
}
} // namespace

std::error_code get(jute_reader& r, int32_t& v) {
    return assign(r.read_int32(), v);
}
std::error_code get(jute_reader& r, int64_t& v) {
    return assign(r.read_int64(), v);
}
std::error_code get(jute_reader& r, bool& v) {
    return assign(r.read_bool(), v);
}
std::error_code get(jute_reader& r, std::string& v) {
    return assign(r.read_string(), v);
}
std::error_code get(jute_reader& r, bytes& v) {
    return assign(r.read_buffer(), v);
}

} // namespace detail

} // namespace brook::protocol::zookeeper

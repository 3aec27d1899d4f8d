#include "brook/protocol/kafka/wire.h"

#include <bit>
#include <cstring>

namespace brook::protocol::kafka {

// ---- writer ----

void writer::write_be(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
        _out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
}

void writer::write_float64(double v) {
    write_be(std::bit_cast<uint64_t>(v), 8);
}

void writer::write_uvarint(uint32_t v) {
    write_uvarlong(v);
}

void writer::write_uvarlong(uint64_t v) {
    while (v >= 0x80) {
        _out.push_back(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    _out.push_back(static_cast<uint8_t>(v));
}

void writer::write_varint(int32_t v) {
    write_uvarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

void writer::write_varlong(int64_t v) {
    write_uvarlong((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void writer::write_string(std::string_view s, bool flexible) {
    if (flexible) {
        write_uvarint(static_cast<uint32_t>(s.size() + 1));
    } else {
        write_int16(static_cast<int16_t>(s.size()));
    }
    write_raw(as_bytes(s));
}

void writer::write_string(const std::optional<std::string>& s, bool nullable, bool flexible) {
    if (s) {
        write_string(*s, flexible);
    } else if (!nullable) {
        write_string(std::string_view(), flexible);
    } else if (flexible) {
        write_uvarint(0);
    } else {
        write_int16(-1);
    }
}

void writer::write_bytes(bytes_view b, bool flexible) {
    if (flexible) {
        write_uvarint(static_cast<uint32_t>(b.size() + 1));
    } else {
        write_int32(static_cast<int32_t>(b.size()));
    }
    write_raw(b);
}

void writer::write_bytes(const std::optional<bytes>& b, bool nullable, bool flexible) {
    if (b) {
        write_bytes(*b, flexible);
    } else if (!nullable) {
        write_bytes(bytes_view(), flexible);
    } else if (flexible) {
        write_uvarint(0);
    } else {
        write_int32(-1);
    }
}

void writer::write_array_length(std::optional<size_t> count, bool nullable, bool flexible) {
    if (!count && nullable) {
        if (flexible) {
            write_uvarint(0);
        } else {
            write_int32(-1);
        }
        return;
    }
    size_t n = count.value_or(0);
    if (flexible) {
        write_uvarint(static_cast<uint32_t>(n + 1));
    } else {
        write_int32(static_cast<int32_t>(n));
    }
}

void writer::write_unknown_tags(const tagged_fields& tags, size_t& next, uint64_t below) {
    while (next < tags.size() && tags[next].tag < below) {
        const auto& t = tags[next++];
        write_uvarint(t.tag);
        write_uvarint(static_cast<uint32_t>(t.data.size()));
        write_raw(t.data);
    }
}

// ---- sizes ----

size_t uvarint_size(uint64_t v) noexcept {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

size_t varint_size(int32_t v) noexcept {
    return uvarint_size((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

size_t varlong_size(int64_t v) noexcept {
    return uvarint_size((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

size_t string_size(std::string_view s, bool flexible) noexcept {
    return (flexible ? uvarint_size(s.size() + 1) : 2) + s.size();
}

size_t string_size(const std::optional<std::string>& s, bool nullable, bool flexible) noexcept {
    if (s) {
        return string_size(*s, flexible);
    }
    return nullable && flexible ? 1 : string_size(std::string_view(), flexible);
}

size_t bytes_size(bytes_view b, bool flexible) noexcept {
    return (flexible ? uvarint_size(b.size() + 1) : 4) + b.size();
}

size_t bytes_size(const std::optional<bytes>& b, bool nullable, bool flexible) noexcept {
    if (b) {
        return bytes_size(*b, flexible);
    }
    return nullable && flexible ? 1 : bytes_size(bytes_view(), flexible);
}

size_t array_length_size(std::optional<size_t> count, bool nullable, bool flexible) noexcept {
    if (!flexible) {
        return 4;
    }
    if (!count && nullable) {
        return 1;
    }
    return uvarint_size(count.value_or(0) + 1);
}

size_t unknown_tags_size(const tagged_fields& tags) noexcept {
    size_t n = 0;
    for (const auto& t : tags) {
        n += uvarint_size(t.tag) + uvarint_size(t.data.size()) + t.data.size();
    }
    return n;
}

// ---- reader ----

void reader::fail(decode_errc e, const char* field) {
    if (!_error) {
        _error = make_error_code(e);
        _error_field = field;
    }
}

void reader::merge_error(const reader& sub) {
    if (!sub.ok() && ok()) {
        _error = sub._error;
        _error_field = sub._error_field;
    }
}

bool reader::need(size_t n, const char* field) {
    if (_error) {
        return false;
    }
    if (remaining() < n) {
        fail(decode_errc::truncated, field);
        return false;
    }
    return true;
}

uint64_t reader::read_be(int width, const char* field) {
    if (!need(static_cast<size_t>(width), field)) {
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
        v = (v << 8) | _in[_pos++];
    }
    return v;
}

int8_t reader::read_int8(const char* field) {
    return static_cast<int8_t>(read_be(1, field));
}

double reader::read_float64(const char* field) {
    return std::bit_cast<double>(read_be(8, field));
}

uuid reader::read_uuid(const char* field) {
    uuid u{};
    if (need(u.size(), field)) {
        std::memcpy(u.data(), _in.data() + _pos, u.size());
        _pos += u.size();
    }
    return u;
}

uint64_t reader::read_uvarlong(const char* field) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (!need(1, field)) {
            return 0;
        }
        uint8_t b = _in[_pos++];
        if (shift == 63 && b > 1) {
            break;
        }
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            return v;
        }
    }
    fail(decode_errc::invalid_varint, field);
    return 0;
}

uint32_t reader::read_uvarint(const char* field) {
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (!need(1, field)) {
            return 0;
        }
        uint8_t b = _in[_pos++];
        if (shift == 28 && b > 0x0f) {
            break;
        }
        v |= static_cast<uint32_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            return v;
        }
    }
    fail(decode_errc::invalid_varint, field);
    return 0;
}

int32_t reader::read_varint(const char* field) {
    uint32_t u = read_uvarint(field);
    return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t reader::read_varlong(const char* field) {
    uint64_t u = read_uvarlong(field);
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t reader::read_length(const char* field, bool flexible, int width) {
    if (flexible) {
        return static_cast<int64_t>(read_uvarint(field)) - 1;
    }
    if (width == 2) {
        return read_int16(field);
    }
    return read_int32(field);
}

std::string reader::read_string(const char* field, bool flexible) {
    auto s = read_nullable_string(field, false, flexible);
    return s ? std::move(*s) : std::string();
}

std::optional<std::string> reader::read_nullable_string(const char* field, bool nullable, bool flexible) {
    int64_t n = read_length(field, flexible, 2);
    if (!ok()) {
        return std::string();
    }
    if (n < 0) {
        if (n == -1 && nullable) {
            return std::nullopt;
        }
        fail(n == -1 ? decode_errc::unexpected_null : decode_errc::invalid_length, field);
        return std::string();
    }
    if (!need(static_cast<size_t>(n), field)) {
        return std::string();
    }
    std::string s(reinterpret_cast<const char*>(_in.data() + _pos), static_cast<size_t>(n));
    _pos += static_cast<size_t>(n);
    return s;
}

bytes reader::read_bytes(const char* field, bool flexible) {
    auto b = read_nullable_bytes(field, false, flexible);
    return b ? std::move(*b) : bytes();
}

std::optional<bytes> reader::read_nullable_bytes(const char* field, bool nullable, bool flexible) {
    int64_t n = read_length(field, flexible, 4);
    if (!ok()) {
        return bytes();
    }
    if (n < 0) {
        if (n == -1 && nullable) {
            return std::nullopt;
        }
        fail(n == -1 ? decode_errc::unexpected_null : decode_errc::invalid_length, field);
        return bytes();
    }
    return read_raw(static_cast<size_t>(n), field);
}

bytes reader::read_raw(size_t n, const char* field) {
    if (!need(n, field)) {
        return bytes();
    }
    bytes b(_in.begin() + static_cast<std::ptrdiff_t>(_pos), _in.begin() + static_cast<std::ptrdiff_t>(_pos + n));
    _pos += n;
    return b;
}

int32_t reader::read_array_length(const char* field, bool nullable, bool flexible, size_t min_element_size) {
    int64_t n = read_length(field, flexible, 4);
    if (!ok()) {
        return 0;
    }
    if (n < 0) {
        if (n == -1 && nullable) {
            return -1;
        }
        fail(n == -1 ? decode_errc::unexpected_null : decode_errc::invalid_length, field);
        return 0;
    }
    if (static_cast<uint64_t>(n) * (min_element_size == 0 ? 1 : min_element_size) > remaining()) {
        fail(decode_errc::length_exceeds_input, field);
        return 0;
    }
    return static_cast<int32_t>(n);
}

uint32_t reader::read_tag_count(const char* field) {
    uint32_t n = read_uvarint(field);
    if (ok() && static_cast<uint64_t>(n) * 2 > remaining()) {
        fail(decode_errc::length_exceeds_input, field);
        return 0;
    }
    return n;
}

reader reader::sub_reader(size_t n, const char* field) {
    if (!need(n, field)) {
        return reader(bytes_view());
    }
    reader sub(_in.subspan(_pos, n));
    _pos += n;
    return sub;
}

} // namespace brook::protocol::kafka

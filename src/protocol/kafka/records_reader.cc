#include "brook/protocol/kafka/record.h"
#include "protocol/kafka/records_wire.h"

namespace brook::protocol::kafka {

using namespace records_wire;

namespace {

// Framing-only walk used by validate_records: the same checks as record_reader::next() without
// building views, because batch validation on produce is the broker's hottest per-byte path.

// Skips a varint of at most `max_bytes` bytes; false when truncated or too long.
inline bool skip_varint(const uint8_t** p, const uint8_t* end, int max_bytes) noexcept {
    const uint8_t* q = *p;
    const uint8_t* limit = end - q > max_bytes ? q + max_bytes : end;
    while (q < limit) {
        if ((*q++ & 0x80U) == 0) {
            *p = q;
            return true;
        }
    }
    return false;
}

// Decodes a zig-zag varint32 with an inline path for one and two bytes (lengths under 8 KiB).
inline bool fast_varint(const uint8_t** p, const uint8_t* end, int32_t* out) noexcept {
    const uint8_t* q = *p;
    uint32_t u;
    if (end - q >= 2 && (q[0] & 0x80U) == 0) {
        u = q[0];
        *p = q + 1;
    } else if (end - q >= 2 && (q[1] & 0x80U) == 0) {
        u = (q[0] & 0x7FU) | (uint32_t{q[1]} << 7);
        *p = q + 2;
    } else {
        auto v = read_varint(p, end);
        if (!v) {
            return false;
        }
        *out = *v;
        return true;
    }
    *out = static_cast<int32_t>((u >> 1) ^ (~(u & 1U) + 1U));
    return true;
}

// Skips a nullable length-prefixed field; `allow_null` false for header keys.
inline bool skip_field(const uint8_t** p, const uint8_t* end, bool allow_null) noexcept {
    int32_t len;
    if (!fast_varint(p, end, &len) || len < (allow_null ? -1 : 0)) {
        return false;
    }
    if (len > 0) {
        if (end - *p < len) {
            return false;
        }
        *p += len;
    }
    return true;
}

} // namespace

namespace {

// Reads a varint length for a nullable field (key or value): -1 = null, else that many bytes.
// Returns false when malformed or out of bounds.
bool read_nullable(const uint8_t** p, const uint8_t* end, std::optional<bytes_view>* out) noexcept {
    int32_t len;
    if (!fast_varint(p, end, &len) || len < -1) {
        return false;
    }
    if (len == -1) {
        *out = std::nullopt;
        return true;
    }
    if (end - *p < len) {
        return false;
    }
    *out = bytes_view(*p, static_cast<size_t>(len));
    *p += len;
    return true;
}

// Skips (and checks) `count` headers in [*p, end).
bool skip_headers(const uint8_t** p, const uint8_t* end, int32_t count) noexcept {
    for (int32_t i = 0; i < count; ++i) {
        std::optional<bytes_view> key;
        std::optional<bytes_view> value;
        if (!read_nullable(p, end, &key) || !key || !read_nullable(p, end, &value)) {
            return false;
        }
    }
    return true;
}

} // namespace

result<record_view> record_reader::next() noexcept {
    if (_remaining <= 0) {
        return record_errc::bad_records_count;
    }
    if (_pos == _end) {
        return record_errc::bad_records_count; // fewer records than recordsCount
    }
    const uint8_t* start = _pos;
    const uint8_t* p = _pos;
    int32_t length;
    if (!fast_varint(&p, _end, &length) || length < 0 || _end - p < length) {
        return record_errc::bad_record_length;
    }
    const uint8_t* rec_end = p + length;
    record_view r;
    if (p == rec_end) {
        return record_errc::bad_record_field;
    }
    r.attributes = static_cast<int8_t>(*p++);
    auto ts = read_varlong(&p, rec_end);
    if (!ts) {
        return record_errc::bad_record_field;
    }
    r.timestamp_delta = *ts;
    auto od = read_varint(&p, rec_end);
    if (!od) {
        return record_errc::bad_record_field;
    }
    r.offset_delta = *od;
    if (!read_nullable(&p, rec_end, &r.key)) {
        return record_errc::bad_record_key;
    }
    if (!read_nullable(&p, rec_end, &r.value)) {
        return record_errc::bad_record_value;
    }
    auto hc = read_varint(&p, rec_end);
    // Each header takes at least two bytes, which bounds the count by the bytes left.
    if (!hc || *hc < 0 || static_cast<size_t>(*hc) > static_cast<size_t>(rec_end - p) / 2) {
        return record_errc::bad_record_headers;
    }
    r.header_count = *hc;
    const uint8_t* headers_start = p;
    if (!skip_headers(&p, rec_end, *hc)) {
        return record_errc::bad_record_headers;
    }
    if (p != rec_end) {
        return record_errc::record_length_mismatch;
    }
    r.headers_encoded = bytes_view(headers_start, static_cast<size_t>(p - headers_start));
    r.size_bytes = static_cast<size_t>(rec_end - start);
    _pos = rec_end;
    --_remaining;
    return r;
}

result<void> record_reader::finish() const noexcept {
    if (_pos != _end) {
        return record_errc::trailing_bytes;
    }
    return success();
}

std::vector<record_header_view> record_view::headers() const {
    std::vector<record_header_view> out;
    out.reserve(static_cast<size_t>(header_count));
    const uint8_t* p = headers_encoded.data();
    const uint8_t* end = p + headers_encoded.size();
    for (int32_t i = 0; i < header_count; ++i) {
        std::optional<bytes_view> key;
        std::optional<bytes_view> value;
        if (!read_nullable(&p, end, &key) || !key || !read_nullable(&p, end, &value)) {
            break; // Not reachable for views produced by record_reader, which validated them.
        }
        out.push_back({as_string_view(*key), value});
    }
    return out;
}

result<void> validate_records(bytes_view payload, int32_t expected_count) noexcept {
    if (expected_count < 0) {
        return record_errc::bad_records_count;
    }
    const uint8_t* p = payload.data();
    const uint8_t* const end = p + payload.size();
    for (int32_t i = 0; i < expected_count; ++i) {
        if (p == end) {
            return record_errc::bad_records_count;
        }
        int32_t length;
        if (!fast_varint(&p, end, &length) || length < 0 || end - p < length) {
            return record_errc::bad_record_length;
        }
        const uint8_t* rec_end = p + length;
        if (p == rec_end) {
            return record_errc::bad_record_field;
        }
        ++p; // attributes
        if (!skip_varint(&p, rec_end, 10) || !skip_varint(&p, rec_end, 5)) {
            return record_errc::bad_record_field;
        }
        if (!skip_field(&p, rec_end, true)) {
            return record_errc::bad_record_key;
        }
        if (!skip_field(&p, rec_end, true)) {
            return record_errc::bad_record_value;
        }
        int32_t headers;
        if (!fast_varint(&p, rec_end, &headers) || headers < 0) {
            return record_errc::bad_record_headers;
        }
        for (int32_t h = 0; h < headers; ++h) {
            if (!skip_field(&p, rec_end, false) || !skip_field(&p, rec_end, true)) {
                return record_errc::bad_record_headers;
            }
        }
        if (p != rec_end) {
            return record_errc::record_length_mismatch;
        }
    }
    if (p != end) {
        return record_errc::trailing_bytes;
    }
    return success();
}

result<control_record> parse_control_record(const record_view& r) noexcept {
    if (!r.key || r.key->size() < 4 || !r.value || r.value->size() < 6) {
        return record_errc::bad_control_record;
    }
    control_record c;
    c.key_version = static_cast<int16_t>(load_be16(r.key->data()));
    const auto type = static_cast<int16_t>(load_be16(r.key->data() + 2));
    if (c.key_version < 0 || (type != 0 && type != 1)) {
        return record_errc::bad_control_record;
    }
    c.type = static_cast<control_record_type>(type);
    c.value_version = static_cast<int16_t>(load_be16(r.value->data()));
    c.coordinator_epoch = static_cast<int32_t>(load_be32(r.value->data() + 2));
    return c;
}

bytes control_record_key(control_record_type type) {
    bytes b(4);
    store_be16(b.data(), 0);
    store_be16(b.data() + 2, static_cast<uint16_t>(type));
    return b;
}

bytes control_record_value(int32_t coordinator_epoch) {
    bytes b(6);
    store_be16(b.data(), 0);
    store_be32(b.data() + 2, static_cast<uint32_t>(coordinator_epoch));
    return b;
}

} // namespace brook::protocol::kafka

#include "batch_format.h"

#include "brook/log/errc.h"
#include "brook/protocol/kafka/record_batch.h"

namespace brook::log {

namespace pk = protocol::kafka;

result<batch_header> parse_batch_header(bytes_view d) noexcept {
    auto r = pk::parse_record_batch_header_prefix(d);
    if (!r) {
        return errc::corrupt_batch;
    }
    const auto& p = r.value();
    if (p.base_offset < 0 || p.last_offset_delta < 0 || p.records_count < 0) {
        return errc::corrupt_batch;
    }
    batch_header h;
    h.base_offset = offset(p.base_offset);
    h.batch_length = p.batch_length;
    h.epoch = leader_epoch(p.partition_leader_epoch);
    h.magic = p.magic;
    h.crc = p.crc;
    h.attributes = p.attributes;
    h.last_offset_delta = p.last_offset_delta;
    h.base_timestamp = p.base_timestamp;
    h.max_timestamp = p.max_timestamp;
    h.record_count = p.records_count;
    return h;
}

namespace {

// Zig-zag varint within 32 bits (at most 5 bytes), as protocol::kafka reads it.
[[gnu::always_inline]] inline bool varint32(const uint8_t*& p, const uint8_t* end, int32_t& out) noexcept {
    uint32_t u;
    if (p != end && (p[0] & 0x80U) == 0) {
        u = p[0];
        p += 1;
    } else if (end - p >= 2 && (p[1] & 0x80U) == 0) {
        u = (p[0] & 0x7FU) | (uint32_t{p[1]} << 7);
        p += 2;
    } else {
        uint64_t v = 0;
        const uint8_t* q = p;
        for (int i = 0;; ++i) {
            if (i == 5 || q == end) {
                return false;
            }
            const uint8_t b = *q++;
            v |= uint64_t{uint8_t(b & 0x7FU)} << (7 * i);
            if ((b & 0x80U) == 0) {
                break;
            }
        }
        if (v > 0xFFFFFFFFULL) {
            return false;
        }
        u = uint32_t(v);
        p = q;
    }
    out = int32_t((u >> 1) ^ (~(u & 1U) + 1U));
    return true;
}

// Skips a varint of at most `max_bytes` bytes without decoding it.
[[gnu::always_inline]] inline bool skip_varint(const uint8_t*& p, const uint8_t* end, int max_bytes) noexcept {
    const uint8_t* limit = end - p > max_bytes ? p + max_bytes : end;
    for (const uint8_t* q = p; q < limit;) {
        if ((*q++ & 0x80U) == 0) {
            p = q;
            return true;
        }
    }
    return false;
}

// A length-prefixed field (-1 = null when allowed).
[[gnu::always_inline]] inline bool skip_field(const uint8_t*& p, const uint8_t* end, bool nullable) noexcept {
    int32_t len;
    if (!varint32(p, end, len) || len < (nullable ? -1 : 0) || end - p < len) {
        return false;
    }
    p += len > 0 ? len : 0;
    return true;
}

// One record at `p` (its length varint first): returns one past its end when its framing is valid
// and it lies within `end`, else nullptr. The next record's position depends only on the length
// varint, so the out-of-order core can start on it while this record's fields are still checked.
[[gnu::always_inline]] inline const uint8_t* record_end_if_ok(const uint8_t* p, const uint8_t* end) noexcept {
    int32_t length;
    if (p == end || !varint32(p, end, length) || length <= 0 || end - p < length) {
        return nullptr;
    }
    const uint8_t* const rec_end = p + length;
    ++p; // attributes
    int32_t headers;
    if (!skip_varint(p, rec_end, 10) || !skip_varint(p, rec_end, 5) || !skip_field(p, rec_end, true) ||
        !skip_field(p, rec_end, true) || !varint32(p, rec_end, headers) || headers < 0) {
        return nullptr;
    }
    for (int32_t h = 0; h < headers; ++h) {
        if (!skip_field(p, rec_end, false) || !skip_field(p, rec_end, true)) {
            return nullptr;
        }
    }
    return p == rec_end ? rec_end : nullptr;
}

} // namespace

bool record_framing_ok(bytes_view payload, int32_t count) noexcept {
    if (count < 0) {
        return false;
    }
    const uint8_t* p = payload.data();
    const uint8_t* const end = p + payload.size();
    for (int32_t i = 0; i < count; ++i) {
        p = record_end_if_ok(p, end);
        if (p == nullptr) {
            return false;
        }
    }
    return p == end;
}

batch_check batch_checks(bytes_view batch, int32_t count) noexcept {
    if (!pk::crc_matches(batch)) {
        return batch_check::crc_mismatch;
    }
    return record_framing_ok(batch.subspan(batch_header_size), count) ? batch_check::ok : batch_check::bad_records;
}

bool batch_crc_matches(bytes_view batch) noexcept {
    return pk::crc_matches(batch);
}

void set_base_offset(std::span<uint8_t> batch, offset base) noexcept {
    pk::set_base_offset(batch, base.value());
}

void set_partition_leader_epoch(std::span<uint8_t> batch, leader_epoch epoch) noexcept {
    pk::set_partition_leader_epoch(batch, epoch.value());
}

void set_log_append_time(std::span<uint8_t> batch, int64_t ts) noexcept {
    pk::set_log_append_time(batch, ts);
}

} // namespace brook::log

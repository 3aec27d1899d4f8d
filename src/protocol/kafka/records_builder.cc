#include "brook/protocol/kafka/record_batch_builder.h"
#include "protocol/kafka/records_wire.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace brook::protocol::kafka {

using namespace records_wire;
namespace layout = record_batch_layout;

namespace {

std::optional<bytes> copy(std::optional<bytes_view> v) {
    if (!v) {
        return std::nullopt;
    }
    return bytes(v->begin(), v->end());
}

size_t nullable_size(const std::optional<bytes>& v) noexcept {
    return v ? varlong_size(static_cast<int64_t>(v->size())) + v->size() : 1;
}

uint8_t* write_nullable(uint8_t* p, const std::optional<bytes>& v) noexcept {
    if (!v) {
        return write_varlong(p, -1);
    }
    p = write_varlong(p, static_cast<int64_t>(v->size()));
    if (!v->empty()) {
        std::memcpy(p, v->data(), v->size());
    }
    return p + v->size();
}

} // namespace

record_batch_builder& record_batch_builder::base_offset(int64_t v) noexcept {
    _header.base_offset = v;
    return *this;
}
record_batch_builder& record_batch_builder::partition_leader_epoch(int32_t v) noexcept {
    _header.partition_leader_epoch = v;
    return *this;
}
record_batch_builder& record_batch_builder::compression(compression_type c, compress_options opts) noexcept {
    _header.attributes =
        static_cast<int16_t>((_header.attributes & ~batch_attributes::compression_mask) | static_cast<int16_t>(c));
    _compress_opts = opts;
    return *this;
}
record_batch_builder& record_batch_builder::log_append_time(int64_t append_time_ms) noexcept {
    _log_append_time = append_time_ms;
    _header.attributes = static_cast<int16_t>(_header.attributes | batch_attributes::log_append_time);
    return *this;
}
record_batch_builder& record_batch_builder::producer(int64_t id, int16_t epoch, int32_t base_sequence) noexcept {
    _header.producer_id = id;
    _header.producer_epoch = epoch;
    _header.base_sequence = base_sequence;
    return *this;
}
record_batch_builder& record_batch_builder::transactional(bool v) noexcept {
    _header.attributes = static_cast<int16_t>(v ? _header.attributes | batch_attributes::transactional
                                                : _header.attributes & ~batch_attributes::transactional);
    return *this;
}
record_batch_builder& record_batch_builder::control(bool v) noexcept {
    _header.attributes = static_cast<int16_t>(v ? _header.attributes | batch_attributes::control
                                                : _header.attributes & ~batch_attributes::control);
    return *this;
}
record_batch_builder& record_batch_builder::base_timestamp(int64_t v) noexcept {
    _base_ts_override = v;
    return *this;
}
record_batch_builder& record_batch_builder::max_timestamp(int64_t v) noexcept {
    _max_ts_override = v;
    return *this;
}
record_batch_builder& record_batch_builder::last_offset_delta(int32_t v) noexcept {
    _last_delta_override = v;
    return *this;
}

record_batch_builder& record_batch_builder::append(const record_input& r) {
    owned_record o{r.timestamp, r.offset_delta.value_or(_next_delta), copy(r.key), copy(r.value), r.headers};
    // Saturates: a record at offsetDelta INT32_MAX leaves no room for another; build() then fails.
    _next_delta = o.offset_delta < std::numeric_limits<int32_t>::max() ? o.offset_delta + 1 : o.offset_delta;
    _approx_size += 24 + nullable_size(o.key) + nullable_size(o.value);
    for (const auto& h : o.headers) {
        _approx_size += 10 + h.key.size() + nullable_size(h.value);
    }
    _records.push_back(std::move(o));
    ++_count;
    return *this;
}

record_batch_builder& record_batch_builder::append(int64_t timestamp, std::optional<std::string_view> key,
                                                   std::optional<std::string_view> value) {
    record_input r;
    r.timestamp = timestamp;
    if (key) {
        r.key = as_bytes(*key);
    }
    if (value) {
        r.value = as_bytes(*value);
    }
    return append(r);
}

record_batch_builder& record_batch_builder::append_control(int64_t timestamp, control_record_type type,
                                                           int32_t coordinator_epoch) {
    const bytes key = control_record_key(type);
    const bytes value = control_record_value(coordinator_epoch);
    record_input r;
    r.timestamp = timestamp;
    r.key = key;
    r.value = value;
    control(true);
    transactional(true);
    return append(r);
}

bytes record_batch_builder::encode_payload(int64_t base_ts) const {
    bytes out;
    out.reserve(_approx_size);
    for (const auto& r : _records) {
        const int64_t ts_delta = wrapping_sub(r.timestamp, base_ts);
        size_t body = 1 + varlong_size(ts_delta) + varlong_size(r.offset_delta) + nullable_size(r.key) +
                      nullable_size(r.value) + varlong_size(static_cast<int64_t>(r.headers.size()));
        for (const auto& h : r.headers) {
            body += varlong_size(static_cast<int64_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
        }
        const size_t at = out.size();
        out.resize(at + varlong_size(static_cast<int64_t>(body)) + body);
        uint8_t* p = out.data() + at;
        p = write_varlong(p, static_cast<int64_t>(body));
        *p++ = 0; // attributes
        p = write_varlong(p, ts_delta);
        p = write_varlong(p, r.offset_delta);
        p = write_nullable(p, r.key);
        p = write_nullable(p, r.value);
        p = write_varlong(p, static_cast<int64_t>(r.headers.size()));
        for (const auto& h : r.headers) {
            p = write_varlong(p, static_cast<int64_t>(h.key.size()));
            std::memcpy(p, h.key.data(), h.key.size());
            p += h.key.size();
            p = write_nullable(p, h.value);
        }
    }
    return out;
}

result<bytes> record_batch_builder::build() const {
    if (_count > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        return record_errc::invalid_builder_input;
    }
    record_batch_header h = _header;
    int64_t max_ts = -1;
    int32_t max_delta = 0;
    for (const auto& r : _records) {
        max_ts = std::max(max_ts, r.timestamp);
        max_delta = std::max(max_delta, r.offset_delta);
    }
    h.base_timestamp = _base_ts_override.value_or(_records.empty() ? -1 : _records.front().timestamp);
    h.max_timestamp = _max_ts_override.value_or(_log_append_time.value_or(max_ts));
    h.last_offset_delta = _last_delta_override.value_or(max_delta);
    h.records_count = static_cast<int32_t>(_count);
    for (const auto& r : _records) {
        // A delta must fit a varlong without overflow; an int64 subtraction that wraps means the
        // timestamps are too far apart to encode.
        if ((h.base_timestamp < 0 && r.timestamp > std::numeric_limits<int64_t>::max() + h.base_timestamp) ||
            (h.base_timestamp > 0 && r.timestamp < std::numeric_limits<int64_t>::min() + h.base_timestamp)) {
            return record_errc::invalid_builder_input;
        }
    }
    bytes payload = encode_payload(h.base_timestamp);
    if (h.compression() != compression_type::none) {
        BOOST_OUTCOME_TRY(payload, kafka::compress(h.compression(), payload, _compress_opts));
    }
    const size_t total = layout::header_size + payload.size();
    if (total - layout::log_overhead > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        return record_errc::invalid_builder_input;
    }
    bytes out(total);
    h.batch_length = static_cast<int32_t>(total - layout::log_overhead);
    write_record_batch_header(h, out);
    if (!payload.empty()) {
        std::memcpy(out.data() + layout::header_size, payload.data(), payload.size());
    }
    update_record_batch_crc(out);
    return out;
}

} // namespace brook::protocol::kafka

#include "batch_encoder.h"

#include "brook/protocol/kafka/record_batch.h"
#include "brook/protocol/kafka/wire.h"

#include <algorithm>
#include <cstring>

namespace brook::client::kafka {

namespace pk = protocol::kafka;
namespace layout = pk::record_batch_layout;

namespace {

uint8_t* put_uvarlong(uint8_t* p, uint64_t v) noexcept {
    while (v >= 0x80U) {
        *p++ = static_cast<uint8_t>(v | 0x80U);
        v >>= 7U;
    }
    *p++ = static_cast<uint8_t>(v);
    return p;
}

uint8_t* put_varlong(uint8_t* p, int64_t v) noexcept {
    return put_uvarlong(p, (static_cast<uint64_t>(v) << 1U) ^ static_cast<uint64_t>(v >> 63));
}

uint8_t* put_bytes(uint8_t* p, std::optional<bytes_view> b) noexcept {
    if (!b) {
        return put_varlong(p, -1);
    }
    p = put_varlong(p, static_cast<int64_t>(b->size()));
    if (!b->empty()) {
        std::memcpy(p, b->data(), b->size());
    }
    return p + b->size();
}

size_t opt_size(std::optional<bytes_view> b) noexcept {
    return b ? pk::varint_size(static_cast<int32_t>(b->size())) + b->size() : 1;
}

size_t body_size(int64_t ts_delta, int32_t offset_delta, std::optional<bytes_view> key, std::optional<bytes_view> value,
                 std::span<const pk::record_header> headers) noexcept {
    size_t n = 1 + pk::varlong_size(ts_delta) + pk::varint_size(offset_delta) + opt_size(key) + opt_size(value) +
               pk::varint_size(static_cast<int32_t>(headers.size()));
    for (const auto& h : headers) {
        n += opt_size(as_bytes(h.key));
        n += h.value ? opt_size(bytes_view(*h.value)) : 1;
    }
    return n;
}

} // namespace

batch_encoder::batch_encoder() {
    _buf.reserve(4096);
    _buf.resize(layout::header_size);
}

size_t batch_encoder::record_size(int64_t timestamp_delta, int32_t offset_delta, std::optional<bytes_view> key,
                                  std::optional<bytes_view> value, std::span<const pk::record_header> headers) {
    const size_t body = body_size(timestamp_delta, offset_delta, key, value, headers);
    return pk::varint_size(static_cast<int32_t>(body)) + body;
}

void batch_encoder::append(int64_t timestamp, std::optional<bytes_view> key, std::optional<bytes_view> value,
                           std::span<const pk::record_header> headers) {
    if (_count == 0) {
        _base_ts = timestamp;
        _max_ts = timestamp;
    }
    _max_ts = std::max(_max_ts, timestamp);
    const int64_t ts_delta = timestamp - _base_ts;
    const size_t body = body_size(ts_delta, _count, key, value, headers);
    const size_t old = _buf.size();
    _buf.resize(old + body + 5);
    uint8_t* p = _buf.data() + old;
    p = put_varlong(p, static_cast<int64_t>(body));
    *p++ = 0; // attributes
    p = put_varlong(p, ts_delta);
    p = put_varlong(p, _count);
    p = put_bytes(p, key);
    p = put_bytes(p, value);
    p = put_varlong(p, static_cast<int64_t>(headers.size()));
    for (const auto& h : headers) {
        p = put_bytes(p, as_bytes(h.key));
        p = put_bytes(p, h.value ? std::optional<bytes_view>(bytes_view(*h.value)) : std::nullopt);
    }
    _buf.resize(static_cast<size_t>(p - _buf.data()));
    ++_count;
}

result<bytes> batch_encoder::finish(pk::compression_type codec, const pk::compress_options& opts) {
    pk::record_batch_header h;
    h.base_offset = 0;
    h.partition_leader_epoch = -1;
    h.attributes = static_cast<int16_t>(codec);
    h.last_offset_delta = _count - 1;
    h.base_timestamp = _base_ts;
    h.max_timestamp = _max_ts;
    h.records_count = _count;
    bytes out;
    if (codec == pk::compression_type::none) {
        out = std::move(_buf);
    } else {
        BOOST_OUTCOME_TRY(auto compressed, pk::compress(codec, bytes_view(_buf).subspan(layout::header_size), opts));
        out.reserve(layout::header_size + compressed.size());
        out.resize(layout::header_size);
        out.insert(out.end(), compressed.begin(), compressed.end());
    }
    h.batch_length = static_cast<int32_t>(out.size() - layout::log_overhead);
    pk::write_record_batch_header(h, out);
    pk::update_record_batch_crc(out);
    _buf.clear();
    _buf.resize(layout::header_size);
    _count = 0;
    return out;
}

} // namespace brook::client::kafka

#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "brook/protocol/kafka/record_legacy.h"
#include "protocol/kafka/records_wire.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace brook::protocol::kafka {

using namespace records_wire;
namespace ll = legacy_layout;

namespace {

uint32_t ieee_crc32(bytes_view b) noexcept {
    return static_cast<uint32_t>(::crc32(0L, b.data(), static_cast<uInt>(b.size())));
}

// Reads an int32-length-prefixed nullable byte string; false when out of bounds.
bool read_bytes(const uint8_t** p, const uint8_t* end, std::optional<bytes>* out) {
    if (end - *p < 4) {
        return false;
    }
    const auto len = static_cast<int32_t>(load_be32(*p));
    *p += 4;
    if (len == -1) {
        *out = std::nullopt;
        return true;
    }
    if (len < 0 || end - *p < len) {
        return false;
    }
    *out = bytes(*p, *p + len);
    *p += len;
    return true;
}

struct read_state {
    const legacy_read_options& opts;
    size_t decompressed_budget;
};

result<void> read_entries(bytes_view data, bool nested, read_state& st, std::vector<legacy_message>& out) {
    size_t pos = 0;
    while (pos < data.size()) {
        const size_t rest = data.size() - pos;
        const uint8_t* entry = data.data() + pos;
        if (rest < ll::log_overhead) {
            if (st.opts.allow_partial_tail && !nested) {
                break;
            }
            return record_errc::bad_legacy_message;
        }
        const auto offset = static_cast<int64_t>(load_be64(entry));
        const auto size = static_cast<int32_t>(load_be32(entry + 8));
        if (size < static_cast<int32_t>(ll::v0_header_size)) {
            return record_errc::bad_legacy_message;
        }
        if (static_cast<size_t>(size) > rest - ll::log_overhead) {
            if (st.opts.allow_partial_tail && !nested) {
                break;
            }
            return record_errc::bad_legacy_message;
        }
        const uint8_t* msg = entry + ll::log_overhead;
        const uint8_t* end = msg + size;
        pos += ll::log_overhead + static_cast<size_t>(size);

        const auto magic = static_cast<int8_t>(msg[4]);
        if (magic != 0 && magic != 1) {
            return record_errc::unsupported_magic;
        }
        if (magic == 1 && size < static_cast<int32_t>(ll::v1_header_size)) {
            return record_errc::bad_legacy_message;
        }
        if (st.opts.verify_crc && load_be32(msg) != ieee_crc32(bytes_view(msg + 4, end))) {
            return record_errc::crc_mismatch;
        }
        const auto attributes = static_cast<int8_t>(msg[5]);
        legacy_message m;
        m.offset = offset;
        m.magic = magic;
        const uint8_t* p = msg + 6;
        if (magic == 1) {
            m.timestamp = static_cast<int64_t>(load_be64(p));
            m.ts_type = (attributes & ll::timestamp_type_bit) != 0 ? timestamp_type::log_append_time
                                                                   : timestamp_type::create_time;
            p += 8;
        }
        if (!read_bytes(&p, end, &m.key) || !read_bytes(&p, end, &m.value) || p != end) {
            return record_errc::bad_legacy_message;
        }
        const auto codec = static_cast<compression_type>(attributes & batch_attributes::compression_mask);
        if (codec == compression_type::none) {
            out.push_back(std::move(m));
            continue;
        }
        if (codec == compression_type::zstd || static_cast<uint8_t>(codec) > 4) {
            return record_errc::unsupported_compression;
        }
        if (nested || !m.value) {
            return record_errc::bad_legacy_message; // Kafka compresses one level only
        }
        decompress_options dopts;
        dopts.lz4_legacy_header_checksum = magic == 0;
        BOOST_OUTCOME_TRY(auto inner_bytes, decompress(codec, *m.value, st.decompressed_budget, dopts));
        st.decompressed_budget -= inner_bytes.size();
        const size_t first = out.size();
        BOOST_OUTCOME_TRY(read_entries(inner_bytes, true, st, out));
        if (out.size() == first) {
            return record_errc::bad_legacy_message; // an empty wrapper
        }
        // Magic 1 inner offsets are relative; the wrapper holds the last one's absolute offset.
        const int64_t last_inner = out.back().offset;
        for (size_t i = first; i < out.size(); ++i) {
            auto& inner = out[i];
            if (magic == 1) {
                int64_t absolute;
                if (__builtin_sub_overflow(m.offset, last_inner, &absolute) ||
                    __builtin_add_overflow(absolute, inner.offset, &absolute)) {
                    return record_errc::bad_legacy_message;
                }
                inner.offset = absolute;
                if (m.ts_type == timestamp_type::log_append_time) {
                    inner.timestamp = m.timestamp;
                    inner.ts_type = timestamp_type::log_append_time;
                }
            }
        }
    }
    return success();
}

size_t message_size(int8_t magic, const std::optional<bytes>& key, const std::optional<bytes>& value) noexcept {
    return (magic == 0 ? ll::v0_header_size : ll::v1_header_size) + (key ? key->size() : 0) +
           (value ? value->size() : 0);
}

void put_bytes(bytes& out, const std::optional<bytes>& v) {
    const size_t at = out.size();
    out.resize(at + 4);
    store_be32(out.data() + at, v ? static_cast<uint32_t>(v->size()) : 0xFFFFFFFFU);
    if (v) {
        out.insert(out.end(), v->begin(), v->end());
    }
}

void put_message(bytes& out, int64_t offset, int8_t magic, int8_t attributes, int64_t timestamp,
                 const std::optional<bytes>& key, const std::optional<bytes>& value) {
    const size_t at = out.size();
    out.resize(at + ll::log_overhead + 6);
    store_be64(out.data() + at, static_cast<uint64_t>(offset));
    store_be32(out.data() + at + 8, static_cast<uint32_t>(message_size(magic, key, value)));
    out[at + 16] = static_cast<uint8_t>(magic);
    out[at + 17] = static_cast<uint8_t>(attributes);
    if (magic == 1) {
        const size_t t = out.size();
        out.resize(t + 8);
        store_be64(out.data() + t, static_cast<uint64_t>(timestamp));
    }
    put_bytes(out, key);
    put_bytes(out, value);
    const size_t crc_at = at + ll::log_overhead;
    store_be32(out.data() + crc_at, ieee_crc32(bytes_view(out).subspan(crc_at + 4)));
}

} // namespace

result<std::vector<legacy_message>> read_message_set(bytes_view data, const legacy_read_options& opts) {
    std::vector<legacy_message> out;
    read_state st{opts, opts.max_decompressed};
    BOOST_OUTCOME_TRY(read_entries(data, false, st, out));
    return out;
}

result<bytes> write_message_set(std::span<const legacy_message> messages, const legacy_write_options& opts) {
    if (opts.magic != 0 && opts.magic != 1) {
        return record_errc::unsupported_magic;
    }
    if (opts.codec == compression_type::zstd || static_cast<uint8_t>(opts.codec) > 4) {
        return record_errc::unsupported_compression;
    }
    const bool log_append = opts.magic == 1 && opts.ts_type == timestamp_type::log_append_time;
    const auto ts_bit = static_cast<int8_t>(log_append ? ll::timestamp_type_bit : 0);
    bytes out;
    if (opts.codec == compression_type::none) {
        for (const auto& m : messages) {
            put_message(out, m.offset, opts.magic, ts_bit, log_append ? opts.log_append_time : m.timestamp, m.key,
                        m.value);
        }
        return out;
    }
    if (messages.empty()) {
        return out;
    }
    bytes inner;
    int64_t max_ts = -1;
    for (size_t i = 0; i < messages.size(); ++i) {
        const auto& m = messages[i];
        const int64_t off = opts.magic == 1 ? static_cast<int64_t>(i) : m.offset;
        put_message(inner, off, opts.magic, 0, m.timestamp, m.key, m.value);
        max_ts = std::max(max_ts, m.timestamp);
    }
    compress_options copts;
    copts.snappy_xerial_framing = opts.snappy_xerial_framing;
    copts.lz4_legacy_header_checksum = opts.magic == 0;
    BOOST_OUTCOME_TRY(auto compressed, compress(opts.codec, inner, copts));
    const auto attrs = static_cast<int8_t>(static_cast<int8_t>(opts.codec) | ts_bit);
    put_message(out, messages.back().offset, opts.magic, attrs, log_append ? opts.log_append_time : max_ts,
                std::nullopt, std::optional<bytes>(std::move(compressed)));
    return out;
}

result<bytes> down_convert_to_message_set(bytes_view v2_data, int8_t magic, size_t max_decompressed) {
    BOOST_OUTCOME_TRY(auto batches, split_record_batches(v2_data, true));
    bytes out;
    for (auto whole : batches) {
        BOOST_OUTCOME_TRY(auto batch, decoded_record_batch::decode(whole, max_decompressed));
        const auto& h = batch.header();
        if (h.is_control()) {
            continue;
        }
        BOOST_OUTCOME_TRY(auto records, batch.all_records());
        std::vector<legacy_message> msgs;
        msgs.reserve(records.size());
        const bool lat = h.ts_type() == timestamp_type::log_append_time;
        for (const auto& r : records) {
            legacy_message m;
            m.offset = wrapping_add(h.base_offset, r.offset_delta);
            m.timestamp = magic == 0 ? -1 : (lat ? h.max_timestamp : wrapping_add(h.base_timestamp, r.timestamp_delta));
            if (r.key) {
                m.key = bytes(r.key->begin(), r.key->end());
            }
            if (r.value) {
                m.value = bytes(r.value->begin(), r.value->end());
            }
            msgs.push_back(std::move(m));
        }
        legacy_write_options w;
        w.magic = magic;
        w.codec = h.compression();
        w.ts_type = h.ts_type();
        w.log_append_time = h.max_timestamp;
        BOOST_OUTCOME_TRY(auto set, write_message_set(msgs, w));
        out.insert(out.end(), set.begin(), set.end());
    }
    return out;
}

result<bytes> up_convert_message_set(bytes_view legacy_data, size_t max_decompressed) {
    legacy_read_options ro;
    ro.allow_partial_tail = false;
    ro.max_decompressed = max_decompressed;
    BOOST_OUTCOME_TRY(auto msgs, read_message_set(legacy_data, ro));
    record_batch_builder b;
    b.base_offset(0);
    if (legacy_data.size() > ll::log_overhead + 5) {
        b.compression(
            static_cast<compression_type>(legacy_data[ll::log_overhead + 5] & batch_attributes::compression_mask));
    }
    // Producers' offsets in a message set are not meaningful (the broker assigns them): records
    // get consecutive offset deltas.
    for (const auto& m : msgs) {
        record_input r;
        r.timestamp = m.timestamp;
        if (m.key) {
            r.key = bytes_view(*m.key);
        }
        if (m.value) {
            r.value = bytes_view(*m.value);
        }
        b.append(r);
    }
    return b.build();
}

} // namespace brook::protocol::kafka

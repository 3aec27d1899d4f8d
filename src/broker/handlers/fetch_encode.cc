#include "broker/handlers/fetch_encode.h"

#include "brook/protocol/kafka/api.h"
#include "brook/protocol/kafka/wire.h"

namespace brook::broker::handlers {

namespace kafka = protocol::kafka;

namespace {

using partition_data = kafka::fetch_response::partition_data;

/// Writes one tagged field whose payload is `value.encode`.
template<class T>
void write_tag(kafka::writer& w, uint32_t tag, const T& value, int16_t version) {
    w.write_uvarint(tag);
    w.write_uvarint(static_cast<uint32_t>(value.encoded_size(version)));
    value.encode(w, version);
}

/// Everything of a partition before its records field.
void write_partition_head(kafka::writer& w, const partition_data& pd, int16_t version, bool flex) {
    w.write_int32(pd.partition_index);
    w.write_int16(pd.error_code);
    w.write_int64(pd.high_watermark);
    if (version >= 4) {
        w.write_int64(pd.last_stable_offset);
    }
    if (version >= 5) {
        w.write_int64(pd.log_start_offset);
    }
    if (version >= 4) {
        const auto& aborted = pd.aborted_transactions;
        w.write_array_length(aborted ? std::optional<size_t>(aborted->size()) : std::nullopt, true, flex);
        if (aborted) {
            for (const auto& a : *aborted) {
                a.encode(w, version);
            }
        }
    }
    if (version >= 11) {
        w.write_int32(pd.preferred_read_replica);
    }
}

/// The partition's tagged fields (v12+), in tag order with unknown ones interleaved.
void write_partition_tags(kafka::writer& w, const partition_data& pd, int16_t version) {
    if (version < 12) {
        return;
    }
    const bool has0 = !(pd.diverging_epoch == kafka::fetch_response::epoch_end_offset{});
    const bool has1 = !(pd.current_leader == kafka::fetch_response::leader_id_and_epoch{});
    const bool has2 = !(pd.snapshot_id == kafka::fetch_response::snapshot_id_data{});
    w.write_uvarint(static_cast<uint32_t>(pd.unknown_tagged_fields.size()) + (has0 ? 1 : 0) + (has1 ? 1 : 0) +
                    (has2 ? 1 : 0));
    size_t next = 0;
    w.write_unknown_tags(pd.unknown_tagged_fields, next, 0);
    if (has0) {
        write_tag(w, 0, pd.diverging_epoch, version);
    }
    w.write_unknown_tags(pd.unknown_tagged_fields, next, 1);
    if (has1) {
        write_tag(w, 1, pd.current_leader, version);
    }
    w.write_unknown_tags(pd.unknown_tagged_fields, next, 2);
    if (has2) {
        write_tag(w, 2, pd.snapshot_id, version);
    }
    w.write_unknown_tags(pd.unknown_tagged_fields, next, UINT64_MAX);
}

void write_plain_tags(kafka::writer& w, const kafka::tagged_fields& unknown) {
    w.write_uvarint(static_cast<uint32_t>(unknown.size()));
    size_t next = 0;
    w.write_unknown_tags(unknown, next, UINT64_MAX);
}

const std::optional<file_region>* region_of(const fetch_regions& regions, size_t t, size_t p) {
    if (t >= regions.size() || p >= regions[t].size() || !regions[t][p]) {
        return nullptr;
    }
    return &regions[t][p];
}

} // namespace

response encode_fetch_response(const kafka::fetch_response& body, int16_t version, const fetch_regions& regions) {
    const bool flex = version >= 12;
    response out;
    bytes buf;
    buf.reserve(256);
    kafka::writer w(buf);
    if (kafka::response_header_version(kafka::fetch_response::api_key, version) >= 1) {
        w.write_uvarint(0); // no tagged fields in the header
    }
    if (version >= 1) {
        w.write_int32(body.throttle_time_ms);
    }
    if (version >= 7) {
        w.write_int16(body.error_code);
        w.write_int32(body.session_id);
    }
    w.write_array_length(body.responses.size(), false, flex);
    for (size_t t = 0; t < body.responses.size(); ++t) {
        const auto& topic = body.responses[t];
        if (version <= 12) {
            w.write_string(topic.topic, flex);
        } else {
            w.write_uuid(topic.topic_id);
        }
        w.write_array_length(topic.partitions.size(), false, flex);
        for (size_t p = 0; p < topic.partitions.size(); ++p) {
            const auto& pd = topic.partitions[p];
            write_partition_head(w, pd, version, flex);
            if (const auto* region = region_of(regions, t, p)) {
                const uint32_t length = (*region)->length;
                if (flex) {
                    w.write_uvarint(length + 1);
                } else {
                    w.write_int32(static_cast<int32_t>(length));
                }
                // The bytes so far leave as one chunk; the writer goes on in a fresh buffer.
                out.append(std::move(buf));
                buf = bytes();
                buf.reserve(256);
                out.append(**region);
            } else {
                w.write_bytes(pd.records, true, flex);
            }
            write_partition_tags(w, pd, version);
        }
        if (flex) {
            write_plain_tags(w, topic.unknown_tagged_fields);
        }
    }
    if (flex) {
        const bool has0 = version >= 16 && !body.node_endpoints.empty();
        w.write_uvarint(static_cast<uint32_t>(body.unknown_tagged_fields.size()) + (has0 ? 1 : 0));
        size_t next = 0;
        w.write_unknown_tags(body.unknown_tagged_fields, next, 0);
        if (has0) {
            size_t size = kafka::array_length_size(body.node_endpoints.size(), false, flex);
            for (const auto& e : body.node_endpoints) {
                size += e.encoded_size(version);
            }
            w.write_uvarint(0);
            w.write_uvarint(static_cast<uint32_t>(size));
            w.write_array_length(body.node_endpoints.size(), false, flex);
            for (const auto& e : body.node_endpoints) {
                e.encode(w, version);
            }
        }
        w.write_unknown_tags(body.unknown_tagged_fields, next, UINT64_MAX);
    }
    out.append(std::move(buf));
    return out;
}

} // namespace brook::broker::handlers

// ListOffsets (key 2): earliest (-2), latest (-1), max timestamp (-3) or the first offset at or
// after a timestamp. v0 answers the same offset as a one-element "old style" offset list.
#include "brook/protocol/kafka/messages/list_offsets.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/protocol/kafka/error_code.h"

namespace brook::broker::handlers {

namespace {

constexpr int64_t latest = -1;
constexpr int64_t earliest = -2;
constexpr int64_t max_timestamp = -3;

using partition_reply = kafka::list_offsets_response::list_offsets_partition_response;

partition_reply list_one(broker_context& ctx, const std::optional<topic_metadata>& topic,
                         const kafka::list_offsets_request::list_offsets_partition& want) {
    partition_reply out;
    out.partition_index = want.partition_index;
    if (!topic || want.partition_index < 0 || static_cast<size_t>(want.partition_index) >= topic->partitions.size()) {
        out.error_code = static_cast<int16_t>(kafka::error_code::unknown_topic_or_partition);
        return out;
    }
    const auto& assignment = topic->partitions[static_cast<size_t>(want.partition_index)];
    if (assignment.leader != ctx.settings.node_id) {
        out.error_code = static_cast<int16_t>(kafka::error_code::not_leader_or_follower);
        return out;
    }
    auto p = ctx.partitions.get(topic->name, want.partition_index);
    if (!p) {
        out.error_code = static_cast<int16_t>(kafka::error_code::unknown_topic_or_partition);
        return out;
    }
    out.leader_epoch = assignment.leader_epoch;
    switch (want.timestamp) {
    case latest:
        out.offset = p->high_watermark();
        break;
    case earliest:
        out.offset = p->log_start_offset();
        break;
    case max_timestamp:
        // The log keeps no max-timestamp index yet: answer "none", as Kafka does for an empty log.
        out.offset = -1;
        out.timestamp = -1;
        break;
    default:
        if (want.timestamp < 0) {
            // -4 / -5 (tiered storage) and other negative values: Kafka answers these on a
            // broker without remote storage as the earliest local offset.
            out.offset = p->log_start_offset();
            break;
        }
        if (auto found = p->offset_for_timestamp(want.timestamp)) {
            out.offset = found->first;
            out.timestamp = found->second;
        }
        break;
    }
    return out;
}

} // namespace

void handle_list_offsets(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::list_offsets_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    kafka::list_offsets_response resp;
    for (const auto& t : req.value().body.topics) {
        kafka::list_offsets_response::list_offsets_topic_response tr;
        tr.name = t.name;
        auto topic = ctx.metadata.topic(t.name);
        for (const auto& p : t.partitions) {
            auto answer = list_one(ctx, topic, p);
            if (r.prefix.api_version == 0 && answer.offset >= 0 && p.max_num_offsets > 0) {
                // v0 answers a list of offsets; the first is the one clients use (Kafka adds older
                // segment base offsets after it, which no client reads).
                answer.old_style_offsets.push_back(answer.offset);
            }
            tr.partitions.push_back(std::move(answer));
        }
        resp.topics.push_back(std::move(tr));
    }
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

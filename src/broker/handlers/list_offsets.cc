// ListOffsets (key 2): earliest (-2), earliest local (-4, v8), latest (-1), max timestamp (-3,
// v7, KIP-734) or the first record at or after a timestamp. v0 answers the same offset as a
// one-element "old style" offset list.
//
// As Kafka (Partition.fetchOffsetForTimestamp): answers above the high watermark are not given
// (offset and timestamp -1); the leader epoch returned is the current one for "latest" and the
// epoch that wrote the offset otherwise; a current leader epoch in the request is checked
// (FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer). Without tiered storage the
// local log start is the log start, so -4 answers as -2. Other negative values take the timestamp
// path, as in Kafka 3.8: every batch is at or after them, so they answer the first record.
#include "brook/protocol/kafka/messages/list_offsets.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/protocol/kafka/error_code.h"

namespace brook::broker::handlers {

namespace {

constexpr int64_t latest = -1;
constexpr int64_t earliest = -2;
constexpr int64_t max_timestamp = -3;
constexpr int64_t earliest_local = -4;

using partition_reply = kafka::list_offsets_response::list_offsets_partition_response;

// The leader epoch that wrote `at` (the last epoch starting at or below it), -1 when unknown.
int32_t epoch_of(const std::shared_ptr<log::partition_log>& log, int64_t at) {
    int32_t out = -1;
    if (!log) {
        return out;
    }
    for (const auto& e : log->epochs().entries()) {
        if (e.start_offset.value() > at) {
            break;
        }
        out = e.epoch.value();
    }
    return out;
}

// The record answering `timestamp` (a time, or -3), below the high watermark; nothing when none.
std::optional<log::timestamp_lookup> lookup(const std::shared_ptr<log::partition_log>& log, int64_t timestamp,
                                            int64_t high_watermark) {
    if (!log) {
        return std::nullopt;
    }
    auto found = timestamp == max_timestamp ? log->max_timestamp_offset() : log->offset_for_timestamp(timestamp);
    if (!found || !found.value()) {
        return std::nullopt;
    }
    auto t = *found.value();
    t.record_offset = std::max(t.record_offset, log->log_start_offset());
    if (t.record_offset.value() >= high_watermark) {
        return std::nullopt;
    }
    return t;
}

partition_reply list_one(broker_context& ctx, const std::optional<topic_metadata>& topic,
                         const kafka::list_offsets_request::list_offsets_partition& want) {
    partition_reply out;
    out.partition_index = want.partition_index;
    auto fail = [&](kafka::error_code e) {
        out.error_code = static_cast<int16_t>(e);
        return out;
    };
    if (!topic || want.partition_index < 0 || static_cast<size_t>(want.partition_index) >= topic->partitions.size()) {
        return fail(kafka::error_code::unknown_topic_or_partition);
    }
    const auto& assignment = topic->partitions[static_cast<size_t>(want.partition_index)];
    if (assignment.leader != ctx.settings.node_id) {
        return fail(kafka::error_code::not_leader_or_follower);
    }
    if (want.current_leader_epoch >= 0 && want.current_leader_epoch < assignment.leader_epoch) {
        return fail(kafka::error_code::fenced_leader_epoch);
    }
    if (want.current_leader_epoch > assignment.leader_epoch) {
        return fail(kafka::error_code::unknown_leader_epoch);
    }
    auto p = ctx.partitions.get(topic->name, want.partition_index);
    if (!p) {
        return fail(kafka::error_code::unknown_topic_or_partition);
    }
    auto log = ctx.topics.log_of(topic->name, want.partition_index);
    switch (want.timestamp) {
    case latest:
        // No transactions yet: the last stable offset (read_committed) is the high watermark.
        out.offset = p->high_watermark();
        out.leader_epoch = assignment.leader_epoch;
        break;
    case earliest:
    case earliest_local:
        out.offset = p->log_start_offset();
        out.leader_epoch = epoch_of(log, out.offset);
        break;
    default:
        if (auto t = lookup(log, want.timestamp, p->high_watermark())) {
            out.offset = t->record_offset.value();
            out.timestamp = t->record_timestamp;
            out.leader_epoch = epoch_of(log, out.offset);
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

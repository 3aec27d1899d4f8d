// OffsetForLeaderEpoch (key 23): the end offset of a leader epoch, from the partition's
// leader-epoch cache (clients use it to detect log truncation, followers to find divergence).
#include "brook/protocol/kafka/messages/offset_for_leader_epoch.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

void handle_offset_for_leader_epoch(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::offset_for_leader_epoch_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    kafka::offset_for_leader_epoch_response resp;
    for (const auto& t : req.value().body.topics) {
        kafka::offset_for_leader_epoch_response::offset_for_leader_topic_result tr;
        tr.topic = t.topic;
        auto topic = ctx.metadata.topic(t.topic);
        for (const auto& p : t.partitions) {
            kafka::offset_for_leader_epoch_response::epoch_end_offset out;
            out.partition = p.partition;
            auto set_error = [&](kafka::error_code e) { out.error_code = static_cast<int16_t>(e); };
            if (!topic || p.partition < 0 || static_cast<size_t>(p.partition) >= topic->partitions.size()) {
                set_error(kafka::error_code::unknown_topic_or_partition);
            } else {
                const auto& state = topic->partitions[static_cast<size_t>(p.partition)];
                auto log = ctx.topics.log_of(t.topic, p.partition);
                if (!log || state.leader != ctx.settings.node_id) {
                    set_error(kafka::error_code::not_leader_or_follower);
                } else if (p.current_leader_epoch >= 0 && p.current_leader_epoch < state.leader_epoch) {
                    set_error(kafka::error_code::fenced_leader_epoch);
                } else if (p.current_leader_epoch > state.leader_epoch) {
                    set_error(kafka::error_code::unknown_leader_epoch);
                } else {
                    auto end = log->end_offset_for_epoch(brook::leader_epoch(p.leader_epoch));
                    out.leader_epoch = end.epoch.value();
                    out.end_offset = end.end_offset.value();
                }
            }
            tr.partitions.push_back(out);
        }
        resp.topics.push_back(std::move(tr));
    }
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

// OffsetCommit (key 8): offsets of a group's partitions, answered once they are appended to
// __consumer_offsets. Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION, as in Kafka.
#include "brook/protocol/kafka/messages/offset_commit.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

#include <map>

namespace brook::broker::handlers {

void handle_offset_commit(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::offset_commit_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    group::commit_request cr;
    cr.group_id = body.group_id;
    cr.generation = body.generation_id_or_member_epoch;
    cr.member_id = body.member_id;
    cr.group_instance_id = body.group_instance_id;
    cr.retention_ms = version >= 2 && version <= 4 ? body.retention_time_ms : -1;
    std::map<std::pair<std::string, int32_t>, int16_t> early;
    for (auto& t : body.topics) {
        auto topic = ctx.metadata.topic(t.name);
        for (auto& p : t.partitions) {
            if (!topic || p.partition_index < 0 || static_cast<size_t>(p.partition_index) >= topic->partitions.size()) {
                early[{t.name, p.partition_index}] =
                    static_cast<int16_t>(kafka::error_code::unknown_topic_or_partition);
                continue;
            }
            group::partition_offset po;
            po.topic = t.name;
            po.partition = p.partition_index;
            po.value.offset = p.committed_offset;
            po.value.leader_epoch = p.committed_leader_epoch;
            po.value.metadata = p.committed_metadata.value_or("");
            cr.offsets.push_back(std::move(po));
        }
    }
    std::map<std::pair<std::string, int32_t>, int16_t> results = early;
    if (!ctx.groups) {
        for (const auto& o : cr.offsets) {
            results[{o.topic, o.partition}] = static_cast<int16_t>(kafka::error_code::coordinator_not_available);
        }
    } else if (!cr.offsets.empty()) {
        for (const auto& e : ctx.groups->coordinator().commit(cr)) {
            results[{e.topic, e.partition}] = static_cast<int16_t>(e.error);
        }
    }
    kafka::offset_commit_response resp;
    for (const auto& t : body.topics) {
        kafka::offset_commit_response::offset_commit_response_topic rt;
        rt.name = t.name;
        for (const auto& p : t.partitions) {
            kafka::offset_commit_response::offset_commit_response_partition rp;
            rp.partition_index = p.partition_index;
            rp.error_code = results[{t.name, p.partition_index}];
            rt.partitions.push_back(rp);
        }
        resp.topics.push_back(std::move(rt));
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

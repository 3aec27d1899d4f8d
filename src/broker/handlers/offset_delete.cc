// OffsetDelete (key 47): removes committed offsets of an empty group, or of topics a live consumer
// group no longer subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise).
#include "brook/protocol/kafka/messages/offset_delete.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

#include <map>

namespace brook::broker::handlers {

void handle_offset_delete(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::offset_delete_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    kafka::offset_delete_response resp;
    std::vector<std::pair<std::string, int32_t>> wanted;
    std::map<std::pair<std::string, int32_t>, int16_t> errors;
    for (const auto& t : body.topics) {
        const bool known = ctx.metadata.topic(t.name).has_value();
        for (const auto& p : t.partitions) {
            if (!known) {
                errors[{t.name, p.partition_index}] =
                    static_cast<int16_t>(kafka::error_code::unknown_topic_or_partition);
            } else {
                wanted.emplace_back(t.name, p.partition_index);
            }
        }
    }
    group::offset_delete_result res;
    if (!ctx.groups) {
        res.error = kafka::error_code::coordinator_not_available;
    } else {
        res = ctx.groups->coordinator().delete_offsets(body.group_id, wanted);
    }
    resp.error_code = static_cast<int16_t>(res.error);
    if (res.error == kafka::error_code::none) {
        for (const auto& pe : res.partitions) {
            errors[{pe.topic, pe.partition}] = static_cast<int16_t>(pe.error);
        }
        for (const auto& t : body.topics) {
            kafka::offset_delete_response::offset_delete_response_topic rt;
            rt.name = t.name;
            for (const auto& p : t.partitions) {
                kafka::offset_delete_response::offset_delete_response_partition rp;
                rp.partition_index = p.partition_index;
                rp.error_code = errors[{t.name, p.partition_index}];
                rt.partitions.push_back(rp);
            }
            resp.topics.push_back(std::move(rt));
        }
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

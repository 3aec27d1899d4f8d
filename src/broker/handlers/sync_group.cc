// SyncGroup (key 14): the leader hands in the assignment; every member waits for its share.
#include "brook/protocol/kafka/messages/sync_group.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

#include <memory>

namespace brook::broker::handlers {

void handle_sync_group(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::sync_group_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    group::sync_request sr;
    sr.group_id = body.group_id;
    sr.generation = body.generation_id;
    sr.member_id = body.member_id;
    sr.group_instance_id = body.group_instance_id;
    sr.protocol_type = body.protocol_type;
    sr.protocol_name = body.protocol_name;
    for (auto& a : body.assignments) {
        sr.assignments.emplace_back(std::move(a.member_id), std::move(a.assignment));
    }
    auto shared = std::make_shared<responder>(std::move(reply));
    auto done = [shared, version](group::sync_result res) {
        kafka::sync_group_response resp;
        resp.error_code = static_cast<int16_t>(res.error);
        resp.protocol_type = res.protocol_type;
        resp.protocol_name = res.protocol_name;
        resp.assignment = std::move(res.assignment);
        shared->send(encode(resp, version));
    };
    if (!ctx.groups) {
        done(group::sync_result{kafka::error_code::coordinator_not_available, {}, {}, {}});
        return;
    }
    ctx.groups->coordinator().sync(std::move(sr), done);
}

} // namespace brook::broker::handlers

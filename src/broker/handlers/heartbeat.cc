// Heartbeat (key 12): keeps a member's session alive and tells it about rebalances.
#include "brook/protocol/kafka/messages/heartbeat.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

void handle_heartbeat(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::heartbeat_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    kafka::heartbeat_response resp;
    auto e = ctx.groups ? ctx.groups->coordinator().heartbeat(body.group_id, body.member_id, body.group_instance_id,
                                                              body.generation_id)
                        : kafka::error_code::coordinator_not_available;
    resp.error_code = static_cast<int16_t>(e);
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

// DeleteGroups (key 42): removes empty groups and their committed offsets (tombstones in
// __consumer_offsets); NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND if unknown.
#include "brook/protocol/kafka/messages/delete_groups.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

void handle_delete_groups(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::delete_groups_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    kafka::delete_groups_response resp;
    for (const auto& id : body.groups_names) {
        kafka::delete_groups_response::deletable_group_result res;
        res.group_id = id;
        auto e = ctx.groups ? ctx.groups->coordinator().delete_group(id) : kafka::error_code::coordinator_not_available;
        res.error_code = static_cast<int16_t>(e);
        resp.results.push_back(std::move(res));
    }
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

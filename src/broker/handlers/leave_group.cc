// LeaveGroup (key 13): one member up to v2, a batch of members (by id or group.instance.id) from v3.
#include "brook/protocol/kafka/messages/leave_group.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

void handle_leave_group(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::leave_group_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    std::vector<group::leave_member> members;
    if (version >= 3) {
        for (const auto& m : body.members) {
            members.push_back({m.member_id, m.group_instance_id});
        }
    } else {
        members.push_back({body.member_id, std::nullopt});
    }
    kafka::leave_group_response resp;
    if (!ctx.groups) {
        resp.error_code = static_cast<int16_t>(kafka::error_code::coordinator_not_available);
        reply.send(encode(resp, version));
        return;
    }
    auto res = ctx.groups->coordinator().leave(body.group_id, members);
    resp.error_code = static_cast<int16_t>(res.error);
    if (version >= 3) {
        for (const auto& m : res.members) {
            kafka::leave_group_response::member_response mr;
            mr.member_id = m.member_id;
            mr.group_instance_id = m.group_instance_id;
            mr.error_code = static_cast<int16_t>(m.error);
            resp.members.push_back(std::move(mr));
        }
    } else if (res.error == kafka::error_code::none && !res.members.empty()) {
        resp.error_code = static_cast<int16_t>(res.members.front().error);
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

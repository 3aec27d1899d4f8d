// DescribeGroups (key 15): state, protocol and members (with metadata and assignment when Stable).
#include "brook/protocol/kafka/messages/describe_groups.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

void handle_describe_groups(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::describe_groups_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    kafka::describe_groups_response resp;
    for (const auto& id : body.groups) {
        group::group_description d;
        if (ctx.groups) {
            d = ctx.groups->coordinator().describe(id);
        } else {
            d.error = kafka::error_code::coordinator_not_available;
        }
        kafka::describe_groups_response::described_group g;
        g.error_code = static_cast<int16_t>(d.error);
        g.group_id = id;
        g.group_state = d.state;
        g.protocol_type = d.protocol_type;
        g.protocol_data = d.protocol_data;
        for (auto& m : d.members) {
            kafka::describe_groups_response::described_group_member dm;
            dm.member_id = std::move(m.member_id);
            dm.group_instance_id = std::move(m.group_instance_id);
            dm.client_id = std::move(m.client_id);
            dm.client_host = std::move(m.client_host);
            dm.member_metadata = std::move(m.metadata);
            dm.member_assignment = std::move(m.assignment);
            g.members.push_back(std::move(dm));
        }
        if (body.include_authorized_operations) {
            // No authorizer: every group operation (READ, DESCRIBE, DELETE) is allowed.
            g.authorized_operations = (1 << 3) | (1 << 8) | (1 << 6);
        }
        resp.groups.push_back(std::move(g));
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

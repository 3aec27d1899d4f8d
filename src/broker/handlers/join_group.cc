// JoinGroup (key 11): parks until the rebalance completes (or answers at once with an error,
// MEMBER_ID_REQUIRED on v4+ first joins, or the current generation).
#include "brook/protocol/kafka/messages/join_group.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

#include <memory>

namespace brook::broker::handlers {

namespace {

std::string client_host(const request& r) {
    if (!r.connection) {
        return "/";
    }
    const auto& peer = r.connection->peer;
    auto colon = peer.rfind(':');
    return "/" + (colon == std::string::npos ? peer : peer.substr(0, colon));
}

} // namespace

void handle_join_group(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::join_group_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    group::join_request jr;
    jr.group_id = body.group_id;
    jr.member_id = body.member_id;
    jr.group_instance_id = body.group_instance_id;
    jr.client_id = req.value().header.client_id.value_or("");
    jr.client_host = client_host(r);
    jr.session_timeout_ms = body.session_timeout_ms;
    // v0 has no rebalance timeout: Kafka uses the session timeout.
    jr.rebalance_timeout_ms = version >= 1 ? body.rebalance_timeout_ms : body.session_timeout_ms;
    jr.protocol_type = body.protocol_type;
    for (auto& p : body.protocols) {
        jr.protocols.push_back({std::move(p.name), std::move(p.metadata)});
    }
    jr.require_known_member_id = version >= 4;
    auto shared = std::make_shared<responder>(std::move(reply));
    auto done = [shared, version](group::join_result res) {
        kafka::join_group_response resp;
        resp.error_code = static_cast<int16_t>(res.error);
        resp.generation_id = res.generation;
        resp.protocol_type = res.protocol_type;
        // Up to v6 the protocol name is not nullable: an error reply carries "".
        resp.protocol_name =
            version >= 7 ? res.protocol_name : std::optional<std::string>(res.protocol_name.value_or(""));
        resp.leader = res.leader;
        resp.skip_assignment = res.skip_assignment;
        resp.member_id = res.member_id;
        for (auto& m : res.members) {
            kafka::join_group_response::join_group_response_member jm;
            jm.member_id = std::move(m.member_id);
            jm.group_instance_id = std::move(m.group_instance_id);
            jm.metadata = std::move(m.metadata);
            resp.members.push_back(std::move(jm));
        }
        shared->send(encode(resp, version));
    };
    if (!ctx.groups) {
        group::join_result res;
        res.error = kafka::error_code::coordinator_not_available;
        res.member_id = jr.member_id;
        done(res);
        return;
    }
    ctx.groups->coordinator().join(std::move(jr), done);
}

} // namespace brook::broker::handlers

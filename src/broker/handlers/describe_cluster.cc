// DescribeCluster (key 60): brokers, cluster id and controller, as the admin clients see them.
#include "brook/protocol/kafka/messages/describe_cluster.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/protocol/kafka/error_code.h"

namespace brook::broker::handlers {

void handle_describe_cluster(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::describe_cluster_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    kafka::describe_cluster_response resp;
    resp.endpoint_type = body.endpoint_type;
    if (body.endpoint_type != 1) {
        // Only brokers (type 1) are described; controllers of KRaft clusters (type 2) do not exist here.
        resp.error_code = static_cast<int16_t>(kafka::error_code::unsupported_endpoint_type);
        resp.error_message = "Only the broker endpoint type is supported";
    }
    resp.cluster_id = ctx.metadata.cluster_id();
    resp.controller_id = ctx.metadata.controller();
    for (const auto& b : ctx.metadata.brokers()) {
        resp.brokers.push_back({b.node_id, b.host, b.port, b.rack, {}});
    }
    if (body.include_cluster_authorized_operations) {
        // No authorizer: every cluster operation is allowed (Kafka's AclOperation bit numbers).
        resp.cluster_authorized_operations =
            (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);
    }
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

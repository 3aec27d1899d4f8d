// FindCoordinator (key 10): the broker coordinating a group (key type 0) or a transactional id
// (key type 1); one key up to v3, a batch of keys from v4. The internal topic is created on the
// first lookup, as Kafka does.
#include "brook/protocol/kafka/messages/find_coordinator.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

namespace {

struct located {
    int16_t error = 0;
    std::optional<std::string> message;
    int32_t node_id = -1;
    std::string host;
    int32_t port = -1;
};

located locate(broker_context& ctx, const std::string& key, int8_t key_type) {
    located out;
    if (!ctx.groups) {
        out.error = static_cast<int16_t>(kafka::error_code::coordinator_not_available);
        return out;
    }
    auto found = ctx.groups->find_coordinator(key, key_type);
    if (found.error != kafka::error_code::none) {
        out.error = static_cast<int16_t>(found.error);
        out.message = std::string(kafka::describe(found.error).message);
        out.host = "";
        return out;
    }
    for (const auto& b : ctx.metadata.brokers()) {
        if (b.node_id == found.node_id) {
            out.node_id = b.node_id;
            out.host = b.host;
            out.port = b.port;
            return out;
        }
    }
    out.error = static_cast<int16_t>(kafka::error_code::coordinator_not_available);
    return out;
}

} // namespace

void handle_find_coordinator(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::find_coordinator_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    kafka::find_coordinator_response resp;
    if (version >= 4) {
        for (const auto& key : body.coordinator_keys) {
            auto found = locate(ctx, key, body.key_type);
            kafka::find_coordinator_response::coordinator c;
            c.key = key;
            c.node_id = found.node_id;
            c.host = found.host;
            c.port = found.port;
            c.error_code = found.error;
            c.error_message = found.message;
            resp.coordinators.push_back(std::move(c));
        }
    } else {
        auto found = locate(ctx, body.key, body.key_type);
        resp.error_code = found.error;
        resp.error_message = found.message;
        resp.node_id = found.node_id;
        resp.host = found.host;
        resp.port = found.port;
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

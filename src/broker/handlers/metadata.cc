// Metadata (key 3): brokers, cluster id, controller and topics, creating unknown topics when
// auto.create.topics.enable allows it.
#include "brook/protocol/kafka/messages/metadata.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/protocol/kafka/error_code.h"

namespace brook::broker::handlers {

namespace {

// Authorized-operation bit sets reported when asked (no authorizer: everything is allowed).
// Bits are Kafka's AclOperation codes.
constexpr int32_t topic_operations =
    (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);
constexpr int32_t cluster_operations = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

kafka::metadata_response::metadata_response_topic describe(const topic_metadata& t, bool authorized_ops) {
    kafka::metadata_response::metadata_response_topic out;
    out.name = t.name;
    out.topic_id = t.id;
    out.is_internal = t.name == "__consumer_offsets" || t.name == "__transaction_state";
    for (size_t p = 0; p < t.partitions.size(); ++p) {
        const auto& a = t.partitions[p];
        kafka::metadata_response::metadata_response_partition mp;
        mp.partition_index = static_cast<int32_t>(p);
        mp.leader_id = a.leader;
        mp.leader_epoch = a.leader_epoch;
        mp.replica_nodes = a.replicas;
        mp.isr_nodes = a.isr;
        if (a.leader < 0) {
            mp.error_code = static_cast<int16_t>(kafka::error_code::leader_not_available);
        }
        out.partitions.push_back(std::move(mp));
    }
    if (authorized_ops) {
        out.topic_authorized_operations = topic_operations;
    }
    return out;
}

kafka::metadata_response::metadata_response_topic topic_error(std::optional<std::string> name, kafka::uuid id,
                                                              kafka::error_code e) {
    kafka::metadata_response::metadata_response_topic out;
    out.name = std::move(name);
    out.topic_id = id;
    out.error_code = static_cast<int16_t>(e);
    return out;
}

} // namespace

void handle_metadata(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::metadata_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const int16_t version = r.prefix.api_version;
    const auto& body = req.value().body;
    kafka::metadata_response resp;
    for (const auto& b : ctx.metadata.brokers()) {
        resp.brokers.push_back({b.node_id, b.host, b.port, b.rack, {}});
    }
    resp.cluster_id = ctx.metadata.cluster_id();
    resp.controller_id = ctx.metadata.controller();
    if (body.include_cluster_authorized_operations) {
        resp.cluster_authorized_operations = cluster_operations;
    }
    const bool ops = body.include_topic_authorized_operations;
    // v0: an empty list means every topic; v1+: null means every topic and empty means none.
    const bool all_topics = !body.topics || (version == 0 && body.topics->empty());
    if (all_topics) {
        for (const auto& t : ctx.metadata.topics()) {
            resp.topics.push_back(describe(t, ops));
        }
    } else {
        const bool may_create = ctx.settings.auto_create_topics && (version < 4 || body.allow_auto_topic_creation);
        for (const auto& want : *body.topics) {
            if (!want.name) {
                auto t = ctx.metadata.topic_by_id(want.topic_id);
                resp.topics.push_back(
                    t ? describe(*t, ops)
                      : topic_error(std::nullopt, want.topic_id, kafka::error_code::unknown_topic_id));
                continue;
            }
            const auto& name = *want.name;
            if (auto t = ctx.metadata.topic(name)) {
                resp.topics.push_back(describe(*t, ops));
                continue;
            }
            if (!valid_topic_name(name)) {
                resp.topics.push_back(topic_error(name, {}, kafka::error_code::invalid_topic_exception));
                continue;
            }
            if (!may_create) {
                resp.topics.push_back(topic_error(name, {}, kafka::error_code::unknown_topic_or_partition));
                continue;
            }
            auto created = ctx.topics.create_topic(topic_request{name, -1, -1, {}});
            if (created.topic) {
                resp.topics.push_back(describe(*created.topic, ops));
            } else if (created.error == kafka::error_code::topic_already_exists) {
                // Created by a concurrent request since our lookup.
                auto t = ctx.metadata.topic(name);
                resp.topics.push_back(t ? describe(*t, ops)
                                        : topic_error(name, {}, kafka::error_code::leader_not_available));
            } else {
                resp.topics.push_back(topic_error(name, {}, created.error));
            }
        }
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

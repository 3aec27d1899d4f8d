// Metadata (key 3): brokers, cluster id, controller and topics, creating unknown topics when
// auto.create.topics.enable allows it.
//
// Auto-creation answers as Kafka does: the request that creates a topic gets LEADER_NOT_AVAILABLE
// for it (clients retry Metadata by themselves), and the topic is described only once the
// coordinator holds it — until then it stays LEADER_NOT_AVAILABLE and out of "all topics", so no
// producer writes to a partition whose creation may still be rolled back. A name that cannot be
// created gets the creation's error (e.g. INVALID_REPLICATION_FACTOR); when creating is not
// allowed (auto.create.topics.enable=false or, v4+, allow_auto_topic_creation=false), an unknown
// topic is UNKNOWN_TOPIC_OR_PARTITION.
#include "brook/protocol/kafka/messages/metadata.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/common/logging.h"
#include "brook/protocol/kafka/error_code.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>

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

// Starts creating `name` and returns the error to answer now: LEADER_NOT_AVAILABLE while the
// creation runs (or when a concurrent one won), else the error that stopped it at once.
kafka::error_code auto_create(broker_context& ctx, const std::string& name) {
    // The completion may run inside the call (validation failed, or a writer that completes at
    // once) or later on the coordinator client's thread: only an early one decides the answer.
    struct state {
        std::mutex mutex;
        bool answered = false;
        kafka::error_code early = kafka::error_code::none;
    };
    auto st = std::make_shared<state>();
    ctx.topics.create_topic_async(topic_request{name, -1, -1, {}}, false, [st, name](topic_outcome out) {
        std::lock_guard lock(st->mutex);
        if (!st->answered) {
            st->early = out.error;
        } else if (out.error != kafka::error_code::none && out.error != kafka::error_code::topic_already_exists) {
            get_logger("brook.broker")->warn("Auto-creation of topic '{}' failed: {}", name, out.message);
        }
    });
    std::lock_guard lock(st->mutex);
    st->answered = true;
    if (st->early == kafka::error_code::none || st->early == kafka::error_code::topic_already_exists) {
        return kafka::error_code::leader_not_available;
    }
    return st->early;
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
            if (!ctx.topics.awaiting_coordinator(t.name)) {
                resp.topics.push_back(describe(t, ops));
            }
        }
    } else {
        const bool may_create = ctx.settings.auto_create_topics && (version < 4 || body.allow_auto_topic_creation);
        for (const auto& want : *body.topics) {
            if (!want.name) {
                auto t = ctx.metadata.topic_by_id(want.topic_id);
                resp.topics.push_back(
                    t && !ctx.topics.awaiting_coordinator(t->name)
                        ? describe(*t, ops)
                        : topic_error(std::nullopt, want.topic_id, kafka::error_code::unknown_topic_id));
                continue;
            }
            const auto& name = *want.name;
            if (auto t = ctx.metadata.topic(name)) {
                resp.topics.push_back(ctx.topics.awaiting_coordinator(name)
                                          ? topic_error(name, {}, kafka::error_code::leader_not_available)
                                          : describe(*t, ops));
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
            resp.topics.push_back(topic_error(name, {}, auto_create(ctx, name)));
        }
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

// CreateTopics (key 19): create through the controller, per topic results (after the coordinator
// write), validateOnly.
#include "brook/protocol/kafka/messages/create_topics.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/reply_join.h"
#include "brook/protocol/kafka/error_code.h"

namespace brook::broker::handlers {

void handle_create_topics(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::create_topics_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    using response = kafka::create_topics_response;
    response resp;
    resp.topics.resize(body.topics.size());
    for (size_t i = 0; i < body.topics.size(); ++i) {
        resp.topics[i].name = body.topics[i].name;
    }
    auto fill = [](response& out, size_t i, const topic_outcome& o) {
        auto& t = out.topics[i];
        t.error_message = std::nullopt;
        if (o.error != kafka::error_code::none) {
            t.error_code = static_cast<int16_t>(o.error);
            t.error_message = o.message;
        } else if (o.topic) {
            t.topic_id = o.topic->id;
            t.num_partitions = static_cast<int32_t>(o.topic->partitions.size());
            t.replication_factor = static_cast<int16_t>(o.topic->partitions.front().replicas.size());
            t.configs.emplace();
        }
    };
    auto start = [&](size_t i, std::function<void(topic_outcome)> finish) {
        const auto& t = body.topics[i];
        if (!t.assignments.empty() && (t.num_partitions != -1 || t.replication_factor != -1)) {
            finish({kafka::error_code::invalid_request,
                    "Both numPartitions or replicationFactor and replicasAssignments were set.", std::nullopt});
            return;
        }
        // Explicit assignments are accepted when they only name this broker.
        for (const auto& a : t.assignments) {
            if (a.broker_ids.size() != 1 || a.broker_ids[0] != ctx.settings.node_id) {
                finish({kafka::error_code::invalid_replica_assignment, "Replica assignment names unknown brokers.",
                        std::nullopt});
                return;
            }
        }
        topic_request tr{t.name,
                         t.assignments.empty() ? t.num_partitions : static_cast<int32_t>(t.assignments.size()),
                         t.assignments.empty() ? t.replication_factor : int16_t{1},
                         {}};
        for (const auto& c : t.configs) {
            if (c.value) {
                tr.configs[c.name] = *c.value;
            }
        }
        ctx.topics.create_topic_async(tr, body.validate_only, std::move(finish));
    };
    answer_each_topic(body.topics, std::move(resp), std::move(reply), r.prefix.api_version,
                      topic_outcome{kafka::error_code::invalid_request,
                                    "Create topics request from client contains a duplicate topic.", std::nullopt},
                      fill, start);
}

} // namespace brook::broker::handlers

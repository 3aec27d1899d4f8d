// CreateTopics (key 19): create through the controller, per topic results, validateOnly.
#include "brook/protocol/kafka/messages/create_topics.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/protocol/kafka/error_code.h"

#include <set>

namespace brook::broker::handlers {

void handle_create_topics(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::create_topics_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    kafka::create_topics_response resp;
    std::multiset<std::string> names;
    for (const auto& t : body.topics) {
        names.insert(t.name);
    }
    for (const auto& t : body.topics) {
        kafka::create_topics_response::creatable_topic_result out;
        out.name = t.name;
        out.error_message = std::nullopt;
        auto fail = [&](kafka::error_code e, std::string message) {
            out.error_code = static_cast<int16_t>(e);
            out.error_message = std::move(message);
        };
        if (names.count(t.name) > 1) {
            fail(kafka::error_code::invalid_request, "Create topics request from client contains a duplicate topic.");
        } else if (!t.assignments.empty() && (t.num_partitions != -1 || t.replication_factor != -1)) {
            fail(kafka::error_code::invalid_request,
                 "Both numPartitions or replicationFactor and replicasAssignments were set.");
        } else if (!t.assignments.empty()) {
            // Explicit assignments are accepted when they only name this broker.
            bool ok = true;
            for (const auto& a : t.assignments) {
                ok = ok && a.broker_ids.size() == 1 && a.broker_ids[0] == ctx.settings.node_id;
            }
            if (!ok) {
                fail(kafka::error_code::invalid_replica_assignment, "Replica assignment names unknown brokers.");
            }
        }
        if (out.error_code == 0) {
            topic_request tr{t.name,
                             t.assignments.empty() ? t.num_partitions : static_cast<int32_t>(t.assignments.size()),
                             t.assignments.empty() ? t.replication_factor : int16_t{1},
                             {}};
            for (const auto& c : t.configs) {
                if (c.value) {
                    tr.configs[c.name] = *c.value;
                }
            }
            auto created = ctx.topics.create_topic(tr, body.validate_only);
            if (created.error != kafka::error_code::none) {
                fail(created.error, created.message);
            } else if (created.topic) {
                out.topic_id = created.topic->id;
                out.num_partitions = static_cast<int32_t>(created.topic->partitions.size());
                out.replication_factor = static_cast<int16_t>(created.topic->partitions.front().replicas.size());
                out.configs.emplace();
            }
        }
        resp.topics.push_back(std::move(out));
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

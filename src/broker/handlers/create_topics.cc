// CreateTopics (key 19): create through the controller, per topic results (after the coordinator
// write), validateOnly.
#include "brook/protocol/kafka/messages/create_topics.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/config_changes.h"
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
    using response = kafka::create_topics_response;
    response resp;
    resp.topics.resize(body.topics.size());
    // Each topic is answered once the coordinator holds it (or refused it); the reply goes when
    // the last one is in, from the coordinator client's thread: no network thread waits.
    auto join = std::make_shared<reply_join<response>>(std::move(resp), body.topics.size(), std::move(reply),
                                                       r.prefix.api_version);
    std::multiset<std::string> names;
    for (const auto& t : body.topics) {
        names.insert(t.name);
    }
    for (size_t i = 0; i < body.topics.size(); ++i) {
        const auto& t = body.topics[i];
        auto finish = [join, i, name = t.name](topic_outcome o) {
            join->complete_one([&](response& resp_) {
                auto& out = resp_.topics[i];
                out.name = name;
                out.error_message = std::nullopt;
                if (o.error != kafka::error_code::none) {
                    out.error_code = static_cast<int16_t>(o.error);
                    out.error_message = std::move(o.message);
                } else if (o.topic) {
                    out.topic_id = o.topic->id;
                    out.num_partitions = static_cast<int32_t>(o.topic->partitions.size());
                    out.replication_factor = static_cast<int16_t>(o.topic->partitions.front().replicas.size());
                    out.configs.emplace();
                }
            });
        };
        if (names.count(t.name) > 1) {
            finish({kafka::error_code::invalid_request, "Create topics request from client contains a duplicate topic.",
                    std::nullopt});
            continue;
        }
        if (!t.assignments.empty() && (t.num_partitions != -1 || t.replication_factor != -1)) {
            finish({kafka::error_code::invalid_request,
                    "Both numPartitions or replicationFactor and replicasAssignments were set.", std::nullopt});
            continue;
        }
        if (!t.assignments.empty()) {
            // Explicit assignments are accepted when they only name this broker.
            bool ok = true;
            for (const auto& a : t.assignments) {
                ok = ok && a.broker_ids.size() == 1 && a.broker_ids[0] == ctx.settings.node_id;
            }
            if (!ok) {
                finish({kafka::error_code::invalid_replica_assignment, "Replica assignment names unknown brokers.",
                        std::nullopt});
                continue;
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
        ctx.topics.create_topic_async(tr, body.validate_only, finish);
    }
    if (body.topics.empty()) {
        join->complete_one([](response&) {});
    }
}

} // namespace brook::broker::handlers

// CreatePartitions (key 37): grows topics (validateOnly, explicit assignments), answered once the
// coordinator holds the new assignment.
#include "brook/protocol/kafka/messages/create_partitions.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/config_changes.h"
#include "broker/handlers/handlers.h"

#include <set>

namespace brook::broker::handlers {

void handle_create_partitions(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::create_partitions_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    using response = kafka::create_partitions_response;
    response resp;
    resp.results.resize(body.topics.size());
    auto join = std::make_shared<reply_join<response>>(std::move(resp), body.topics.size(), std::move(reply),
                                                       r.prefix.api_version);
    std::multiset<std::string> names;
    for (const auto& t : body.topics) {
        names.insert(t.name);
    }
    for (size_t i = 0; i < body.topics.size(); ++i) {
        const auto& t = body.topics[i];
        auto finish = [join, i, name = t.name](change_outcome o) {
            join->complete_one([&](response& out) {
                auto& e = out.results[i];
                e.name = name;
                e.error_code = static_cast<int16_t>(o.error);
                e.error_message = o.error == kafka::error_code::none ? std::nullopt : std::optional(o.message);
            });
        };
        if (names.count(t.name) > 1) {
            finish({kafka::error_code::invalid_request, "Duplicate topic in request."});
            continue;
        }
        std::vector<std::vector<int32_t>> assignments;
        if (t.assignments) {
            for (const auto& a : *t.assignments) {
                assignments.push_back(a.broker_ids);
            }
        }
        ctx.topics.create_partitions(t.name, t.count, assignments, body.validate_only, finish);
    }
    if (body.topics.empty()) {
        join->complete_one([](response&) {});
    }
}

} // namespace brook::broker::handlers

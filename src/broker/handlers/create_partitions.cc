// CreatePartitions (key 37): grows topics (validateOnly, explicit assignments), answered once the
// coordinator holds the new assignment.
#include "brook/protocol/kafka/messages/create_partitions.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/reply_join.h"

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
    for (size_t i = 0; i < body.topics.size(); ++i) {
        resp.results[i].name = body.topics[i].name;
    }
    auto fill = [](response& out, size_t i, const change_outcome& o) {
        auto& e = out.results[i];
        e.error_code = static_cast<int16_t>(o.error);
        e.error_message = o.error == kafka::error_code::none ? std::nullopt : std::optional(o.message);
    };
    auto start = [&](size_t i, std::function<void(change_outcome)> finish) {
        const auto& t = body.topics[i];
        std::vector<std::vector<int32_t>> assignments;
        if (t.assignments) {
            for (const auto& a : *t.assignments) {
                assignments.push_back(a.broker_ids);
            }
        }
        ctx.topics.create_partitions(t.name, t.count, assignments, body.validate_only, std::move(finish));
    };
    answer_each_topic(body.topics, std::move(resp), std::move(reply), r.prefix.api_version,
                      change_outcome{kafka::error_code::invalid_request, "Duplicate topic in request."}, fill, start);
}

} // namespace brook::broker::handlers

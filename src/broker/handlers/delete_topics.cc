// DeleteTopics (key 20): by name (v0-5) or by name or id (v6+); answered once the deletion
// request is in the coordinator.
#include "brook/protocol/kafka/messages/delete_topics.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/reply_join.h"
#include "brook/protocol/kafka/error_code.h"

namespace brook::broker::handlers {

void handle_delete_topics(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::delete_topics_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    std::vector<std::pair<std::optional<std::string>, kafka::uuid>> wanted;
    if (version >= 6) {
        for (const auto& t : body.topics) {
            wanted.emplace_back(t.name, t.topic_id);
        }
    } else {
        for (const auto& n : body.topic_names) {
            wanted.emplace_back(n, kafka::uuid{});
        }
    }
    using response = kafka::delete_topics_response;
    response resp;
    resp.responses.resize(wanted.size());
    auto join = std::make_shared<reply_join<response>>(std::move(resp), wanted.size(), std::move(reply), version);
    for (size_t i = 0; i < wanted.size(); ++i) {
        auto& [name, id] = wanted[i];
        std::optional<topic_metadata> topic = name ? ctx.metadata.topic(*name) : ctx.metadata.topic_by_id(id);
        auto finish = [join, i, name = topic ? std::optional<std::string>(topic->name) : name,
                       id = topic ? topic->id : id](kafka::error_code e, std::optional<std::string> message) {
            join->complete_one([&](response& out) {
                auto& r = out.responses[i];
                r.name = name;
                r.topic_id = id;
                r.error_code = static_cast<int16_t>(e);
                r.error_message = std::move(message);
            });
        };
        if (!ctx.settings.delete_topic_enable) {
            finish(kafka::error_code::topic_deletion_disabled, "Topic deletion is disabled.");
        } else if (!topic) {
            finish(name ? kafka::error_code::unknown_topic_or_partition : kafka::error_code::unknown_topic_id,
                   std::nullopt);
        } else {
            ctx.topics.delete_topic_async(topic->name, [finish](change_outcome o) {
                finish(o.error, o.error == kafka::error_code::none ? std::nullopt : std::optional(o.message));
            });
        }
    }
    if (wanted.empty()) {
        join->complete_one([](response&) {});
    }
}

} // namespace brook::broker::handlers

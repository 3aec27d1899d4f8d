// DeleteTopics (key 20): by name (v0-5) or by name or id (v6+).
#include "brook/protocol/kafka/messages/delete_topics.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
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
    kafka::delete_topics_response resp;
    for (auto& [name, id] : wanted) {
        kafka::delete_topics_response::deletable_topic_result out;
        std::optional<topic_metadata> topic = name ? ctx.metadata.topic(*name) : ctx.metadata.topic_by_id(id);
        out.name = topic ? std::optional<std::string>(topic->name) : name;
        out.topic_id = topic ? topic->id : id;
        if (!ctx.settings.delete_topic_enable) {
            out.error_code = static_cast<int16_t>(kafka::error_code::topic_deletion_disabled);
        } else if (!topic) {
            out.error_code = static_cast<int16_t>(name ? kafka::error_code::unknown_topic_or_partition
                                                       : kafka::error_code::unknown_topic_id);
        } else {
            out.error_code = static_cast<int16_t>(ctx.topics.delete_topic(topic->name));
        }
        resp.responses.push_back(std::move(out));
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

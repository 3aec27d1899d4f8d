// ListGroups (key 16): the groups this broker coordinates, filtered by state (v4+) and type (v5+:
// every group here is "classic").
#include "brook/protocol/kafka/messages/list_groups.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

#include <algorithm>
#include <cctype>

namespace brook::broker::handlers {

void handle_list_groups(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::list_groups_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    kafka::list_groups_response resp;
    if (!ctx.groups) {
        resp.error_code = static_cast<int16_t>(kafka::error_code::coordinator_not_available);
        reply.send(encode(resp, version));
        return;
    }
    bool classic_wanted = body.types_filter.empty();
    for (const auto& t : body.types_filter) {
        std::string lower(t);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        classic_wanted = classic_wanted || lower == "classic";
    }
    if (classic_wanted) {
        for (auto& g : ctx.groups->coordinator().list(body.states_filter)) {
            kafka::list_groups_response::listed_group lg;
            lg.group_id = std::move(g.group_id);
            lg.protocol_type = std::move(g.protocol_type);
            lg.group_state = std::move(g.state);
            lg.group_type = "classic";
            resp.groups.push_back(std::move(lg));
        }
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

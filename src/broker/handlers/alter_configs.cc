// AlterConfigs (key 33): replaces the whole override set of each topic or broker resource
// (validated; validateOnly), stored in the coordinator before the reply and applied live.
#include "brook/protocol/kafka/messages/alter_configs.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/config_changes.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

void handle_alter_configs(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::alter_configs_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    using response = kafka::alter_configs_response;
    response resp;
    resp.responses.resize(body.resources.size());
    auto join = std::make_shared<reply_join<response>>(std::move(resp), body.resources.size(), std::move(reply),
                                                       r.prefix.api_version);
    for (size_t i = 0; i < body.resources.size(); ++i) {
        const auto& res = body.resources[i];
        auto finish = [join, i, type = res.resource_type, name = res.resource_name](resource_status s) {
            join->complete_one([&](response& out) {
                auto& e = out.responses[i];
                e.resource_type = type;
                e.resource_name = name;
                e.error_code = static_cast<int16_t>(s.error);
                e.error_message = s.error == kafka::error_code::none ? std::nullopt : std::optional(s.message);
            });
        };
        config_target target;
        auto status = resolve_target(ctx, res.resource_type, res.resource_name, target);
        config_map configs;
        for (const auto& c : res.configs) {
            if (!c.value) {
                status = {kafka::error_code::invalid_request, "Null value not supported for : " + c.name};
                break;
            }
            configs[c.name] = *c.value;
        }
        if (status.error == kafka::error_code::none) {
            status = check_overrides(target, configs);
        }
        if (status.error != kafka::error_code::none || body.validate_only) {
            finish(std::move(status));
            continue;
        }
        store_overrides(ctx, target, std::move(configs), finish);
    }
    if (body.resources.empty()) {
        join->complete_one([](response&) {});
    }
}

} // namespace brook::broker::handlers

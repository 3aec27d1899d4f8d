// AlterConfigs (key 33): replaces the whole override set of each topic or broker resource
// (validated; validateOnly), stored in the coordinator before the reply and applied live.
#include "brook/protocol/kafka/messages/alter_configs.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/config_changes.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

void handle_alter_configs(broker_context& ctx, request r, responder reply) {
    using req_t = kafka::alter_configs_request;
    alter_each_resource<req_t, kafka::alter_configs_response>(
        ctx, r, std::move(reply),
        [](const config_target&, const req_t::alter_configs_resource& res, config_map& configs) -> resource_status {
            for (const auto& c : res.configs) {
                if (!c.value) {
                    return {kafka::error_code::invalid_request, "Null value not supported for : " + c.name};
                }
                configs[c.name] = *c.value;
            }
            return {};
        });
}

} // namespace brook::broker::handlers

#pragma once
// What AlterConfigs and IncrementalAlterConfigs share: resource checks, validation of a resource's
// new override set, storing it through the controller.
#include "broker/broker_context.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/reply_join.h"
#include "brook/broker/dispatcher.h"
#include "brook/protocol/kafka/error_code.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace brook::broker::handlers {

/// Kafka's config resource types (wire values).
inline constexpr int8_t resource_topic = 2;
inline constexpr int8_t resource_broker = 4;
inline constexpr int8_t resource_broker_logger = 8;

struct resource_status {
    protocol::kafka::error_code error = protocol::kafka::error_code::none;
    std::string message;
};

/// The entity whose configs a resource names: a topic, a broker id or "<default>" (empty broker
/// name). Errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST (another broker, unsupported type).
struct config_target {
    int8_t type = 0;
    std::string entity;
};
resource_status resolve_target(broker_context& ctx, int8_t type, const std::string& name, config_target& out);

/// The overrides stored for the target now.
config_map current_overrides(broker_context& ctx, const config_target& target);

/// Checks every key and value of the target's new override set (INVALID_CONFIG on the first bad one).
resource_status check_overrides(const config_target& target, const config_map& configs);

/// Stores `configs` as the target's complete override set and applies it; `done` once stored.
void store_overrides(broker_context& ctx, const config_target& target, config_map configs,
                     std::function<void(resource_status)> done);

/// The shared body of AlterConfigs and IncrementalAlterConfigs: for each resource, resolve it,
/// let `build(target, resource, configs)` fill the new override set (returning its status), check
/// it, and store it unless validateOnly; one response once every resource is answered.
template<class Request, class Response, class Build>
void alter_each_resource(broker_context& ctx, request& r, responder reply, Build build) {
    auto req = decode<Request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    Response resp;
    resp.responses.resize(body.resources.size());
    auto join = std::make_shared<reply_join<Response>>(std::move(resp), body.resources.size(), std::move(reply),
                                                       r.prefix.api_version);
    for (size_t i = 0; i < body.resources.size(); ++i) {
        const auto& res = body.resources[i];
        auto finish = [join, i, type = res.resource_type, name = res.resource_name](resource_status s) {
            join->complete_one([&](Response& out) {
                auto& e = out.responses[i];
                e.resource_type = type;
                e.resource_name = name;
                e.error_code = static_cast<int16_t>(s.error);
                e.error_message =
                    s.error == protocol::kafka::error_code::none ? std::nullopt : std::optional(s.message);
            });
        };
        config_target target;
        auto status = resolve_target(ctx, res.resource_type, res.resource_name, target);
        config_map configs;
        if (status.error == protocol::kafka::error_code::none) {
            status = build(target, res, configs);
        }
        if (status.error == protocol::kafka::error_code::none) {
            status = check_overrides(target, configs);
        }
        if (status.error != protocol::kafka::error_code::none || body.validate_only) {
            finish(std::move(status));
            continue;
        }
        store_overrides(ctx, target, std::move(configs), finish);
    }
    if (body.resources.empty()) {
        join->complete_one([](Response&) {});
    }
}

} // namespace brook::broker::handlers

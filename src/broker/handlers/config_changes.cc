#include "broker/handlers/config_changes.h"

namespace brook::broker::handlers {

using kafka::error_code;

resource_status resolve_target(broker_context& ctx, int8_t type, const std::string& name, config_target& out) {
    out.type = type;
    if (type == resource_topic) {
        if (!ctx.metadata.topic(name)) {
            return {error_code::unknown_topic_or_partition, "Topic '" + name + "' does not exist."};
        }
        out.entity = name;
        return {};
    }
    if (type == resource_broker) {
        if (name.empty()) {
            out.entity = std::string(default_broker_entity);
            return {};
        }
        if (name != std::to_string(ctx.settings.node_id)) {
            return {error_code::invalid_request, "Unexpected broker id, expected " +
                                                     std::to_string(ctx.settings.node_id) +
                                                     " or empty string, but "
                                                     "received " +
                                                     name};
        }
        out.entity = name;
        return {};
    }
    if (type == resource_broker_logger) {
        return {error_code::invalid_request, "Broker logger configs cannot be changed on this broker."};
    }
    return {error_code::invalid_request, "Unsupported resource type " + std::to_string(type)};
}

config_map current_overrides(broker_context& ctx, const config_target& target) {
    if (target.type == resource_topic) {
        auto t = ctx.metadata.topic(target.entity);
        return t ? t->configs : config_map{};
    }
    return ctx.metadata.broker_configs(target.entity);
}

resource_status check_overrides(const config_target& target, const config_map& configs) {
    for (const auto& [k, v] : configs) {
        auto why = target.type == resource_topic ? check_topic_config(k, v) : check_broker_config(k, v);
        if (why) {
            return {error_code::invalid_config, *why};
        }
    }
    return {};
}

void store_overrides(broker_context& ctx, const config_target& target, config_map configs,
                     std::function<void(resource_status)> done) {
    auto finish = [done = std::move(done)](change_outcome o) { done({o.error, std::move(o.message)}); };
    if (target.type == resource_topic) {
        ctx.topics.alter_topic_configs(target.entity, std::move(configs), std::move(finish));
    } else {
        ctx.topics.alter_broker_configs(target.entity, std::move(configs), std::move(finish));
    }
}

} // namespace brook::broker::handlers

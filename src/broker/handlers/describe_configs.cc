// DescribeConfigs (key 32): topic configs (overrides, else the broker default they derive from)
// and broker configs (the values this broker runs with).
#include "brook/protocol/kafka/messages/describe_configs.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/broker/config.h"
#include "brook/protocol/kafka/error_code.h"

#include <algorithm>
#include <string_view>

namespace brook::broker::handlers {

namespace {

using config_entry = kafka::describe_configs_response::describe_configs_resource_result;

// Kafka's resource types and config sources and types (DescribeConfigs wire values).
constexpr int8_t resource_topic = 2;
constexpr int8_t resource_broker = 4;
constexpr int8_t source_dynamic_topic = 1;
constexpr int8_t source_static_broker = 4;
constexpr int8_t source_default = 5;
constexpr int8_t type_boolean = 1;
constexpr int8_t type_string = 2;
constexpr int8_t type_int = 3;
constexpr int8_t type_long = 5;
constexpr int8_t type_double = 6;
constexpr int8_t type_list = 7;

/// A topic config and the broker key its default comes from.
struct topic_key {
    std::string_view name;
    std::string_view broker_key;
    int8_t type;
};

constexpr topic_key topic_keys[] = {
    {"cleanup.policy", "log.cleanup.policy", type_list},
    {"compression.type", "compression.type", type_string},
    {"delete.retention.ms", "log.cleaner.delete.retention.ms", type_long},
    {"flush.messages", "log.flush.interval.messages", type_long},
    {"index.interval.bytes", "log.index.interval.bytes", type_int},
    {"max.message.bytes", "message.max.bytes", type_int},
    {"message.timestamp.type", "log.message.timestamp.type", type_string},
    {"min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio", type_double},
    {"min.insync.replicas", "min.insync.replicas", type_int},
    {"retention.bytes", "log.retention.bytes", type_long},
    {"retention.ms", "", type_long},
    {"segment.bytes", "log.segment.bytes", type_int},
    {"segment.index.bytes", "log.index.size.max.bytes", type_int},
    {"segment.ms", "", type_long},
    {"unclean.leader.election.enable", "unclean.leader.election.enable", type_boolean},
};

std::string broker_value(const config_values& cfg, std::string_view key) {
    if (key.empty()) {
        return "";
    }
    auto raw = cfg.raw().find(key);
    if (raw != cfg.raw().end()) {
        return raw->second;
    }
    const auto* def = cfg.registry().find(key);
    return def && def->default_text ? *def->default_text : "";
}

bool wanted(const std::optional<std::vector<std::string>>& keys, std::string_view name) {
    return !keys || keys->empty() || std::find(keys->begin(), keys->end(), name) != keys->end();
}

config_entry entry(std::string name, std::string value, int8_t source, int8_t type, bool read_only) {
    config_entry e;
    e.name = std::move(name);
    e.value = std::move(value);
    e.config_source = source;
    e.is_default = source == source_default;
    e.read_only = read_only;
    e.config_type = type;
    e.documentation = std::nullopt;
    return e;
}

void describe_topic(broker_context& ctx, const kafka::describe_configs_request::describe_configs_resource& want,
                    kafka::describe_configs_response::describe_configs_result& out) {
    auto topic = ctx.metadata.topic(want.resource_name);
    if (!topic) {
        out.error_code = static_cast<int16_t>(kafka::error_code::unknown_topic_or_partition);
        out.error_message = "Topic '" + want.resource_name + "' does not exist.";
        return;
    }
    for (const auto& k : topic_keys) {
        if (!wanted(want.configuration_keys, k.name)) {
            continue;
        }
        std::string name(k.name);
        if (auto it = topic->configs.find(name); it != topic->configs.end()) {
            out.configs.push_back(entry(name, it->second, source_dynamic_topic, k.type, false));
            continue;
        }
        std::string value = name == "retention.ms" ? std::to_string(effective_retention_ms(ctx.config))
                            : name == "segment.ms" ? std::to_string(effective_roll_ms(ctx.config))
                                                   : broker_value(ctx.config, k.broker_key);
        bool explicitly = !k.broker_key.empty() && ctx.config.is_set(k.broker_key);
        out.configs.push_back(entry(name, value, explicitly ? source_static_broker : source_default, k.type, false));
    }
}

int8_t type_of(config_type t) {
    switch (t) {
    case config_type::boolean:
        return type_boolean;
    case config_type::int32:
        return type_int;
    case config_type::int64:
        return type_long;
    case config_type::float64:
        return type_double;
    case config_type::list:
        return type_list;
    case config_type::string:
        return type_string;
    }
    return type_string;
}

void describe_broker(broker_context& ctx, const kafka::describe_configs_request::describe_configs_resource& want,
                     kafka::describe_configs_response::describe_configs_result& out) {
    if (!want.resource_name.empty() && want.resource_name != std::to_string(ctx.settings.node_id)) {
        out.error_code = static_cast<int16_t>(kafka::error_code::invalid_request);
        out.error_message = "Unexpected broker id, expected " + std::to_string(ctx.settings.node_id);
        return;
    }
    for (const auto& key : ctx.config.registry().keys()) {
        if (key.prefix || !wanted(want.configuration_keys, key.name)) {
            continue;
        }
        bool explicitly = ctx.config.is_set(key.name);
        if (!explicitly && !key.default_text) {
            continue;
        }
        out.configs.push_back(entry(key.name, broker_value(ctx.config, key.name),
                                    explicitly ? source_static_broker : source_default, type_of(key.type), true));
    }
}

} // namespace

void handle_describe_configs(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::describe_configs_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    kafka::describe_configs_response resp;
    for (const auto& want : req.value().body.resources) {
        kafka::describe_configs_response::describe_configs_result out;
        out.resource_type = want.resource_type;
        out.resource_name = want.resource_name;
        out.error_message = std::nullopt;
        if (want.resource_type == resource_topic) {
            describe_topic(ctx, want, out);
        } else if (want.resource_type == resource_broker) {
            describe_broker(ctx, want, out);
        } else {
            out.error_code = static_cast<int16_t>(kafka::error_code::invalid_request);
            out.error_message = "Unsupported resource type " + std::to_string(want.resource_type);
        }
        resp.results.push_back(std::move(out));
    }
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

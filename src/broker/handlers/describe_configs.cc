// DescribeConfigs (key 32): topic configs (overrides, else the broker value they derive from,
// dynamic or static) and broker configs (the values in use, with their sources).
#include "brook/protocol/kafka/messages/describe_configs.h"

#include "broker/dynamic_config.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/broker/config.h"
#include "brook/protocol/kafka/error_code.h"

#include <algorithm>
#include <map>
#include <string_view>

namespace brook::broker::handlers {

namespace {

using config_entry = kafka::describe_configs_response::describe_configs_resource_result;

// Kafka's resource types and config sources and types (DescribeConfigs wire values).
constexpr int8_t resource_topic = 2;
constexpr int8_t resource_broker = 4;
constexpr int8_t source_dynamic_topic = static_cast<int8_t>(config_source::dynamic_topic);
constexpr int8_t source_default = static_cast<int8_t>(config_source::default_config);
constexpr int8_t type_boolean = 1;
constexpr int8_t type_string = 2;
constexpr int8_t type_int = 3;
constexpr int8_t type_long = 5;
constexpr int8_t type_double = 6;
constexpr int8_t type_list = 7;

/// Kafka's defaults of topic configs without a broker synonym here.
std::string topic_only_default(std::string_view name) {
    static const std::map<std::string_view, std::string_view> defaults = {
        {"file.delete.delay.ms", "60000"},
        {"follower.replication.throttled.replicas", ""},
        {"leader.replication.throttled.replicas", ""},
        {"local.retention.bytes", "-2"},
        {"local.retention.ms", "-2"},
        {"max.compaction.lag.ms", "9223372036854775807"},
        {"message.downconversion.enable", "true"},
        {"message.format.version", "3.0-IV1"},
        {"message.timestamp.after.max.ms", "9223372036854775807"},
        {"message.timestamp.before.max.ms", "9223372036854775807"},
        {"message.timestamp.difference.max.ms", "9223372036854775807"},
        {"min.compaction.lag.ms", "0"},
        {"preallocate", "false"},
        {"remote.storage.enable", "false"},
        {"segment.jitter.ms", "0"},
    };
    auto it = defaults.find(name);
    return it == defaults.end() ? std::string() : std::string(it->second);
}

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

int8_t type_of(config_type t);

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
    const auto dyn = ctx.topics.broker_configs();
    const auto effective = ctx.topics.effective_config();
    for (const auto& k : topic_config_registry().keys()) {
        if (!wanted(want.configuration_keys, k.name)) {
            continue;
        }
        const int8_t type = type_of(k.type);
        if (auto it = topic->configs.find(k.name); it != topic->configs.end()) {
            out.configs.push_back(entry(k.name, it->second, source_dynamic_topic, type, false));
            continue;
        }
        const auto broker_key = broker_synonym(k.name);
        std::string value = k.name == "retention.ms" ? std::to_string(effective_retention_ms(effective))
                            : k.name == "segment.ms" ? std::to_string(effective_roll_ms(effective))
                                                     : broker_value(effective, broker_key);
        auto source =
            broker_key.empty() ? config_source::default_config : broker_config_source(ctx.config, dyn, broker_key);
        if (broker_key.empty()) {
            value = topic_only_default(k.name);
        }
        out.configs.push_back(entry(k.name, value, static_cast<int8_t>(source), type, false));
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
    const auto dyn = ctx.topics.broker_configs();
    if (want.resource_name.empty()) {
        // The cluster-wide dynamic defaults (/config/brokers/<default>) only.
        for (const auto& [k, v] : dyn.cluster_default) {
            const auto* def = ctx.config.registry().find(k);
            if (wanted(want.configuration_keys, k) && def) {
                out.configs.push_back(
                    entry(k, v, static_cast<int8_t>(config_source::dynamic_default_broker), type_of(def->type), false));
            }
        }
        return;
    }
    if (want.resource_name != std::to_string(ctx.settings.node_id)) {
        out.error_code = static_cast<int16_t>(kafka::error_code::invalid_request);
        out.error_message = "Unexpected broker id, expected " + std::to_string(ctx.settings.node_id);
        return;
    }
    const auto effective = ctx.topics.effective_config();
    for (const auto& key : ctx.config.registry().keys()) {
        if (key.prefix || !wanted(want.configuration_keys, key.name)) {
            continue;
        }
        auto source = broker_config_source(ctx.config, dyn, key.name);
        if (source == config_source::default_config && !key.default_text) {
            continue;
        }
        out.configs.push_back(entry(key.name, broker_value(effective, key.name), static_cast<int8_t>(source),
                                    type_of(key.type), !is_dynamic_broker_config(key.name)));
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

// DescribeConfigs (key 32): topic configs (overrides, else the broker value they derive from,
// dynamic or static) and broker configs (the values in use), with their sources, synonyms (v1+)
// and documentation (v3+).
//
// Synonyms follow Kafka (ZooKeeper mode, ConfigHelper): a topic config lists its override
// (DYNAMIC_TOPIC_CONFIG) first, then the synonyms of its broker key; a broker key's synonyms are
// looked up in each layer in turn — this broker's dynamic configs (DYNAMIC_BROKER_CONFIG), the
// cluster-wide dynamic defaults (DYNAMIC_DEFAULT_BROKER_CONFIG), server.properties
// (STATIC_BROKER_CONFIG), the built-in defaults (DEFAULT_CONFIG) — for every key that can set it
// (log.retention.ms/.minutes/.hours ...), and entries before the first one named like the key
// itself are dropped. An entry's source is the source of its first synonym (DEFAULT_CONFIG when
// there is none), also when synonyms were not asked for; v0 reports is_default instead.
#include "brook/protocol/kafka/messages/describe_configs.h"

#include "broker/dynamic_config.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/broker/config.h"
#include "brook/protocol/kafka/error_code.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

namespace brook::broker::handlers {

namespace {

using config_entry = kafka::describe_configs_response::describe_configs_resource_result;
using synonym = kafka::describe_configs_response::describe_configs_synonym;

// Kafka's resource types and config types (DescribeConfigs wire values).
constexpr int8_t resource_topic = 2;
constexpr int8_t resource_broker = 4;
constexpr int8_t type_boolean = 1;
constexpr int8_t type_string = 2;
constexpr int8_t type_int = 3;
constexpr int8_t type_long = 5;
constexpr int8_t type_double = 6;
constexpr int8_t type_list = 7;

int8_t wire(config_source s) {
    return static_cast<int8_t>(s);
}

/// Topic configs whose broker key this broker does not define: Kafka's broker key (reported as
/// the DEFAULT_CONFIG synonym; "" when Kafka has none) and its default.
struct topic_only {
    std::string_view broker_key;
    std::string_view default_value;
};

const topic_only* find_topic_only(std::string_view name) {
    static const std::map<std::string_view, topic_only> defaults = {
        {"file.delete.delay.ms", {"log.segment.delete.delay.ms", "60000"}},
        {"follower.replication.throttled.replicas", {"", ""}},
        {"leader.replication.throttled.replicas", {"", ""}},
        {"local.retention.bytes", {"log.local.retention.bytes", "-2"}},
        {"local.retention.ms", {"log.local.retention.ms", "-2"}},
        {"max.compaction.lag.ms", {"log.cleaner.max.compaction.lag.ms", "9223372036854775807"}},
        {"message.downconversion.enable", {"log.message.downconversion.enable", "true"}},
        {"message.format.version", {"log.message.format.version", "3.0-IV1"}},
        {"message.timestamp.after.max.ms", {"log.message.timestamp.after.max.ms", "9223372036854775807"}},
        {"message.timestamp.before.max.ms", {"log.message.timestamp.before.max.ms", "9223372036854775807"}},
        {"message.timestamp.difference.max.ms", {"log.message.timestamp.difference.max.ms", "9223372036854775807"}},
        {"min.compaction.lag.ms", {"log.cleaner.min.compaction.lag.ms", "0"}},
        {"preallocate", {"log.preallocate", "false"}},
        {"remote.storage.enable", {"", "false"}},
        // log.roll.jitter.ms has no default and log.roll.jitter.hours is dropped (see above).
        {"segment.jitter.ms", {"", "0"}},
    };
    auto it = defaults.find(name);
    return it == defaults.end() ? nullptr : &it->second;
}

/// Kafka's DynamicBrokerConfig.brokerConfigSynonyms: every broker key that can set `key`, the
/// most specific first.
std::vector<std::string_view> broker_key_synonyms(std::string_view key) {
    if (key == "log.roll.ms" || key == "log.roll.hours") {
        return {"log.roll.ms", "log.roll.hours"};
    }
    if (key == "log.roll.jitter.ms" || key == "log.roll.jitter.hours") {
        return {"log.roll.jitter.ms", "log.roll.jitter.hours"};
    }
    if (key == "log.flush.interval.ms") {
        return {"log.flush.interval.ms", "log.flush.scheduler.interval.ms"};
    }
    if (key == "log.retention.ms" || key == "log.retention.minutes" || key == "log.retention.hours") {
        return {"log.retention.ms", "log.retention.minutes", "log.retention.hours"};
    }
    return {key};
}

/// The synonyms of broker key `key` across the layers, most specific first (see the top).
/// `per_broker` false keeps only the cluster-wide dynamic defaults (the "<default>" resource).
std::vector<synonym> broker_synonyms(const config_values& static_cfg, const dynamic_broker_configs& dyn,
                                     std::string_view key, bool per_broker = true) {
    std::vector<synonym> out;
    const auto names = broker_key_synonyms(key);
    auto from_map = [&](const config_map& layer, config_source source) {
        for (auto n : names) {
            if (auto it = layer.find(std::string(n)); it != layer.end()) {
                out.push_back({std::string(n), it->second, wire(source), {}});
            }
        }
    };
    from_map(dyn.this_broker, config_source::dynamic_broker);
    from_map(dyn.cluster_default, config_source::dynamic_default_broker);
    for (auto n : names) {
        if (auto it = static_cfg.raw().find(n); it != static_cfg.raw().end()) {
            out.push_back({std::string(n), it->second, wire(config_source::static_broker), {}});
        }
    }
    for (auto n : names) {
        const auto* def = static_cfg.registry().find(n);
        if (def && def->default_text) {
            out.push_back({std::string(n), *def->default_text, wire(config_source::default_config), {}});
        }
    }
    auto first = std::find_if(out.begin(), out.end(), [&](const synonym& s) { return s.name == key; });
    out.erase(out.begin(), first);
    if (!per_broker) {
        std::erase_if(out, [](const synonym& s) { return s.source != wire(config_source::dynamic_default_broker); });
    }
    return out;
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

bool wanted(const std::optional<std::vector<std::string>>& keys, std::string_view name) {
    return !keys || keys->empty() || std::find(keys->begin(), keys->end(), name) != keys->end();
}

/// What the request asked to include.
struct detail {
    bool synonyms = false;
    bool documentation = false;
};

config_entry entry(const config_key& key, std::string value, std::vector<synonym> synonyms, bool read_only,
                   const detail& want) {
    config_entry e;
    e.name = key.name;
    e.value = std::move(value);
    e.config_source = synonyms.empty() ? wire(config_source::default_config) : synonyms.front().source;
    e.is_default = e.config_source == wire(config_source::default_config);
    e.read_only = read_only;
    e.config_type = type_of(key.type);
    if (want.synonyms) {
        e.synonyms = std::move(synonyms);
    }
    e.documentation = std::nullopt;
    if (want.documentation && !key.doc.empty()) {
        e.documentation = key.doc;
    }
    return e;
}

void describe_topic(broker_context& ctx, const kafka::describe_configs_request::describe_configs_resource& want,
                    const detail& detail, kafka::describe_configs_response::describe_configs_result& out) {
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
        const auto broker_key = broker_synonym(k.name);
        std::vector<synonym> synonyms;
        std::string value;
        if (!broker_key.empty()) {
            synonyms = broker_synonyms(ctx.config, dyn, broker_key);
            value = k.name == "retention.ms" ? std::to_string(effective_retention_ms(effective))
                    : k.name == "segment.ms" ? std::to_string(effective_roll_ms(effective))
                                             : broker_value(effective, broker_key);
        } else if (const auto* only = find_topic_only(k.name)) {
            value = std::string(only->default_value);
            if (!only->broker_key.empty()) {
                synonyms.push_back({std::string(only->broker_key), value, wire(config_source::default_config), {}});
            }
        }
        if (auto it = topic->configs.find(k.name); it != topic->configs.end()) {
            value = it->second;
            synonyms.insert(synonyms.begin(), synonym{k.name, value, wire(config_source::dynamic_topic), {}});
        }
        out.configs.push_back(entry(k, std::move(value), std::move(synonyms), false, detail));
    }
}

void describe_broker(broker_context& ctx, const kafka::describe_configs_request::describe_configs_resource& want,
                     const detail& detail, kafka::describe_configs_response::describe_configs_result& out) {
    const auto dyn = ctx.topics.broker_configs();
    if (want.resource_name.empty()) {
        // The cluster-wide dynamic defaults (/config/brokers/<default>) only.
        for (const auto& [k, v] : dyn.cluster_default) {
            const auto* def = ctx.config.registry().find(k);
            if (wanted(want.configuration_keys, k) && def) {
                out.configs.push_back(entry(*def, v, broker_synonyms(ctx.config, dyn, k, false), false, detail));
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
        auto synonyms = broker_synonyms(ctx.config, dyn, key.name);
        if (synonyms.empty() && !key.default_text && !ctx.config.is_set(key.name)) {
            continue; // no value at all (e.g. log.retention.ms when only hours apply)
        }
        out.configs.push_back(entry(key, broker_value(effective, key.name), std::move(synonyms),
                                    !is_dynamic_broker_config(key.name), detail));
    }
}

} // namespace

void handle_describe_configs(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::describe_configs_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    const detail detail{version >= 1 && body.include_synonyms, version >= 3 && body.include_documentation};
    kafka::describe_configs_response resp;
    for (const auto& want : body.resources) {
        kafka::describe_configs_response::describe_configs_result out;
        out.resource_type = want.resource_type;
        out.resource_name = want.resource_name;
        out.error_message = std::nullopt;
        if (want.resource_type == resource_topic) {
            describe_topic(ctx, want, detail, out);
        } else if (want.resource_type == resource_broker) {
            describe_broker(ctx, want, detail, out);
        } else {
            out.error_code = static_cast<int16_t>(kafka::error_code::invalid_request);
            out.error_message = "Unsupported resource type " + std::to_string(want.resource_type);
        }
        resp.results.push_back(std::move(out));
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

#include "broker/dynamic_config.h"

#include "broker/log_store.h"
#include "brook/broker/config.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdlib>

namespace brook::broker {

namespace {

struct topic_def {
    const char* name;
    config_type type;
    const char* synonym;
    std::optional<double> min;
    std::optional<double> max;
    std::vector<std::string> one_of;
};

const std::vector<topic_def>& topic_defs() {
    using t = config_type;
    static const std::vector<topic_def> defs = {
        {"cleanup.policy", t::list, "log.cleanup.policy", std::nullopt, std::nullopt, {"delete", "compact"}},
        {"compression.type",
         t::string,
         "compression.type",
         std::nullopt,
         std::nullopt,
         {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}},
        {"delete.retention.ms", t::int64, "log.cleaner.delete.retention.ms", 0, std::nullopt, {}},
        {"file.delete.delay.ms", t::int64, "", 0, std::nullopt, {}},
        {"flush.messages", t::int64, "log.flush.interval.messages", 1, std::nullopt, {}},
        {"flush.ms", t::int64, "log.flush.interval.ms", 0, std::nullopt, {}},
        {"follower.replication.throttled.replicas", t::list, "", std::nullopt, std::nullopt, {}},
        {"index.interval.bytes", t::int32, "log.index.interval.bytes", 0, std::nullopt, {}},
        {"leader.replication.throttled.replicas", t::list, "", std::nullopt, std::nullopt, {}},
        {"local.retention.bytes", t::int64, "", -2, std::nullopt, {}},
        {"local.retention.ms", t::int64, "", -2, std::nullopt, {}},
        {"max.compaction.lag.ms", t::int64, "", 1, std::nullopt, {}},
        {"max.message.bytes", t::int32, "message.max.bytes", 0, std::nullopt, {}},
        {"message.downconversion.enable", t::boolean, "", std::nullopt, std::nullopt, {}},
        {"message.format.version", t::string, "", std::nullopt, std::nullopt, {}},
        {"message.timestamp.after.max.ms", t::int64, "", 0, std::nullopt, {}},
        {"message.timestamp.before.max.ms", t::int64, "", 0, std::nullopt, {}},
        {"message.timestamp.difference.max.ms", t::int64, "", 0, std::nullopt, {}},
        {"message.timestamp.type",
         t::string,
         "log.message.timestamp.type",
         std::nullopt,
         std::nullopt,
         {"CreateTime", "LogAppendTime"}},
        {"min.cleanable.dirty.ratio", t::float64, "log.cleaner.min.cleanable.ratio", 0, 1, {}},
        {"min.compaction.lag.ms", t::int64, "", 0, std::nullopt, {}},
        {"min.insync.replicas", t::int32, "min.insync.replicas", 1, std::nullopt, {}},
        {"preallocate", t::boolean, "", std::nullopt, std::nullopt, {}},
        {"remote.storage.enable", t::boolean, "", std::nullopt, std::nullopt, {}},
        {"retention.bytes", t::int64, "log.retention.bytes", std::nullopt, std::nullopt, {}},
        {"retention.ms", t::int64, "log.retention.ms", -1, std::nullopt, {}},
        {"segment.bytes", t::int32, "log.segment.bytes", 14, std::nullopt, {}},
        {"segment.index.bytes", t::int32, "log.index.size.max.bytes", 4, std::nullopt, {}},
        {"segment.jitter.ms", t::int64, "", 0, std::nullopt, {}},
        {"segment.ms", t::int64, "log.roll.ms", 1, std::nullopt, {}},
        {"unclean.leader.election.enable",
         t::boolean,
         "unclean.leader.election.enable",
         std::nullopt,
         std::nullopt,
         {}},
    };
    return defs;
}

config_registry build_topic_registry() {
    config_registry r;
    for (const auto& d : topic_defs()) {
        r.define(config_key{d.name, d.type, std::nullopt, "", d.min, d.max, d.one_of, false});
    }
    return r;
}

template<class T>
bool parse_number(const std::string& text, T& out) {
    T v{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return false;
    }
    out = v;
    return true;
}

} // namespace

const config_registry& topic_config_registry() {
    static const config_registry r = build_topic_registry();
    return r;
}

std::string_view broker_synonym(std::string_view topic_key) {
    for (const auto& d : topic_defs()) {
        if (topic_key == d.name) {
            return d.synonym;
        }
    }
    return "";
}

std::optional<std::string> check_topic_config(std::string_view key, std::string_view value) {
    const auto* def = topic_config_registry().find(key);
    if (!def) {
        return "Unknown topic config name: " + std::string(key);
    }
    auto parsed = config_registry::parse_value(*def, value);
    if (auto* reason = std::get_if<std::string>(&parsed)) {
        return "Invalid value " + std::string(value) + " for configuration " + std::string(key) + ": " + *reason;
    }
    return std::nullopt;
}

bool is_dynamic_broker_config(std::string_view key) {
    if (key.empty() || !broker_config_registry().find(key)) {
        return false;
    }
    return std::any_of(topic_defs().begin(), topic_defs().end(), [&](const topic_def& d) { return key == d.synonym; });
}

std::optional<std::string> check_broker_config(std::string_view key, std::string_view value) {
    const auto* def = broker_config_registry().find(key);
    if (!def) {
        return "Unknown broker config name: " + std::string(key);
    }
    if (!is_dynamic_broker_config(key)) {
        return "Cannot update these configs dynamically: [" + std::string(key) + "]";
    }
    auto parsed = config_registry::parse_value(*def, value);
    if (auto* reason = std::get_if<std::string>(&parsed)) {
        return "Invalid value " + std::string(value) + " for configuration " + std::string(key) + ": " + *reason;
    }
    return std::nullopt;
}

config_values effective_broker_config(const config_values& static_cfg, const dynamic_broker_configs& dyn) {
    config_values out = static_cfg;
    for (const auto* layer : {&dyn.cluster_default, &dyn.this_broker}) {
        for (const auto& [k, v] : *layer) {
            if (is_dynamic_broker_config(k)) {
                (void)out.set(k, v, config_origin{"dynamic", 0});
            }
        }
    }
    return out;
}

config_source broker_config_source(const config_values& static_cfg, const dynamic_broker_configs& dyn,
                                   std::string_view key) {
    const std::string k(key);
    if (dyn.this_broker.count(k) != 0) {
        return config_source::dynamic_broker;
    }
    if (dyn.cluster_default.count(k) != 0) {
        return config_source::dynamic_default_broker;
    }
    return static_cfg.is_set(key) ? config_source::static_broker : config_source::default_config;
}

log::log_config topic_log_config(const config_values& effective_broker, const config_map& overrides) {
    log::log_config c = log_config_from(effective_broker);
    auto get = [&](const char* key) -> const std::string* {
        auto it = overrides.find(key);
        return it == overrides.end() ? nullptr : &it->second;
    };
    int64_t v = 0;
    if (auto* s = get("segment.bytes"); s && parse_number(*s, v) && v > 0) {
        c.segment_bytes = static_cast<uint64_t>(v);
    }
    if (auto* s = get("segment.ms"); s && parse_number(*s, v)) {
        c.segment_ms = v;
    }
    if (auto* s = get("index.interval.bytes"); s && parse_number(*s, v) && v >= 0 && v <= INT32_MAX) {
        c.index_interval_bytes = static_cast<uint32_t>(v);
    }
    if (auto* s = get("segment.index.bytes"); s && parse_number(*s, v) && v >= 4 && v <= INT32_MAX) {
        c.max_index_bytes = static_cast<uint32_t>(v);
    }
    if (auto* s = get("retention.ms"); s && parse_number(*s, v)) {
        c.retention_ms = v;
    }
    if (auto* s = get("retention.bytes"); s && parse_number(*s, v)) {
        c.retention_bytes = v;
    }
    if (auto* s = get("delete.retention.ms"); s && parse_number(*s, v)) {
        c.delete_retention_ms = v;
    }
    if (auto* s = get("flush.messages"); s && parse_number(*s, v) && v > 0) {
        c.flush_interval_messages = v;
    }
    if (auto* s = get("flush.ms"); s && parse_number(*s, v) && v >= 0) {
        c.flush_interval_ms = v;
    }
    if (auto* s = get("max.message.bytes"); s && parse_number(*s, v) && v >= 0 && v <= INT32_MAX) {
        c.max_batch_bytes = static_cast<uint32_t>(v);
    }
    if (auto* s = get("message.timestamp.type")) {
        c.log_append_time = *s == "LogAppendTime";
    }
    if (auto* s = get("min.cleanable.dirty.ratio")) {
        char* end = nullptr;
        double d = std::strtod(s->c_str(), &end);
        if (end && *end == 0 && d >= 0 && d <= 1) {
            c.min_cleanable_dirty_ratio = d;
        }
    }
    if (auto* s = get("cleanup.policy")) {
        c.cleanup_delete = s->find("delete") != std::string::npos;
        c.cleanup_compact = s->find("compact") != std::string::npos;
    }
    return c;
}

} // namespace brook::broker

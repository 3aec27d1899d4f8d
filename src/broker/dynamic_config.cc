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
    const char* doc;
};

const std::vector<topic_def>& topic_defs() {
    using t = config_type;
    static const std::vector<topic_def> defs = {
        {"cleanup.policy",
         t::list,
         "log.cleanup.policy",
         std::nullopt,
         std::nullopt,
         {"delete", "compact"},
         "How old segments go: delete (by retention time or size), compact (keep the latest record per key), or both."},
        {"compression.type",
         t::string,
         "compression.type",
         std::nullopt,
         std::nullopt,
         {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
         "Codec the topic stores batches in; producer keeps each batch as the producer sent it."},
        {"delete.retention.ms",
         t::int64,
         "log.cleaner.delete.retention.ms",
         0,
         std::nullopt,
         {},
         "How long tombstones (null values) stay in a compacted topic after compaction reached them."},
        {"file.delete.delay.ms",
         t::int64,
         "",
         0,
         std::nullopt,
         {},
         "Time between a segment leaving the log and its files being removed."},
        {"flush.messages",
         t::int64,
         "log.flush.interval.messages",
         1,
         std::nullopt,
         {},
         "Number of records appended before the log is fsynced."},
        {"flush.ms",
         t::int64,
         "log.flush.interval.ms",
         0,
         std::nullopt,
         {},
         "Time after which appended records are fsynced."},
        {"follower.replication.throttled.replicas",
         t::list,
         "",
         std::nullopt,
         std::nullopt,
         {},
         "Replicas whose follower-side replication is throttled (partition:broker list or *)."},
        {"index.interval.bytes",
         t::int32,
         "log.index.interval.bytes",
         0,
         std::nullopt,
         {},
         "Bytes of records between two offset-index entries."},
        {"leader.replication.throttled.replicas",
         t::list,
         "",
         std::nullopt,
         std::nullopt,
         {},
         "Replicas whose leader-side replication is throttled (partition:broker list or *)."},
        {"local.retention.bytes",
         t::int64,
         "",
         -2,
         std::nullopt,
         {},
         "Retention size of the local log when tiered storage is on (-2: retention.bytes)."},
        {"local.retention.ms",
         t::int64,
         "",
         -2,
         std::nullopt,
         {},
         "Retention time of the local log when tiered storage is on (-2: retention.ms)."},
        {"max.compaction.lag.ms", t::int64, "", 1, std::nullopt, {}, "Longest time a record may stay uncompacted."},
        {"max.message.bytes",
         t::int32,
         "message.max.bytes",
         0,
         std::nullopt,
         {},
         "Largest record batch the topic accepts (after compression)."},
        {"message.downconversion.enable",
         t::boolean,
         "",
         std::nullopt,
         std::nullopt,
         {},
         "Whether fetches from old clients may be answered with down-converted message sets."},
        {"message.format.version",
         t::string,
         "",
         std::nullopt,
         std::nullopt,
         {},
         "Message format version (ignored since 3.0: always the v2 record batch)."},
        {"message.timestamp.after.max.ms",
         t::int64,
         "",
         0,
         std::nullopt,
         {},
         "How far a record's CreateTime may be ahead of the broker's clock."},
        {"message.timestamp.before.max.ms",
         t::int64,
         "",
         0,
         std::nullopt,
         {},
         "How far a record's CreateTime may be behind the broker's clock."},
        {"message.timestamp.difference.max.ms",
         t::int64,
         "",
         0,
         std::nullopt,
         {},
         "Largest allowed difference between a record's CreateTime and the broker's clock (deprecated)."},
        {"message.timestamp.type",
         t::string,
         "log.message.timestamp.type",
         std::nullopt,
         std::nullopt,
         {"CreateTime", "LogAppendTime"},
         "Whether record timestamps are the producer's CreateTime or the broker's LogAppendTime."},
        {"min.cleanable.dirty.ratio",
         t::float64,
         "log.cleaner.min.cleanable.ratio",
         0,
         1,
         {},
         "Share of uncompacted log above which the cleaner compacts the topic."},
        {"min.compaction.lag.ms", t::int64, "", 0, std::nullopt, {}, "Shortest time a record stays uncompacted."},
        {"min.insync.replicas",
         t::int32,
         "min.insync.replicas",
         1,
         std::nullopt,
         {},
         "Fewest in-sync replicas for a produce with acks=all to succeed."},
        {"preallocate",
         t::boolean,
         "",
         std::nullopt,
         std::nullopt,
         {},
         "Whether new segment files are preallocated on disk."},
        {"remote.storage.enable",
         t::boolean,
         "",
         std::nullopt,
         std::nullopt,
         {},
         "Whether the topic uses tiered storage."},
        {"retention.bytes",
         t::int64,
         "log.retention.bytes",
         std::nullopt,
         std::nullopt,
         {},
         "Largest size a partition keeps before old segments are deleted (-1: no limit)."},
        {"retention.ms",
         t::int64,
         "log.retention.ms",
         -1,
         std::nullopt,
         {},
         "How long records are kept before their segment is deleted (-1: forever)."},
        {"segment.bytes",
         t::int32,
         "log.segment.bytes",
         14,
         std::nullopt,
         {},
         "Size at which a partition rolls to a new segment."},
        {"segment.index.bytes",
         t::int32,
         "log.index.size.max.bytes",
         4,
         std::nullopt,
         {},
         "Size of a segment's offset and time index files."},
        {"segment.jitter.ms",
         t::int64,
         "",
         0,
         std::nullopt,
         {},
         "Largest random amount subtracted from segment.ms so partitions do not roll together."},
        {"segment.ms",
         t::int64,
         "log.roll.ms",
         1,
         std::nullopt,
         {},
         "Time after which a partition rolls to a new segment even if it is not full."},
        {"unclean.leader.election.enable",
         t::boolean,
         "unclean.leader.election.enable",
         std::nullopt,
         std::nullopt,
         {},
         "Whether a replica out of the ISR may become leader, at the cost of losing records."},
    };
    return defs;
}

config_registry build_topic_registry() {
    config_registry r;
    for (const auto& d : topic_defs()) {
        r.define(config_key{d.name, d.type, std::nullopt, d.doc, d.min, d.max, d.one_of, false});
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

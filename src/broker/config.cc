#include "brook/broker/config.h"

#include <climits>

namespace brook::broker {
namespace {

config_key key(std::string name, config_type type, std::optional<std::string> def, std::string doc,
               std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt,
               std::vector<std::string> one_of = {}) {
    return config_key{std::move(name), type, std::move(def), std::move(doc), min, max, std::move(one_of), false};
}

config_registry build() {
    using t = config_type;
    constexpr double int_max = INT32_MAX;
    const std::vector<std::string> codecs = {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"};
    config_registry r;
    // Identity and network.
    r.define(key("broker.id", t::int32, "-1", "The id of this broker; -1 asks for a generated id.", -1))
        .define(key("broker.rack", t::string, "", "Rack of the broker, for rack-aware replica placement."))
        .define(key("listeners", t::list, "PLAINTEXT://:9092", "Listener URIs: NAME://host:port, comma-separated."))
        .define(key("advertised.listeners", t::list, "", "Listeners published to clients; defaults to listeners."))
        .define(key("listener.security.protocol.map", t::list,
                    "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
                    "Listener name to security protocol."))
        .define(key("inter.broker.listener.name", t::string, "", "Listener used between brokers."))
        .define(key("num.network.threads", t::int32, "3", "Threads handling network I/O and requests.", 1, 256))
        .define(key("num.io.threads", t::int32, "8", "Threads for blocking disk work (fsync, recovery).", 1, 256))
        .define(key("socket.send.buffer.bytes", t::int32, "102400", "SO_SNDBUF; -1 for the OS default.", -1))
        .define(key("socket.receive.buffer.bytes", t::int32, "102400", "SO_RCVBUF; -1 for the OS default.", -1))
        .define(key("socket.request.max.bytes", t::int32, "104857600", "Largest request size accepted.", 1))
        .define(key("queued.max.requests", t::int32, "500", "In-flight requests per connection before reads pause.", 1))
        .define(key("queued.max.request.bytes", t::int64, "-1",
                    "Bytes of unanswered requests per connection before reads pause; -1 = socket.request.max.bytes."))
        .define(key("connections.max.idle.ms", t::int64, "600000", "Idle connections close after this long."))
        .define(key("max.connections", t::int32, "2147483647", "Connections accepted in all.", 0))
        .define(key("max.connections.per.ip", t::int32, "2147483647", "Connections accepted per client IP.", 0))
        .define(key("message.max.bytes", t::int32, "1048588", "Largest record batch accepted.", 0))
        .define(key("fetch.max.bytes", t::int32, "57671680", "Largest fetch response.", 1024))
        .define(key("max.incremental.fetch.session.cache.slots", t::int32, "1000",
                    "Incremental fetch sessions kept (KIP-227); 0 disables them.", 0))
        // Coordinator connection.
        .define(key("zookeeper.connect", t::string, "",
                    "host:port[,host:port][/chroot] of the coordinator ensemble; empty starts the embedded one."))
        .define(key("zookeeper.session.timeout.ms", t::int32, "18000", "Coordinator session timeout.", 1))
        .define(
            key("zookeeper.connection.timeout.ms", t::int32, "18000", "Time to wait for a coordinator connection.", 1))
        .define(key("coordinator.embedded.port", t::int32, "2181",
                    "Loopback port of the embedded coordinator; 0 picks an ephemeral port.", 0, 65535))
        .define(key("coordinator.embedded.data.dir", t::string, "",
                    "Data dir of the embedded coordinator; defaults to the first log dir + '-coordinator'."))
        // Logs.
        .define(key("log.dirs", t::list, "", "Directories of the partition logs; defaults to log.dir."))
        .define(key("log.dir", t::string, "/tmp/kafka-logs", "Log directory used when log.dirs is unset."))
        .define(key("num.partitions", t::int32, "1", "Partitions of auto-created topics.", 1))
        .define(key("default.replication.factor", t::int32, "1", "Replication factor of auto-created topics.", 1))
        .define(key("min.insync.replicas", t::int32, "1", "Replicas that must have a write for acks=all.", 1))
        .define(key("auto.create.topics.enable", t::boolean, "true", "Create unknown topics on metadata requests."))
        .define(key("delete.topic.enable", t::boolean, "true", "Allow topic deletion."))
        .define(key("unclean.leader.election.enable", t::boolean, "false", "Allow out-of-sync replicas to lead."))
        .define(key("log.segment.bytes", t::int32, "1073741824", "Size at which a segment rolls.", 14, int_max))
        .define(key("log.roll.hours", t::int32, "168", "Age at which a segment rolls, in hours.", 1))
        .define(
            key("log.roll.ms", t::int64, std::nullopt, "Age at which a segment rolls; overrides log.roll.hours.", 1))
        .define(key("log.retention.hours", t::int32, "168", "Retention time in hours."))
        .define(key("log.retention.minutes", t::int32, std::nullopt, "Retention time in minutes; overrides hours."))
        .define(
            key("log.retention.ms", t::int64, std::nullopt, "Retention time in ms; overrides minutes; -1 = forever."))
        .define(key("log.retention.bytes", t::int64, "-1", "Retention size per partition; -1 = unlimited."))
        .define(key("log.retention.check.interval.ms", t::int64, "300000", "How often retention runs.", 1))
        .define(key("log.index.interval.bytes", t::int32, "4096", "Bytes between offset index entries.", 0))
        .define(key("log.index.size.max.bytes", t::int32, "10485760", "Largest offset index per segment.", 4))
        .define(key("log.flush.interval.messages", t::int64, "9223372036854775807", "Messages between fsyncs.", 1))
        .define(key("log.flush.interval.ms", t::int64, std::nullopt, "Time between fsyncs; unset leaves it to the OS."))
        .define(
            key("log.flush.scheduler.interval.ms", t::int64, "9223372036854775807", "How often the flusher checks."))
        .define(key("log.cleanup.policy", t::list, "delete", "delete, compact or both.", std::nullopt, std::nullopt,
                    {"delete", "compact"}))
        .define(key("log.cleaner.enable", t::boolean, "true", "Run the log cleaner for compacted topics."))
        .define(key("log.cleaner.threads", t::int32, "1", "Log cleaner threads.", 0))
        .define(key("log.cleaner.min.cleanable.ratio", t::float64, "0.5", "Dirty ratio before a log is cleaned.", 0, 1))
        .define(key("log.cleaner.delete.retention.ms", t::int64, "86400000", "How long tombstones are kept.", 0))
        .define(key("log.cleaner.dedupe.buffer.size", t::int64, "134217728",
                    "Memory for the cleaners' key maps, shared by the cleaner threads.", 1024 * 1024))
        .define(key("log.cleaner.backoff.ms", t::int64, "15000", "Sleep when there is nothing to clean.", 0))
        .define(key("log.message.timestamp.type", t::string, "CreateTime", "CreateTime or LogAppendTime.", std::nullopt,
                    std::nullopt, {"CreateTime", "LogAppendTime"}))
        .define(key("num.recovery.threads.per.data.dir", t::int32, "1", "Threads recovering logs at startup.", 1))
        .define(key("compression.type", t::string, "producer", "Codec for stored batches; producer keeps theirs.",
                    std::nullopt, std::nullopt, codecs))
        // Replication.
        .define(key("replica.lag.time.max.ms", t::int64, "30000", "A follower this far behind leaves the ISR.", 1))
        .define(key("replica.fetch.max.bytes", t::int32, "1048576", "Bytes per partition a follower fetches.", 0))
        .define(key("replica.fetch.wait.max.ms", t::int32, "500", "Follower fetch long-poll time.", 0))
        .define(key("num.replica.fetchers", t::int32, "1", "Fetcher threads per source broker.", 1))
        .define(key("controlled.shutdown.enable", t::boolean, "true", "Move leadership away before shutdown."))
        // Groups and offsets.
        .define(
            key("group.initial.rebalance.delay.ms", t::int32, "3000", "Delay of the first rebalance of a group.", 0))
        .define(key("group.min.session.timeout.ms", t::int32, "6000", "Smallest session timeout a member may ask.", 0))
        .define(
            key("group.max.session.timeout.ms", t::int32, "1800000", "Largest session timeout a member may ask.", 0))
        .define(key("group.max.size", t::int32, "2147483647", "Members per group.", 1))
        .define(key("offsets.topic.num.partitions", t::int32, "50", "Partitions of __consumer_offsets.", 1))
        .define(key("offsets.topic.replication.factor", t::int32, "3", "Replicas of __consumer_offsets.", 1, 32767))
        .define(key("offsets.topic.segment.bytes", t::int32, "104857600", "Segment size of __consumer_offsets.", 1))
        .define(
            key("offsets.retention.minutes", t::int32, "10080", "How long committed offsets of empty groups live.", 1))
        .define(key("offsets.retention.check.interval.ms", t::int64, "600000", "How often stale offsets expire.", 1))
        .define(key("offsets.commit.timeout.ms", t::int32, "5000", "Time an offset commit waits for replication.", 1))
        .define(key("transaction.state.log.replication.factor", t::int32, "3", "Replicas of __transaction_state.", 1))
        .define(key("transaction.state.log.min.isr", t::int32, "2", "min.insync.replicas of __transaction_state.", 1))
        .define(key("transaction.state.log.num.partitions", t::int32, "50", "Partitions of __transaction_state.", 1))
        // Operations.
        .define(
            key("log.level", t::string, "INFO", "TRACE, DEBUG, INFO, WARN, ERROR or OFF.", std::nullopt, std::nullopt,
                {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "trace", "debug", "info", "warn", "error", "off"}));
    return r;
}

} // namespace

const config_registry& broker_config_registry() {
    static const config_registry registry = build();
    return registry;
}

int64_t effective_retention_ms(const config_values& cfg) {
    if (cfg.is_set("log.retention.ms")) {
        return cfg.get_long("log.retention.ms");
    }
    if (cfg.is_set("log.retention.minutes")) {
        return int64_t{cfg.get_int("log.retention.minutes")} * 60'000;
    }
    return int64_t{cfg.get_int("log.retention.hours")} * 3'600'000;
}

int64_t effective_roll_ms(const config_values& cfg) {
    if (cfg.is_set("log.roll.ms")) {
        return cfg.get_long("log.roll.ms");
    }
    return int64_t{cfg.get_int("log.roll.hours")} * 3'600'000;
}

std::string embedded_coordinator_data_dir(const config_values& cfg) {
    if (!cfg.get_string("coordinator.embedded.data.dir").empty()) {
        return cfg.get_string("coordinator.embedded.data.dir");
    }
    const auto& dirs = cfg.get_list("log.dirs");
    std::string first = dirs.empty() ? cfg.get_string("log.dir") : dirs.front();
    while (first.size() > 1 && first.back() == '/') {
        first.pop_back();
    }
    return first + "-coordinator";
}

} // namespace brook::broker

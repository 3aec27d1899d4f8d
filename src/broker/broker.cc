#include "brook/broker/broker.h"

#include "broker/broker_context.h"
#include "broker/handlers/handlers.h"
#include "broker/log_store.h"
#include "broker/meta_properties.h"
#include "brook/broker/config.h"
#include "brook/broker/dispatcher.h"
#include "brook/broker/network_server.h"
#include "brook/common/logging.h"
#include "brook/coordinator/server.h"
#include "brook/log/checkpoint.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>

namespace brook::broker {

namespace {

std::string first_log_dir(const config_values& cfg) {
    const auto& dirs = cfg.get_list("log.dirs");
    return dirs.empty() ? cfg.get_string("log.dir") : dirs.front();
}

std::string local_host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) {
        return "localhost";
    }
    return buf;
}

} // namespace

struct broker::impl {
    explicit impl(const config_values& c) : cfg(c), log(get_logger("brook.broker")) {}

    const config_values& cfg;
    std::shared_ptr<spdlog::logger> log;
    /// The in-process coordinator when zookeeper.connect is empty.
    std::unique_ptr<coordinator::coordinator_server> embedded;
    /// Where the coordinator is: zookeeper.connect, or the embedded one's loopback address.
    std::string coordinator_connect;
    std::unique_ptr<log_store> logs;
    metadata_store metadata;
    partition_manager partitions;
    purgatory waiting;
    std::optional<controller> topics;
    std::optional<broker_context> context;
    dispatcher dispatch;
    std::unique_ptr<network_server> network;
    bool stopped = false;
};

broker::broker(const config_values& cfg) : _impl(std::make_unique<impl>(cfg)) {}

broker::~broker() {
    stop();
}

result<void> broker::start() {
    auto& m = *_impl;
    BOOST_OUTCOME_TRY(auto net, network_config_from(m.cfg));
    auto meta = load_or_create_meta(first_log_dir(m.cfg), m.cfg.get_int("broker.id"));
    if (!meta) {
        m.log->error("Cannot use meta.properties in {}: {} (broker.id must match the one stored there)",
                     first_log_dir(m.cfg), meta.error().message());
        return meta.error();
    }
    const int32_t node_id = meta.value().broker_id;
    m.metadata.set_cluster_id(meta.value().cluster_id);

    broker_settings settings;
    settings.node_id = node_id;
    settings.auto_create_topics = m.cfg.get_bool("auto.create.topics.enable");
    settings.delete_topic_enable = m.cfg.get_bool("delete.topic.enable");
    settings.message_max_bytes = m.cfg.get_int("message.max.bytes");
    settings.min_insync_replicas = m.cfg.get_int("min.insync.replicas");
    settings.fetch_max_bytes = m.cfg.get_int("fetch.max.bytes");
    BOOST_OUTCOME_TRY(start_coordinator());
    m.logs = std::make_unique<log_store>(first_log_dir(m.cfg), log_config_from(m.cfg),
                                         m.cfg.get_long("log.retention.check.interval.ms"));
    BOOST_OUTCOME_TRY(m.logs->open());
    restore_topics(node_id);
    m.topics.emplace(node_id, m.cfg.get_int("num.partitions"),
                     static_cast<int16_t>(m.cfg.get_int("default.replication.factor")), m.metadata, m.partitions,
                     *m.logs);
    m.context.emplace(broker_context{settings, m.cfg, m.metadata, m.partitions, *m.topics, m.waiting});
    handlers::install(m.dispatch, *m.context);

    m.network = std::make_unique<network_server>(net, m.dispatch);
    BOOST_OUTCOME_TRY(m.network->start());

    // Advertise advertised.listeners, else the listeners with their bound ports; an empty host
    // becomes this machine's name, as in Kafka.
    auto ports = m.network->bound_ports();
    std::vector<listener_spec> advertised;
    for (const auto& uri : m.cfg.get_list("advertised.listeners")) {
        BOOST_OUTCOME_TRY(auto spec, parse_listener(uri));
        advertised.push_back(std::move(spec));
    }
    if (advertised.empty()) {
        advertised = net.listeners;
        for (size_t i = 0; i < advertised.size(); ++i) {
            advertised[i].port = ports[i];
        }
    }
    const auto& first = advertised.front();
    std::optional<std::string> rack;
    if (!m.cfg.get_string("broker.rack").empty()) {
        rack = m.cfg.get_string("broker.rack");
    }
    m.metadata.upsert_broker({node_id, first.host.empty() ? local_host_name() : first.host, first.port, rack});
    // One broker: it is the controller.
    m.metadata.set_controller(node_id);
    m.log->info("[KafkaServer id={}] started (cluster id {})", node_id, meta.value().cluster_id);
    return success();
}

void broker::stop() {
    auto& m = *_impl;
    if (m.stopped || !m.network) {
        return;
    }
    m.stopped = true;
    m.log->info("[KafkaServer id={}] shutting down", m.context ? m.context->settings.node_id : -1);
    // Waiting fetches answer now with what they have, so that in-flight requests can drain.
    m.waiting.shutdown();
    m.network->stop();
    // Requests are over: close the logs, write the checkpoints and the clean-shutdown marker.
    m.logs->close();
    if (m.embedded) {
        m.embedded->stop();
    }
    m.log->info("[KafkaServer id={}] shut down completed", m.context ? m.context->settings.node_id : -1);
}

result<void> broker::start_coordinator() {
    auto& m = *_impl;
    m.coordinator_connect = m.cfg.get_string("zookeeper.connect");
    if (!m.coordinator_connect.empty()) {
        return success();
    }
    // No ensemble configured: host the coordinator in-process on loopback. The broker reaches it
    // through the same client protocol as a remote ensemble, so there is one code path.
    coordinator::server_options opts;
    opts.address = "127.0.0.1";
    opts.port = static_cast<uint16_t>(m.cfg.get_int("coordinator.embedded.port"));
    opts.data_dir = embedded_coordinator_data_dir(m.cfg);
    std::error_code ec;
    std::filesystem::create_directories(opts.data_dir, ec);
    m.embedded = std::make_unique<coordinator::coordinator_server>();
    auto port = m.embedded->start(opts);
    if (!port) {
        m.log->error("Cannot start the embedded coordinator on 127.0.0.1:{} (data in {}): {}", opts.port,
                     opts.data_dir.string(), port.error().message());
        return port.error();
    }
    m.coordinator_connect = "127.0.0.1:" + std::to_string(port.value());
    m.log->info("Embedded coordinator serving on {} with data in {}", m.coordinator_connect, opts.data_dir.string());
    return success();
}

void broker::restore_topics(int32_t node_id) {
    auto& m = *_impl;
    // Until the coordinator holds topic assignments, the partition directories are the record of
    // which topics exist: this broker leads every partition it holds.
    std::map<std::string, topic_metadata> found;
    for (const auto& [tp, l] : m.logs->loaded()) {
        auto& t = found[tp.topic];
        t.name = tp.topic;
        if (t.partitions.size() <= static_cast<size_t>(tp.partition)) {
            t.partitions.resize(static_cast<size_t>(tp.partition) + 1);
        }
        t.partitions[static_cast<size_t>(tp.partition)] = partition_assignment{node_id, 0, {node_id}, {node_id}};
        if (auto id = log::read_partition_metadata(l->dir() / "partition.metadata")) {
            t.id = id.value();
        }
        m.partitions.add(std::make_shared<partition>(tp.topic, tp.partition, l));
    }
    for (auto& [name, t] : found) {
        if (t.id == topic_id{}) {
            t.id = random_topic_id();
        }
        m.metadata.upsert_topic(std::move(t));
    }
}

std::vector<uint16_t> broker::bound_ports() const {
    return _impl->network ? _impl->network->bound_ports() : std::vector<uint16_t>{};
}

} // namespace brook::broker

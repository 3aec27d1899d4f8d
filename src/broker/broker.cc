#include "brook/broker/broker.h"

#include "broker/broker_context.h"
#include "broker/group/group_service.h"
#include "broker/handlers/handlers.h"
#include "broker/log_store.h"
#include "broker/meta_properties.h"
#include "broker/zk/coordinator_link.h"
#include "brook/broker/config.h"
#include "brook/broker/dispatcher.h"
#include "brook/broker/errc.h"
#include "brook/broker/network_server.h"
#include "brook/common/logging.h"
#include "brook/coordinator/server.h"
#include "brook/log/checkpoint.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

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
    /// The session with the coordinator and the metadata kept there.
    std::unique_ptr<zk::coordinator_link> link;
    std::unique_ptr<log_store> logs;
    metadata_store metadata;
    partition_manager partitions;
    purgatory waiting;
    fetch_session_cache fetch_sessions{fetch_session_config{
        static_cast<size_t>(cfg.get_int("max.incremental.fetch.session.cache.slots")), std::chrono::minutes(2)}};
    std::optional<controller> topics;
    std::unique_ptr<group::group_service> groups;
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
    BOOST_OUTCOME_TRY(start_coordinator());
    BOOST_OUTCOME_TRY(const int32_t node_id, join_cluster());

    broker_settings settings;
    settings.node_id = node_id;
    settings.auto_create_topics = m.cfg.get_bool("auto.create.topics.enable");
    settings.delete_topic_enable = m.cfg.get_bool("delete.topic.enable");
    settings.message_max_bytes = m.cfg.get_int("message.max.bytes");
    settings.min_insync_replicas = m.cfg.get_int("min.insync.replicas");
    settings.fetch_max_bytes = m.cfg.get_int("fetch.max.bytes");
    m.logs = std::make_unique<log_store>(first_log_dir(m.cfg), log_config_from(m.cfg),
                                         m.cfg.get_long("log.retention.check.interval.ms"));
    BOOST_OUTCOME_TRY(m.logs->open());
    BOOST_OUTCOME_TRY(restore_topics(node_id));
    m.topics.emplace(node_id, m.cfg.get_int("num.partitions"),
                     static_cast<int16_t>(m.cfg.get_int("default.replication.factor")), m.metadata, m.partitions,
                     *m.logs);
    m.topics->attach(m.link.get());
    BOOST_OUTCOME_TRY(m.topics->restore_configs(m.cfg));
    m.link->watch_config_changes([&m](const std::string& type, const std::string& name, config_map configs) {
        m.topics->apply_config_change(type, name, std::move(configs));
    });
    m.link->watch_deletions([&m](const std::string& name) { m.topics->forget_topic(name); });
    m.context.emplace(
        broker_context{settings, m.cfg, m.metadata, m.partitions, *m.topics, m.waiting, m.fetch_sessions});
    m.groups = std::make_unique<group::group_service>(m.cfg, node_id, m.metadata, m.partitions, *m.topics, m.waiting);
    m.groups->start();
    m.context->groups = m.groups.get();
    handlers::install(m.dispatch, *m.context);

    m.network = std::make_unique<network_server>(net, m.dispatch);
    // Bound now (registration needs the ports) but accepting only once registered and elected:
    // a client that connects early waits in the backlog instead of seeing no controller.
    BOOST_OUTCOME_TRY(m.network->start(false));

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
    const std::string host = first.host.empty() ? local_host_name() : first.host;
    m.metadata.upsert_broker({node_id, host, first.port, rack});
    // Registration and election run here, on the startup thread, once the ports are known; the
    // network threads never wait for the coordinator.
    std::vector<zk::endpoint> endpoints;
    for (const auto& a : advertised) {
        endpoints.push_back({a.name, a.host.empty() ? host : a.host, a.port});
    }
    BOOST_OUTCOME_TRY(m.link->register_broker(endpoints, rack));
    BOOST_OUTCOME_TRY(m.link->elect());
    m.network->start_accepting();
    m.log->info("[KafkaServer id={}] started (cluster id {})", node_id, m.metadata.cluster_id());
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
    // Parked JoinGroup/SyncGroup requests answer, timers stop, before the logs close.
    if (m.groups) {
        m.groups->stop();
    }
    m.network->stop();
    // Requests are over: close the logs, write the checkpoints and the clean-shutdown marker.
    m.logs->close();
    // Closing the session removes /brokers/ids/<id> (and /controller) at once.
    if (m.link) {
        m.link->close();
    }
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

result<int32_t> broker::join_cluster() {
    auto& m = *_impl;
    m.link = std::make_unique<zk::coordinator_link>(m.metadata);
    const auto dir = first_log_dir(m.cfg);
    const bool had_meta = std::filesystem::exists(std::filesystem::path(dir) / "meta.properties");
    std::optional<meta_properties> meta;
    if (had_meta) {
        auto loaded = load_or_create_meta(dir, m.cfg.get_int("broker.id"));
        if (!loaded) {
            m.log->error("Cannot use meta.properties in {}: {} (broker.id must match the one stored there)", dir,
                         loaded.error().message());
            return loaded.error();
        }
        meta = loaded.value();
    }
    zk::link_options opts;
    opts.connect_string = m.coordinator_connect;
    opts.session_timeout = std::chrono::milliseconds(m.cfg.get_int("zookeeper.session.timeout.ms"));
    opts.connection_timeout = std::chrono::milliseconds(m.cfg.get_int("zookeeper.connection.timeout.ms"));
    opts.session_file = std::filesystem::path(dir) / "coordinator-session";
    const int32_t wanted = m.cfg.get_int("broker.id");
    opts.node_id = meta ? meta->broker_id : (wanted >= 0 ? wanted : 1001);
    BOOST_OUTCOME_TRY(m.link->connect(opts));
    // As Kafka: the coordinator's /cluster/id wins for a new log dir; an existing one must match it.
    BOOST_OUTCOME_TRY(auto cluster_id, m.link->ensure_cluster_id(meta ? meta->cluster_id : random_cluster_id()));
    if (meta && meta->cluster_id != cluster_id) {
        m.log->error("InconsistentClusterIdException: the cluster id {} in the coordinator doesn't match the "
                     "stored cluster id {} in meta.properties of {}. The broker is trying to join the wrong "
                     "cluster.",
                     cluster_id, meta->cluster_id, dir);
        return make_error_code(errc::inconsistent_cluster_id);
    }
    if (!meta) {
        auto created = load_or_create_meta(dir, wanted, cluster_id);
        if (!created) {
            m.log->error("Cannot write meta.properties in {}: {}", dir, created.error().message());
            return created.error();
        }
    }
    m.metadata.set_cluster_id(cluster_id);
    return opts.node_id;
}

result<void> broker::restore_topics(int32_t node_id) {
    auto& m = *_impl;
    // The coordinator is the record of which topics exist; the log dirs hold their data. Deletions
    // requested but not carried out yet are finished here (the controller's watch removes the znodes).
    BOOST_OUTCOME_TRY(auto pending, m.link->pending_deletions());
    const std::set<std::string> deleting(pending.begin(), pending.end());
    BOOST_OUTCOME_TRY(auto stored, m.link->load_topics());
    std::map<log::topic_partition, std::shared_ptr<log::partition_log>> local;
    for (const auto& [tp, l] : m.logs->loaded()) {
        local.emplace(tp, l);
    }
    std::set<std::string> known;
    for (auto& t : stored) {
        known.insert(t.name);
        if (deleting.count(t.name) != 0) {
            continue;
        }
        for (size_t p = 0; p < t.partitions.size(); ++p) {
            const auto& replicas = t.partitions[p].replicas;
            if (std::find(replicas.begin(), replicas.end(), node_id) == replicas.end()) {
                continue;
            }
            const log::topic_partition tp{t.name, static_cast<int32_t>(p)};
            auto it = local.find(tp);
            std::shared_ptr<log::partition_log> l;
            if (it != local.end()) {
                l = it->second;
            } else {
                m.log->warn("Partition {}-{} is assigned here but has no log: creating it empty", t.name, p);
                BOOST_OUTCOME_TRY(l, m.logs->create(tp, t.id));
            }
            m.partitions.add(std::make_shared<partition>(t.name, tp.partition, l));
        }
        m.metadata.upsert_topic(std::move(t));
    }
    // Partition directories the coordinator does not know: topics from before the coordinator
    // held metadata (or a lost coordinator data dir). They are kept and published.
    std::map<std::string, topic_metadata> found;
    for (const auto& [tp, l] : local) {
        if (known.count(tp.topic) != 0 || deleting.count(tp.topic) != 0) {
            if (deleting.count(tp.topic) != 0) {
                m.logs->remove(tp);
            }
            continue;
        }
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
        m.log->info("Topic {} is in the log dir but not in the coordinator: publishing it", name);
        m.link->publish_topic(t);
        m.metadata.upsert_topic(std::move(t));
    }
    return success();
}

std::vector<uint16_t> broker::bound_ports() const {
    return _impl->network ? _impl->network->bound_ports() : std::vector<uint16_t>{};
}

} // namespace brook::broker

#pragma once
// Topic lifecycle decisions: creating topics (replica assignment, first leader and ISR), adding
// partitions, deleting topics, and config changes (topic overrides and dynamic broker configs).
// In Kafka's ZooKeeper mode exactly one broker, elected through /controller, does this and writes
// /brokers/topics/<t> and the partition state znodes; the others follow by watches.
//
// Decisions are applied locally (metadata store, partition manager, logs) and, once a metadata
// writer (the coordinator link, see metadata_writer.h) is attached, published there:
// /brokers/topics/<t>, partition states and /config/topics/<t> on creation,
// /admin/delete_topics/<t> on deletion (the elected controller then removes the znodes; see
// zk/coordinator_link.h), /config/<type>/<name> plus a change notification on config changes.
// The *_async forms complete once the coordinator has the write (on the coordinator client's
// thread) and never block the caller; the plain forms publish without waiting (for
// auto-creation). Thread-safe (one mutex serialises decisions, as the single controller would).
#include "broker/dynamic_config.h"
#include "broker/log_store.h"
#include "broker/metadata_store.h"
#include "broker/metadata_writer.h"
#include "broker/partition_manager.h"
#include "brook/protocol/kafka/error_code.h"

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace brook::broker {

struct topic_request {
    std::string name;
    int32_t partitions = -1;         // -1: num.partitions
    int16_t replication_factor = -1; // -1: default.replication.factor
    std::map<std::string, std::string> configs;
};

struct topic_outcome {
    protocol::kafka::error_code error = protocol::kafka::error_code::none;
    std::string message;
    std::optional<topic_metadata> topic;
};

/// The outcome of a change: an error code and its message (empty when none).
struct change_outcome {
    protocol::kafka::error_code error = protocol::kafka::error_code::none;
    std::string message;
};

class controller {
public:
    using topic_done = std::function<void(topic_outcome)>;
    using change_done = std::function<void(change_outcome)>;

    /// Every reference must outlive the controller.
    controller(int32_t node_id, int32_t default_partitions, int16_t default_replication, metadata_store& metadata,
               partition_manager& partitions, log_store& logs);

    /// Creates a topic (or, with validate_only, checks that it could be). Errors: INVALID_TOPIC_EXCEPTION,
    /// TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG.
    topic_outcome create_topic(const topic_request& req, bool validate_only = false);
    /// Same, completing once the coordinator holds the topic (TOPIC_ALREADY_EXISTS when it held it
    /// already: the local state is then rolled back).
    void create_topic_async(const topic_request& req, bool validate_only, topic_done done);
    /// True while a topic made by create_topic_async is not yet in the coordinator: Metadata
    /// hides it (LEADER_NOT_AVAILABLE), so no client writes to a partition the coordinator may
    /// never hold (the write can still fail and roll the topic back).
    bool awaiting_coordinator(const std::string& name) const;
    protocol::kafka::error_code delete_topic(const std::string& name);
    /// Same, completing once the deletion request is in the coordinator.
    void delete_topic_async(const std::string& name, change_done done);
    /// Drops a topic's local state (metadata, partitions, logs) if present, without publishing:
    /// the controller's handler for /admin/delete_topics requests.
    void forget_topic(const std::string& name);
    /// Grows a topic to `count` partitions (assignments: one replica list per new partition, or
    /// empty). Errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS, INVALID_REPLICA_ASSIGNMENT.
    void create_partitions(const std::string& name, int32_t count, const std::vector<std::vector<int32_t>>& assignments,
                           bool validate_only, change_done done);

    /// Replaces a topic's config overrides (validated by the caller): stored in the coordinator,
    /// then applied to the metadata and to the topic's logs.
    void alter_topic_configs(const std::string& name, config_map configs, change_done done);
    /// Replaces the dynamic broker configs of `entity` (a broker id or "<default>").
    void alter_broker_configs(const std::string& entity, config_map configs, change_done done);
    /// A config change seen in the coordinator (/config/changes, possibly by another tool):
    /// `type` "topics" or "brokers"; the configs are the entity's whole override set.
    void apply_config_change(const std::string& type, const std::string& name, config_map configs);
    /// The dynamic broker configs that apply to this broker.
    dynamic_broker_configs broker_configs() const;
    /// The static configuration with the dynamic layers applied.
    config_values effective_config() const;

    /// Loads the dynamic broker configs from the coordinator and applies every topic's effective
    /// settings to its logs (startup, after the topics are restored).
    result<void> restore_configs(const config_values& static_cfg);
    /// The log of a hosted partition, or null.
    std::shared_ptr<log::partition_log> log_of(const std::string& topic, int32_t partition) const;
    const std::filesystem::path& log_dir() const noexcept { return _logs.dir(); }
    /// Publishes later decisions through `link` (which must outlive the controller).
    void attach(metadata_writer* link);

private:
    mutable std::mutex _mutex;
    int32_t _node_id;
    int32_t _default_partitions;
    int16_t _default_replication;
    metadata_store& _metadata;
    partition_manager& _partitions;
    log_store& _logs;
    metadata_writer* _link = nullptr;
    const config_values* _static = nullptr;
    /// Topics created locally whose coordinator write has not completed (under _mutex).
    std::multiset<std::string> _unpublished;

    topic_outcome create_locked(const topic_request& req, bool validate_only);
    void remove_locked(const std::string& name);
    /// Sets the effective settings of every hosted partition of `name` (all topics when empty).
    void apply_log_configs(const std::string& name);
    log::log_config log_config_for(const config_map& overrides) const;
};

} // namespace brook::broker

#pragma once
// Topic lifecycle decisions: creating topics (replica assignment, first leader and ISR) and
// deleting them. In Kafka's ZooKeeper mode exactly one broker, elected through /controller, does
// this and writes /brokers/topics/<t> and the partition state znodes; the others follow by watches.
//
// Decisions are applied locally (metadata store, partition manager, logs) and, once a coordinator
// link is attached, published there without waiting: /brokers/topics/<t>, partition states and
// /config/topics/<t> on creation, /admin/delete_topics/<t> on deletion (the elected controller
// then removes the znodes; see zk/coordinator_link.h). Thread-safe (one mutex serialises decisions, as the single
// controller would).
#include "broker/log_store.h"
#include "broker/metadata_store.h"
#include "broker/partition_manager.h"
#include "broker/zk/coordinator_link.h"
#include "brook/protocol/kafka/error_code.h"

#include <map>
#include <mutex>
#include <string>

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

class controller {
public:
    /// Every reference must outlive the controller.
    controller(int32_t node_id, int32_t default_partitions, int16_t default_replication, metadata_store& metadata,
               partition_manager& partitions, log_store& logs);

    /// Creates a topic (or, with validate_only, checks that it could be). Errors: INVALID_TOPIC_EXCEPTION,
    /// TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR.
    topic_outcome create_topic(const topic_request& req, bool validate_only = false);
    protocol::kafka::error_code delete_topic(const std::string& name);
    /// Drops a topic's local state (metadata, partitions, logs) if present, without publishing:
    /// the controller's handler for /admin/delete_topics requests.
    void forget_topic(const std::string& name);
    /// Publishes later decisions through `link` (which must outlive the controller).
    void attach(zk::coordinator_link* link);

private:
    std::mutex _mutex;
    int32_t _node_id;
    int32_t _default_partitions;
    int16_t _default_replication;
    metadata_store& _metadata;
    partition_manager& _partitions;
    log_store& _logs;
    zk::coordinator_link* _link = nullptr;

    void remove_locked(const std::string& name);
};

} // namespace brook::broker

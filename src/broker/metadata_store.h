#pragma once
// The broker's view of cluster metadata: brokers, topics, their ids and partition assignments.
//
// This is the in-memory image of what Kafka keeps in ZooKeeper (/brokers/ids, /brokers/topics/<t>,
// .../partitions/<p>/state). The controller writes it; every broker reads it on each Metadata,
// Produce and Fetch request, so reads take a shared lock only and copy what they need.
// Thread-safe.
#include "brook/common/result.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace brook::broker {

using topic_id = std::array<uint8_t, 16>;

struct broker_endpoint {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
};

struct partition_assignment {
    int32_t leader = -1;
    int32_t leader_epoch = 0;
    std::vector<int32_t> replicas;
    std::vector<int32_t> isr;
};

struct topic_metadata {
    std::string name;
    topic_id id{};
    std::vector<partition_assignment> partitions;
    /// Topic-level config overrides (from /config/topics/<t>).
    std::map<std::string, std::string> configs;
};

/// Kafka's topic name rule: 1-249 characters of [a-zA-Z0-9._-], not "." or "..".
bool valid_topic_name(std::string_view name) noexcept;

/// A random topic id (version-4 UUID bits, never all zero).
topic_id random_topic_id();

class metadata_store {
public:
    void set_cluster_id(std::string id);
    std::string cluster_id() const;
    void set_controller(int32_t id);
    int32_t controller() const;

    void upsert_broker(broker_endpoint b);
    std::vector<broker_endpoint> brokers() const;

    /// Adds or replaces a topic.
    void upsert_topic(topic_metadata t);
    void remove_topic(const std::string& name);
    std::optional<topic_metadata> topic(const std::string& name) const;
    std::optional<topic_metadata> topic_by_id(const topic_id& id) const;
    std::vector<topic_metadata> topics() const;
    /// Replaces a topic's config overrides; false when there is no such topic.
    bool set_topic_configs(const std::string& name, std::map<std::string, std::string> configs);

    /// Dynamic broker configs (/config/brokers/<entity>): entity is a broker id or "<default>".
    void set_broker_configs(const std::string& entity, std::map<std::string, std::string> configs);
    std::map<std::string, std::string> broker_configs(const std::string& entity) const;

private:
    mutable std::shared_mutex _mutex;
    std::string _cluster_id;
    int32_t _controller = -1;
    std::map<int32_t, broker_endpoint> _brokers;
    std::map<std::string, topic_metadata, std::less<>> _topics;
    std::map<std::string, std::map<std::string, std::string>> _broker_configs;
};

} // namespace brook::broker

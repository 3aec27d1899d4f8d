#pragma once
// Cluster administration over the Kafka protocol: topics, partitions, configs, groups, offsets
// and the cluster itself. Every call blocks (never call from the network thread) and reports
// per-item errors in its result when the broker answers per item.
#include "brook/client/kafka/assignor.h"
#include "brook/client/kafka/client.h"
#include "brook/client/kafka/consumer.h"

#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace brook::client::kafka {

struct new_topic {
    std::string name;
    /// -1 takes the broker's num.partitions / default.replication.factor.
    int32_t partitions = -1;
    int16_t replication_factor = -1;
    std::map<std::string, std::string> configs;
};

/// Outcome for one named item (topic, group, config resource).
struct item_result {
    std::string name;
    std::error_code error;
    std::string message;
};

/// DescribeConfigs/AlterConfigs resource types.
enum class resource_type : int8_t { topic = 2, broker = 4 };

struct config_entry {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    bool is_sensitive = false;
    /// Kafka's ConfigSource: 1 dynamic topic, 4 static broker, 5 default, ...
    int8_t source = -1;
};

struct group_listing {
    std::string group_id;
    std::string protocol_type;
    std::string state;
};

struct group_member {
    std::string member_id;
    std::string client_id;
    std::string client_host;
    partition_map assignment;
};

struct group_description {
    std::string group_id;
    std::error_code error;
    std::string state;
    std::string protocol_type;
    std::string protocol;
    std::vector<group_member> members;
};

/// One row of a group's lag report.
struct partition_lag {
    topic_partition tp;
    /// -1 when the group committed nothing for the partition.
    int64_t committed = -1;
    int64_t log_end = -1;
    /// log_end - committed, or -1 when nothing is committed.
    int64_t lag = -1;
    std::string member_id;
    std::string client_id;
    std::string host;
};

struct cluster_description {
    std::string cluster_id;
    int32_t controller_id = -1;
    std::vector<broker_metadata> brokers;
};

class admin {
public:
    /// `c` must outlive the admin object.
    explicit admin(client& c) : _client(c) {}

    result<std::vector<item_result>> create_topics(const std::vector<new_topic>& topics, bool validate_only = false);
    result<std::vector<item_result>> delete_topics(const std::vector<std::string>& names);
    /// Grows each topic to the given total partition count.
    result<std::vector<item_result>> create_partitions(const std::map<std::string, int32_t>& totals);
    /// Topic names, sorted; internal topics (__consumer_offsets) only when asked.
    result<std::vector<std::string>> list_topics(bool include_internal = false);
    /// Metadata of `names` (all topics when empty).
    result<std::vector<topic_metadata>> describe_topics(const std::vector<std::string>& names);

    result<std::vector<config_entry>> describe_configs(resource_type type, const std::string& name);
    /// Sets and deletes (reverts to default) config keys: IncrementalAlterConfigs when the
    /// broker has it, else AlterConfigs with the current overrides merged in.
    result<void> alter_configs(resource_type type, const std::string& name,
                               const std::map<std::string, std::string>& set, const std::vector<std::string>& remove);

    result<std::vector<group_listing>> list_groups();
    result<group_description> describe_group(const std::string& group);
    /// Committed offsets of every partition of the group.
    result<std::map<topic_partition, int64_t>> group_offsets(const std::string& group);
    /// Committed offsets against log end offsets, with the owning member when there is one.
    result<std::vector<partition_lag>> group_lag(const std::string& group);
    result<std::vector<item_result>> delete_groups(const std::vector<std::string>& groups);
    /// Commits `offsets` for an (empty) group, as kafka-consumer-groups --reset-offsets does.
    result<void> commit_group_offsets(const std::string& group, const std::map<topic_partition, int64_t>& offsets);

    /// ListOffsets: timestamp -1 latest, -2 earliest, else the first offset at or after it.
    result<std::map<topic_partition, int64_t>> list_offsets(const std::vector<topic_partition>& tps, int64_t timestamp);

    /// DescribeCluster when the broker has it, else Metadata.
    result<cluster_description> describe_cluster();

private:
    int32_t controller() const;
    client& _client;
};

} // namespace brook::client::kafka

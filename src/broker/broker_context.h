#pragma once
// What request handlers share: this broker's identity, the settings they read on every request
// and the services they call. Built once at startup; every member outlives the network layer.
#include "broker/controller.h"
#include "broker/fetch_session.h"
#include "broker/metadata_store.h"
#include "broker/partition_manager.h"
#include "broker/purgatory.h"
#include "brook/common/config.h"

#include <cstdint>

namespace brook::broker {

namespace group {
class group_service;
} // namespace group

struct broker_settings {
    int32_t node_id = 0;
    bool auto_create_topics = true;
    bool delete_topic_enable = true;
    int32_t message_max_bytes = 1048588;
    int32_t min_insync_replicas = 1;
    int32_t fetch_max_bytes = 57671680;
};

struct broker_context {
    broker_settings settings;
    /// The broker's configuration as loaded (for DescribeConfigs and topic defaults).
    const config_values& config;
    metadata_store& metadata;
    partition_manager& partitions;
    controller& topics;
    purgatory& waiting;
    fetch_session_cache& fetch_sessions;
    /// The group coordinator (FindCoordinator, JoinGroup, offsets...); set once at startup.
    group::group_service* groups = nullptr;
};

} // namespace brook::broker

#pragma once
// The broker's side of the group coordinator: the __consumer_offsets topic (created on the first
// FindCoordinator, as Kafka does), the partitions' logs as the coordinator's offsets_log, the
// timer thread, and loading the partitions this broker leads at startup.
//
// Topic configs of __consumer_offsets: cleanup.policy=compact, compression.type=producer,
// segment.bytes=offsets.topic.segment.bytes; partitions offsets.topic.num.partitions;
// replication factor min(offsets.topic.replication.factor, live brokers).
// __transaction_state is created the same way for FindCoordinator with key type 1 (its own
// num.partitions / replication settings).
#include "broker/controller.h"
#include "broker/group/coordinator.h"
#include "broker/group/scheduler.h"
#include "broker/metadata_store.h"
#include "broker/partition_manager.h"
#include "broker/purgatory.h"
#include "brook/common/config.h"

#include <memory>
#include <mutex>

namespace brook::broker::group {

inline constexpr std::string_view offsets_topic = "__consumer_offsets";
inline constexpr std::string_view transaction_topic = "__transaction_state";

/// The __consumer_offsets partitions hosted here, as the coordinator's durable log.
class partition_offsets_log final : public offsets_log {
public:
    partition_offsets_log(metadata_store& metadata, partition_manager& partitions, purgatory& waiting);
    error_code append(int32_t partition, const std::vector<record>& records) override;
    error_code replay(int32_t partition,
                      const std::function<void(bytes_view key, std::optional<bytes_view> value)>& fn) override;

private:
    metadata_store& _metadata;
    partition_manager& _partitions;
    purgatory& _waiting;
};

struct coordinator_lookup {
    error_code error = error_code::none;
    int32_t node_id = -1;
};

class group_service {
public:
    /// Every reference must outlive the service. The timers run on a thread of the service's own.
    group_service(const config_values& cfg, int32_t node_id, metadata_store& metadata, partition_manager& partitions,
                  controller& topics, purgatory& waiting);
    /// Same, with the timers on `timers` (which must outlive the service), e.g. a manual_scheduler
    /// so that tests and the request fuzzer move time themselves.
    group_service(const config_values& cfg, int32_t node_id, metadata_store& metadata, partition_manager& partitions,
                  controller& topics, purgatory& waiting, scheduler& timers);
    ~group_service();
    group_service(const group_service&) = delete;
    group_service& operator=(const group_service&) = delete;

    /// Loads the __consumer_offsets partitions led here (startup, after topics are restored).
    void start();
    /// Answers parked requests and stops the timers (before the network stops).
    void stop();

    /// FindCoordinator: key_type 0 = group, 1 = transactional id. Creates the internal topic when
    /// missing. INVALID_REQUEST for other key types or an empty key.
    coordinator_lookup find_coordinator(const std::string& key, int8_t key_type);

    group_coordinator& coordinator() noexcept { return _coordinator; }

private:
    error_code ensure_topic(std::string_view name, int32_t partitions, int32_t replication);
    void load_led_partitions();

    const config_values& _cfg;
    const int32_t _node_id;
    metadata_store& _metadata;
    controller& _topics;
    std::mutex _create_mutex;
    /// The timers when none were given (null otherwise).
    std::unique_ptr<thread_scheduler> _own_scheduler;
    partition_offsets_log _log;
    group_coordinator _coordinator;
};

/// The coordinator configuration from the broker's settings (group.*, offsets.*).
coordinator_config coordinator_config_from(const config_values& cfg);

} // namespace brook::broker::group

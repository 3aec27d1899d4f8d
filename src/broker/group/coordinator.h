#pragma once
// The group coordinator: Kafka's classic group protocol (JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup) and committed offsets, for the groups whose __consumer_offsets partition this broker
// leads. No sockets and no Asio: handlers call in with decoded requests, timers come from a
// `scheduler`, and durability from an `offsets_log`, so tests drive it with a manual clock and an
// in-memory log.
//
// States and transitions (Kafka's GroupCoordinator):
//   Empty -> PreparingRebalance        a member joins
//   PreparingRebalance -> CompletingRebalance   every member rejoined or the rebalance timeout
//                                     (members that did not rejoin are removed), generation + 1
//   PreparingRebalance -> Empty        the rebalance completes without members
//   CompletingRebalance -> Stable      the leader's SyncGroup assignment is stored
//   CompletingRebalance/Stable -> PreparingRebalance   a member joins, leaves, changes its
//                                     protocols or its session expires
//   any -> Dead                        DeleteGroups, or offsets of an empty group all expired
// A group that starts a rebalance from Empty waits group.initial.rebalance.delay.ms (extended by
// the same delay while members keep joining, up to the rebalance timeout).
//
// Threading: every public member takes one mutex; callbacks (join/sync replies) run after it is
// released, on the calling thread or the scheduler's thread. The offsets_log is called under the
// mutex (appends are short and ordered per partition).
#include "broker/group/group.h"
#include "broker/group/records.h"
#include "broker/group/scheduler.h"
#include "broker/group/types.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace brook::broker::group {

/// The partitions of __consumer_offsets: where the coordinator writes and what it replays.
class offsets_log {
public:
    struct record {
        bytes key;
        std::optional<bytes> value; // nullopt: tombstone
    };
    virtual ~offsets_log() = default;
    /// Appends the records to `partition` as one batch; returns once they are in the log.
    virtual error_code append(int32_t partition, const std::vector<record>& records) = 0;
    /// Calls `fn` for every record of `partition` in log order.
    virtual error_code replay(int32_t partition,
                              const std::function<void(bytes_view key, std::optional<bytes_view> value)>& fn) = 0;
};

struct coordinator_config {
    int32_t num_partitions = 50;
    int32_t min_session_timeout_ms = 6000;
    int32_t max_session_timeout_ms = 1800000;
    int32_t initial_rebalance_delay_ms = 3000;
    int32_t max_group_size = INT32_MAX;
    int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;
    int64_t offsets_retention_check_interval_ms = 600000;
    int32_t offset_metadata_max_bytes = 4096;
    /// How long a member that joined but never completed a generation may wait (Kafka: 5 min).
    int32_t new_member_join_timeout_ms = 300000;
};

struct offset_fetch_result {
    error_code error = error_code::none;
    std::vector<fetched_offset> offsets;
};

struct offset_delete_result {
    error_code error = error_code::none;
    std::vector<partition_error> partitions;
};

class group_coordinator {
public:
    /// `sched` and `log` must outlive the coordinator; call shutdown() before destroying them.
    group_coordinator(coordinator_config cfg, scheduler& sched, offsets_log& log);
    ~group_coordinator();
    group_coordinator(const group_coordinator&) = delete;
    group_coordinator& operator=(const group_coordinator&) = delete;

    const coordinator_config& config() const noexcept { return _cfg; }
    /// The __consumer_offsets partition of a group.
    int32_t partition_of(std::string_view group_id) const noexcept;

    /// This broker became the leader of `partition`: replays it and serves its groups. Requests
    /// for groups of partitions not loaded get NOT_COORDINATOR.
    error_code load_partition(int32_t partition);
    bool owns(std::string_view group_id) const;

    void join(join_request req, join_callback done);
    void sync(sync_request req, sync_callback done);
    error_code heartbeat(const std::string& group_id, const std::string& member_id,
                         const std::optional<std::string>& group_instance_id, int32_t generation);
    leave_result leave(const std::string& group_id, const std::vector<leave_member>& members);

    std::vector<partition_error> commit(const commit_request& req);
    /// `topics`: nullopt = every committed offset of the group.
    offset_fetch_result fetch(const std::string& group_id,
                              const std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>>& topics);
    offset_delete_result delete_offsets(const std::string& group_id,
                                        const std::vector<std::pair<std::string, int32_t>>& partitions);
    group_description describe(const std::string& group_id);
    /// `states`: empty = all; matched case-insensitively against the state names.
    std::vector<group_listing> list(const std::vector<std::string>& states);
    error_code delete_group(const std::string& group_id);
    /// Expires committed offsets past offsets.retention.minutes (also runs on its own timer).
    void expire_offsets();

    /// Cancels every timer; later calls answer COORDINATOR_NOT_AVAILABLE.
    void shutdown();

private:
    using deferred = std::vector<std::function<void()>>;

    // coordinator.cc: membership.
    error_code check_group(std::string_view group_id) const;
    void join_unknown_member(group_data& g, join_request& req, join_callback& done);
    void join_known_member(group_data& g, join_request& req, join_callback& done);
    void join_static_member(group_data& g, join_request& req, join_callback& done, const std::string& old_id);
    member_state& add_member(group_data& g, join_request& req, join_callback done, const std::string& id);
    void update_member_and_rebalance(group_data& g, member_state& m, join_request& req, join_callback done);
    void maybe_prepare_rebalance(group_data& g);
    void prepare_rebalance(group_data& g);
    void try_complete_join(group_data& g);
    void complete_join(group_data& g);
    void complete_sync(group_data& g, std::map<std::string, bytes> assignments);
    void remove_member(group_data& g, const std::string& member_id);
    void reset_heartbeat(group_data& g, member_state& m, int64_t timeout_ms);
    void on_heartbeat_expired(const std::string& group_id, const std::string& member_id, uint64_t epoch);
    void on_pending_expired(const std::string& group_id, const std::string& member_id);
    void on_join_timer(const std::string& group_id, uint64_t epoch);
    void on_sync_timer(const std::string& group_id, uint64_t epoch);
    join_result current_join_result(const group_data& g, const std::string& member_id, error_code e) const;
    void set_state(group_data& g, group_state s);
    void cancel_group_timers(group_data& g);
    group_data* find(const std::string& group_id);

    // coordinator_offsets.cc: persistence and offsets.
    void store_group(group_data& g);
    error_code append(const std::string& group_id, std::vector<offsets_log::record> records);
    void apply_record(int32_t partition, bytes_view key, std::optional<bytes_view> value);
    void schedule_expiry();
    void run_deferred(std::unique_lock<std::mutex>& lock);

    const coordinator_config _cfg;
    scheduler& _sched;
    offsets_log& _log;
    mutable std::mutex _mutex;
    bool _stopped = false;
    std::set<int32_t> _owned;
    std::map<std::string, std::unique_ptr<group_data>> _groups;
    deferred _deferred;
    uint64_t _expiry_timer = 0;
    uint64_t _member_seq = 0;
};

} // namespace brook::broker::group

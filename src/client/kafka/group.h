#pragma once
// A consumer's membership in a group: coordinator lookup, JoinGroup/SyncGroup (the leader runs
// the assignor), heartbeats, LeaveGroup, and offset commit/fetch.
//
// Used only from the consumer's thread; every call blocks on the client (never the network thread).
#include "brook/client/kafka/assignor.h"
#include "brook/client/kafka/client.h"
#include "brook/client/kafka/config.h"
#include "brook/client/kafka/consumer.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace brook::client::kafka {

class group_membership {
public:
    group_membership(client& c, const consumer_config& cfg, std::vector<std::string> topics);

    /// Called with the partitions about to be given up, while they are still owned (eager
    /// protocols: everything, before rejoining; cooperative: the revoked ones, before the
    /// rejoin that lets them move).
    using revoke_hook = std::function<void(const std::vector<topic_partition>&)>;

    /// Joins when needed and heartbeats when due. Returns the new assignment when it changed.
    result<std::optional<std::vector<topic_partition>>> poll(const revoke_hook& before_revoke);

    /// OffsetCommit of `offsets` with this member's generation, blocking.
    result<void> commit(const std::map<topic_partition, int64_t>& offsets);
    /// The same request built for an asynchronous send (see commit_queue.h).
    protocol::kafka::offset_commit_request commit_request(const std::map<topic_partition, int64_t>& offsets) const;
    /// The coordinator's node id, looked up when unknown.
    result<int32_t> coordinator();
    /// Forgets the coordinator when `ec` says it moved (or the connection failed).
    void reset_coordinator_on(std::error_code ec);
    /// OffsetFetch for `tps` (-1 for partitions without a committed offset).
    result<std::map<topic_partition, int64_t>> fetch(const std::vector<topic_partition>& tps);

    /// LeaveGroup, if joined. A static member (group.instance.id) sends none: its partitions
    /// stay its own until its session times out.
    result<void> leave();

    const std::string& member_id() const noexcept { return _member_id; }
    int32_t generation() const noexcept { return _generation; }

private:
    result<void> join_and_sync();

    client& _client;
    consumer_config _cfg;
    std::vector<std::string> _topics;
    int32_t _coordinator = -1;
    std::string _member_id;
    int32_t _generation = -1;
    std::string _protocol;
    bool _need_join = true;
    partition_map _owned;
    std::chrono::steady_clock::time_point _next_heartbeat;
};

/// Offset commit/fetch for a group id without membership (consumers that assign() manually).
result<void> commit_offsets(client& c, const std::string& group, int32_t generation, const std::string& member,
                            const std::map<topic_partition, int64_t>& offsets,
                            const std::optional<std::string>& instance = std::nullopt);
result<std::map<topic_partition, int64_t>> fetch_offsets(client& c, const std::string& group,
                                                         const std::optional<std::vector<topic_partition>>& tps);
/// FindCoordinator for a group; returns the coordinator's node id (added to the metadata).
result<int32_t> find_group_coordinator(client& c, const std::string& group);

} // namespace brook::client::kafka

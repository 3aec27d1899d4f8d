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
#include <optional>
#include <string>
#include <vector>

namespace brook::client::kafka {

class group_membership {
public:
    group_membership(client& c, const consumer_config& cfg, std::vector<std::string> topics);

    /// Joins when needed and heartbeats when due. Returns the new assignment when it changed.
    result<std::optional<std::vector<topic_partition>>> poll(consumer& owner);

    /// OffsetCommit of `offsets` with this member's generation (or as a simple consumer when
    /// not a member: generation -1, empty member id).
    result<void> commit(const std::map<topic_partition, int64_t>& offsets);
    /// OffsetFetch for `tps` (-1 for partitions without a committed offset).
    result<std::map<topic_partition, int64_t>> fetch(const std::vector<topic_partition>& tps);

    /// LeaveGroup, if joined.
    result<void> leave();

    const std::string& member_id() const noexcept { return _member_id; }
    int32_t generation() const noexcept { return _generation; }

private:
    result<int32_t> coordinator();
    result<void> join_and_sync();
    void reset_coordinator_on(std::error_code ec);

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
                            const std::map<topic_partition, int64_t>& offsets);
result<std::map<topic_partition, int64_t>> fetch_offsets(client& c, const std::string& group,
                                                         const std::optional<std::vector<topic_partition>>& tps);
/// FindCoordinator for a group; returns the coordinator's node id (added to the metadata).
result<int32_t> find_group_coordinator(client& c, const std::string& group);

} // namespace brook::client::kafka

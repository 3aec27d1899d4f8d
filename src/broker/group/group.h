#pragma once
// One classic consumer group as the coordinator keeps it in memory: state, generation, members,
// the chosen protocol and the committed offsets. Plain data plus the helpers that only look at the
// group itself; every transition lives in group_coordinator (coordinator.h), which owns the lock.
#include "broker/group/scheduler.h"
#include "broker/group/types.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace brook::broker::group {

/// Kafka's GroupState names are what DescribeGroups/ListGroups return.
enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };

std::string_view state_name(group_state s) noexcept;

struct member_state {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;
    std::string protocol_type;
    std::vector<protocol_entry> protocols;
    bytes assignment;
    /// Set while a JoinGroup of this member waits for the rebalance to complete.
    join_callback awaiting_join;
    /// Set while a SyncGroup of this member waits for the leader's assignment.
    sync_callback awaiting_sync;
    /// Joined in the current rebalance and not yet part of a generation.
    bool is_new = false;
    /// Bumped on every heartbeat-timer reset; a firing timer with an older value is stale.
    uint64_t heartbeat_epoch = 0;
    uint64_t heartbeat_timer = 0;

    /// The member's metadata for `protocol` (empty when it did not offer it).
    const bytes* metadata_for(const std::string& protocol) const;
    bool same_protocols(const std::vector<protocol_entry>& other) const;
};

using topic_partition_key = std::pair<std::string, int32_t>;

struct group_data {
    std::string id;
    group_state state = group_state::empty;
    int32_t generation = 0;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol_name;
    std::string leader; // empty: none
    std::map<std::string, member_state> members;
    /// Member ids in join order (Kafka picks the first as leader).
    std::vector<std::string> join_order;
    /// KIP-394: ids handed out with MEMBER_ID_REQUIRED and not yet used to join, with their timer.
    std::map<std::string, uint64_t> pending_members;
    /// KIP-345: group.instance.id -> member id.
    std::map<std::string, std::string> static_members;
    /// Members of the generation that have not sent SyncGroup yet; removed at the sync deadline.
    std::set<std::string> pending_sync;
    std::map<topic_partition_key, committed_offset> offsets;
    /// Wall-clock ms of the last state change (GroupMetadataValue current_state_timestamp).
    int64_t state_timestamp = -1;

    // Rebalance bookkeeping.
    uint64_t join_timer = 0;
    uint64_t sync_timer = 0;
    /// Bumped per timer arm, so a late timer of an earlier phase does nothing.
    uint64_t timer_epoch = 0;
    /// The initial rebalance delay (group.initial.rebalance.delay.ms) is running.
    bool initial_delay = false;
    int32_t initial_delay_remaining_ms = 0;
    bool joined_during_delay = false;

    bool is(group_state s) const noexcept { return state == s; }
    bool has_member(const std::string& id) const { return members.count(id) != 0; }
    int awaiting_join_count() const;
    bool all_members_joined() const;
    /// Largest rebalance timeout of the members (the rebalance deadline).
    int32_t max_rebalance_timeout_ms() const;
    /// Whether `protocol_type` / `protocols` are compatible with the current members.
    bool supports(const std::string& type, const std::vector<protocol_entry>& protocols) const;
    /// Kafka's vote: the protocol every member supports that the most members list first.
    std::string select_protocol() const;
    /// The static member id of `instance`, if any.
    std::optional<std::string> static_member(const std::optional<std::string>& instance) const;
    /// Topics the members subscribe to (decoded from the consumer protocol metadata), when the
    /// group uses the "consumer" protocol type and a protocol was chosen.
    std::optional<std::set<std::string>> subscribed_topics() const;
};

} // namespace brook::broker::group

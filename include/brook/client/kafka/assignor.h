#pragma once
// Partition assignment for consumer groups ("consumer" protocol type), run by the group leader,
// and the embedded formats carried opaquely by JoinGroup/SyncGroup.
//
// ConsumerProtocolSubscription (JoinGroup protocol metadata), classic encoding, big-endian:
//   int16 version (we write 1)
//   topics           int32 count, then int16-length strings
//   user_data        int32 length (-1 = null), bytes
//   owned_partitions (v1+) int32 count, then { topic int16 string, partitions int32 count + int32s }
// ConsumerProtocolAssignment (SyncGroup assignment):
//   int16 version (we write 1)
//   assigned_partitions int32 count, then { topic int16 string, partitions int32 count + int32s }
//   user_data        int32 length (-1 = null), bytes
// Readers accept versions 0-3 and ignore fields after those they know (v2 generation, v3 rack).
#include "brook/common/bytes.h"
#include "brook/common/result.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace brook::client::kafka {

/// Partitions of one topic or of many: topic -> sorted partition ids.
using partition_map = std::map<std::string, std::vector<int32_t>>;

struct subscription {
    std::vector<std::string> topics;
    partition_map owned;
};

bytes encode_subscription(const subscription& s);
result<subscription> decode_subscription(bytes_view data);
bytes encode_assignment(const partition_map& assigned);
result<partition_map> decode_assignment(bytes_view data);

/// Leader-side input: every member's subscription, and each topic's partition count.
struct assignment_input {
    std::map<std::string, subscription> members;
    std::map<std::string, int32_t> partitions_per_topic;
};

/// Kafka's RangeAssignor: per topic, members sorted by id take consecutive ranges, the first
/// (partitions % members) one partition more.
std::map<std::string, partition_map> assign_range(const assignment_input& in);

/// RoundRobinAssignor: all partitions sorted by (topic, partition) dealt to members sorted by id,
/// skipping members not subscribed to a partition's topic.
std::map<std::string, partition_map> assign_round_robin(const assignment_input& in);

/// CooperativeStickyAssignor: keeps each member's owned partitions while the load stays balanced
/// (counts differ by at most one among members of the same subscription), and never moves a
/// partition between two members in one rebalance: a partition leaving its owner is left
/// unassigned so the owner revokes it, and the next rebalance gives it to its new member.
std::map<std::string, partition_map> assign_cooperative_sticky(const assignment_input& in);

/// Dispatch by protocol name ("range", "roundrobin", "cooperative-sticky"); empty for others.
std::map<std::string, partition_map> assign(std::string_view name, const assignment_input& in);

} // namespace brook::client::kafka

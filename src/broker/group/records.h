#pragma once
// Records of the internal topic __consumer_offsets, in Kafka's formats (all integers big-endian,
// strings int16 length + UTF-8, nullable strings length -1 for null, bytes int32 length).
//
// Key (the version says which kind of record it is):
//   OffsetCommitKey    v0/v1: version int16, group string, topic string, partition int32
//   GroupMetadataKey   v2:    version int16, group string
// OffsetCommitValue (null value = tombstone, the offset was deleted or expired):
//   v0: version, offset int64, metadata string, commit_timestamp int64
//   v1: version, offset int64, metadata string, commit_timestamp int64, expire_timestamp int64
//   v2: version, offset int64, metadata string, commit_timestamp int64
//   v3: version, offset int64, leader_epoch int32, metadata string, commit_timestamp int64
//   Written: v1 when the commit carried an explicit retention (OffsetCommit v2-v4), else v3.
// GroupMetadataValue (null value = tombstone, the group was deleted or expired):
//   v0: version, protocol_type string, generation int32, protocol nullable string,
//       leader nullable string, members [int32 count] of
//       { member_id string, client_id string, client_host string, session_timeout int32,
//         subscription bytes, assignment bytes }
//   v1: members also carry rebalance_timeout int32 after client_host (before session_timeout)
//   v2: + current_state_timestamp int64 after leader
//   v3: + group_instance_id nullable string after member_id
//   Written: v3 (what Kafka 2.3+ writes with the classic protocol).
#include "broker/group/types.h"
#include "brook/common/bytes.h"

#include <optional>
#include <string>
#include <variant>

namespace brook::broker::group {

struct offset_key {
    std::string group;
    std::string topic;
    int32_t partition = 0;
};

struct group_key {
    std::string group;
};

/// The group's persisted form (GroupMetadataValue).
struct group_snapshot {
    std::string protocol_type;
    int32_t generation = 0;
    std::optional<std::string> protocol_name;
    std::optional<std::string> leader;
    int64_t state_timestamp = -1;
    struct member {
        std::string member_id;
        std::optional<std::string> group_instance_id;
        std::string client_id;
        std::string client_host;
        int32_t rebalance_timeout_ms = 0;
        int32_t session_timeout_ms = 0;
        bytes subscription;
        bytes assignment;
    };
    std::vector<member> members;
};

bytes encode_offset_key(const offset_key& k);
bytes encode_group_key(const group_key& k);
bytes encode_offset_value(const committed_offset& v);
bytes encode_group_value(const group_snapshot& g);

/// A decoded key; nullopt for a malformed or unknown record (skipped on load, as Kafka does for
/// unknown versions).
std::optional<std::variant<offset_key, group_key>> decode_key(bytes_view key);
std::optional<committed_offset> decode_offset_value(bytes_view value);
std::optional<group_snapshot> decode_group_value(bytes_view value);

/// Java's String.hashCode over the UTF-16 code units of `s` (UTF-8 input), as Kafka uses to map a
/// group id to its __consumer_offsets partition.
int32_t java_string_hash(std::string_view s) noexcept;
/// abs(hash) % partitions with Kafka's Utils.abs (Integer.MIN_VALUE maps to 0).
int32_t partition_for(std::string_view group_id, int32_t partitions) noexcept;

} // namespace brook::broker::group

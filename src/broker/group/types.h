#pragma once
// Requests and results of the group coordinator, independent of the wire codecs: handlers
// translate the generated Kafka messages to these and back.
#include "brook/common/bytes.h"
#include "brook/protocol/kafka/error_code.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace brook::broker::group {

using error_code = protocol::kafka::error_code;

/// A committed offset as stored (OffsetCommitValue).
struct committed_offset {
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::string metadata;
    int64_t commit_timestamp = -1;
    /// Set by OffsetCommit v2-v4 with a retention time; -1 otherwise.
    int64_t expire_timestamp = -1;
};

struct protocol_entry {
    std::string name;
    bytes metadata;
};

struct join_request {
    std::string group_id;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;
    std::string protocol_type;
    std::vector<protocol_entry> protocols;
    /// JoinGroup v4+: a first join without member id gets MEMBER_ID_REQUIRED (KIP-394).
    bool require_known_member_id = false;
};

struct join_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    bytes metadata;
};

struct join_result {
    error_code error = error_code::none;
    int32_t generation = -1;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol_name;
    std::string leader;
    std::string member_id;
    bool skip_assignment = false;
    /// Non-empty for the leader only: every member with its metadata for the chosen protocol.
    std::vector<join_member> members;
};
using join_callback = std::function<void(join_result)>;

struct sync_request {
    std::string group_id;
    int32_t generation = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol_name;
    std::vector<std::pair<std::string, bytes>> assignments;
};

struct sync_result {
    error_code error = error_code::none;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol_name;
    bytes assignment;
};
using sync_callback = std::function<void(sync_result)>;

struct leave_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

struct leave_member_result {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    error_code error = error_code::none;
};

struct leave_result {
    error_code error = error_code::none;
    std::vector<leave_member_result> members;
};

struct partition_offset {
    std::string topic;
    int32_t partition = 0;
    committed_offset value;
};

struct commit_request {
    std::string group_id;
    int32_t generation = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    /// OffsetCommit v2-v4 retention_time_ms; -1 = broker default.
    int64_t retention_ms = -1;
    std::vector<partition_offset> offsets;
};

struct partition_error {
    std::string topic;
    int32_t partition = 0;
    error_code error = error_code::none;
};

struct fetched_offset {
    std::string topic;
    int32_t partition = 0;
    committed_offset value; // offset -1 when nothing is committed
    error_code error = error_code::none;
};

struct described_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    bytes metadata;
    bytes assignment;
};

struct group_description {
    error_code error = error_code::none;
    std::string group_id;
    std::string state;
    std::string protocol_type;
    std::string protocol_data;
    std::vector<described_member> members;
};

struct group_listing {
    std::string group_id;
    std::string protocol_type;
    std::string state;
};

} // namespace brook::broker::group

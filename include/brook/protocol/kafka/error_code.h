#pragma once
// Kafka error codes (the int16 `error_code` fields of responses), as of Kafka 3.8: code, name,
// whether a client may retry the request as is, and the message Kafka associates with it.
#include <cstdint>
#include <string_view>

namespace brook::protocol::kafka {

enum class error_code : int16_t {
    /// The server experienced an unexpected error when processing the request.
    unknown_server_error = -1,
    /// No error.
    none = 0,
    /// The requested offset is not within the range of offsets maintained by the server.
    offset_out_of_range = 1,
    /// This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is
    /// otherwise corrupt. (retriable)
    corrupt_message = 2,
    /// This server does not host this topic-partition. (retriable)
    unknown_topic_or_partition = 3,
    /// The requested fetch size is invalid.
    invalid_fetch_size = 4,
    /// There is no leader for this topic-partition as we are in the middle of a leadership election. (retriable)
    leader_not_available = 5,
    /// For requests intended only for the leader, this error indicates that the broker is not the current leader. For
    /// requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.
    /// (retriable)
    not_leader_or_follower = 6,
    /// The request timed out. (retriable)
    request_timed_out = 7,
    /// The broker is not available.
    broker_not_available = 8,
    /// The replica is not available for the requested topic-partition. (retriable)
    replica_not_available = 9,
    /// The request included a message larger than the max message size the server will accept.
    message_too_large = 10,
    /// The controller moved to another broker.
    stale_controller_epoch = 11,
    /// The metadata field of the offset request was too large.
    offset_metadata_too_large = 12,
    /// The server disconnected before a response was received. (retriable)
    network_exception = 13,
    /// The coordinator is loading and hence can't process requests. (retriable)
    coordinator_load_in_progress = 14,
    /// The coordinator is not available. (retriable)
    coordinator_not_available = 15,
    /// This is not the correct coordinator. (retriable)
    not_coordinator = 16,
    /// The request attempted to perform an operation on an invalid topic.
    invalid_topic_exception = 17,
    /// The request included message batch larger than the configured segment size on the server.
    record_list_too_large = 18,
    /// Messages are rejected since there are fewer in-sync replicas than required. (retriable)
    not_enough_replicas = 19,
    /// Messages are written to the log, but to fewer in-sync replicas than required. (retriable)
    not_enough_replicas_after_append = 20,
    /// Produce request specified an invalid value for required acks.
    invalid_required_acks = 21,
    /// Specified group generation id is not valid.
    illegal_generation = 22,
    /// The group member's supported protocols are incompatible with those of existing members or first group member
    /// tried to join with empty protocol type or empty protocol list.
    inconsistent_group_protocol = 23,
    /// The configured groupId is invalid.
    invalid_group_id = 24,
    /// The coordinator is not aware of this member.
    unknown_member_id = 25,
    /// The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms
    /// and group.max.session.timeout.ms).
    invalid_session_timeout = 26,
    /// The group is rebalancing, so a rejoin is needed.
    rebalance_in_progress = 27,
    /// The committing offset data size is not valid.
    invalid_commit_offset_size = 28,
    /// Topic authorization failed.
    topic_authorization_failed = 29,
    /// Group authorization failed.
    group_authorization_failed = 30,
    /// Cluster authorization failed.
    cluster_authorization_failed = 31,
    /// The timestamp of the message is out of acceptable range.
    invalid_timestamp = 32,
    /// The broker does not support the requested SASL mechanism.
    unsupported_sasl_mechanism = 33,
    /// Request is not valid given the current SASL state.
    illegal_sasl_state = 34,
    /// The version of API is not supported.
    unsupported_version = 35,
    /// Topic with this name already exists.
    topic_already_exists = 36,
    /// Number of partitions is below 1.
    invalid_partitions = 37,
    /// Replication factor is below 1 or larger than the number of available brokers.
    invalid_replication_factor = 38,
    /// Replica assignment is invalid.
    invalid_replica_assignment = 39,
    /// Configuration is invalid.
    invalid_config = 40,
    /// This is not the correct controller for this cluster. (retriable)
    not_controller = 41,
    /// This most likely occurs because of a request being malformed by the client library or the message was sent to an
    /// incompatible broker. See the broker logs for more details.
    invalid_request = 42,
    /// The message format version on the broker does not support the request.
    unsupported_for_message_format = 43,
    /// Request parameters do not satisfy the configured policy.
    policy_violation = 44,
    /// The broker received an out of order sequence number.
    out_of_order_sequence_number = 45,
    /// The broker received a duplicate sequence number.
    duplicate_sequence_number = 46,
    /// Producer attempted to produce with an old epoch.
    invalid_producer_epoch = 47,
    /// The producer attempted a transactional operation in an invalid state.
    invalid_txn_state = 48,
    /// The producer attempted to use a producer id which is not currently assigned to its transactional id.
    invalid_producer_id_mapping = 49,
    /// The transaction timeout is larger than the maximum value allowed by the broker (as configured by
    /// transaction.max.timeout.ms).
    invalid_transaction_timeout = 50,
    /// The producer attempted to update a transaction while another concurrent operation on the same transaction was
    /// ongoing. (retriable)
    concurrent_transactions = 51,
    /// Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a
    /// given producer.
    transaction_coordinator_fenced = 52,
    /// Transactional Id authorization failed.
    transactional_id_authorization_failed = 53,
    /// Security features are disabled.
    security_disabled = 54,
    /// The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in
    /// the batch failed, causing the broker to respond without trying the rest.
    operation_not_attempted = 55,
    /// Disk error when trying to access log file on the disk. (retriable)
    kafka_storage_error = 56,
    /// The user-specified log directory is not found in the broker config.
    log_dir_not_found = 57,
    /// SASL Authentication failed.
    sasl_authentication_failed = 58,
    /// This exception is raised by the broker if it could not locate the producer metadata associated with the
    /// producerId in question.
    unknown_producer_id = 59,
    /// A partition reassignment is in progress.
    reassignment_in_progress = 60,
    /// Delegation Token feature is not enabled.
    delegation_token_auth_disabled = 61,
    /// Delegation Token is not found on server.
    delegation_token_not_found = 62,
    /// Specified Principal is not valid Owner/Renewer.
    delegation_token_owner_mismatch = 63,
    /// Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated
    /// channels.
    delegation_token_request_not_allowed = 64,
    /// Delegation Token authorization failed.
    delegation_token_authorization_failed = 65,
    /// Delegation Token is expired.
    delegation_token_expired = 66,
    /// Supplied principalType is not supported.
    invalid_principal_type = 67,
    /// The group is not empty.
    non_empty_group = 68,
    /// The group id does not exist.
    group_id_not_found = 69,
    /// The fetch session ID was not found. (retriable)
    fetch_session_id_not_found = 70,
    /// The fetch session epoch is invalid. (retriable)
    invalid_fetch_session_epoch = 71,
    /// There is no listener on the leader broker that matches the listener on which metadata request was processed.
    /// (retriable)
    listener_not_found = 72,
    /// Topic deletion is disabled.
    topic_deletion_disabled = 73,
    /// The leader epoch in the request is older than the epoch on the broker. (retriable)
    fenced_leader_epoch = 74,
    /// The leader epoch in the request is newer than the epoch on the broker. (retriable)
    unknown_leader_epoch = 75,
    /// The requesting client does not support the compression type of given partition.
    unsupported_compression_type = 76,
    /// Broker epoch has changed.
    stale_broker_epoch = 77,
    /// The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to
    /// be monotonically increasing. (retriable)
    offset_not_available = 78,
    /// The group member needs to have a valid member id before actually entering a consumer group.
    member_id_required = 79,
    /// The preferred leader was not available. (retriable)
    preferred_leader_not_available = 80,
    /// The consumer group has reached its max size.
    group_max_size_reached = 81,
    /// The broker rejected this static consumer since another consumer with the same group.instance.id has registered
    /// with a different member.id.
    fenced_instance_id = 82,
    /// Eligible topic partition leaders are not available. (retriable)
    eligible_leaders_not_available = 83,
    /// Leader election not needed for topic partition. (retriable)
    election_not_needed = 84,
    /// No partition reassignment is in progress.
    no_reassignment_in_progress = 85,
    /// Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.
    group_subscribed_to_topic = 86,
    /// This record has failed the validation on broker and hence will be rejected.
    invalid_record = 87,
    /// There are unstable offsets that need to be cleared. (retriable)
    unstable_offset_commit = 88,
    /// The throttling quota has been exceeded. (retriable)
    throttling_quota_exceeded = 89,
    /// There is a newer producer with the same transactionalId which fences the current one.
    producer_fenced = 90,
    /// A request illegally referred to a resource that does not exist.
    resource_not_found = 91,
    /// A request illegally referred to the same resource twice.
    duplicate_resource = 92,
    /// Requested credential would not meet criteria for acceptability.
    unacceptable_credential = 93,
    /// Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.
    inconsistent_voter_set = 94,
    /// The given update version was invalid.
    invalid_update_version = 95,
    /// Unable to update finalized features due to an unexpected server error.
    feature_update_failed = 96,
    /// Request principal deserialization failed during forwarding. This indicates an internal error on the broker
    /// cluster security setup.
    principal_deserialization_failure = 97,
    /// Requested snapshot was not found.
    snapshot_not_found = 98,
    /// Requested position is not greater than or equal to zero, and less than the size of the snapshot.
    position_out_of_range = 99,
    /// This server does not host this topic ID. (retriable)
    unknown_topic_id = 100,
    /// This broker ID is already in use.
    duplicate_broker_registration = 101,
    /// The given broker ID was not registered.
    broker_id_not_registered = 102,
    /// The log's topic ID did not match the topic ID in the request. (retriable)
    inconsistent_topic_id = 103,
    /// The clusterId in the request does not match that found on the server.
    inconsistent_cluster_id = 104,
    /// The transactionalId could not be found.
    transactional_id_not_found = 105,
    /// The fetch session encountered inconsistent topic ID usage. (retriable)
    fetch_session_topic_id_error = 106,
    /// The new ISR contains at least one ineligible replica.
    ineligible_replica = 107,
    /// The AlterPartition request successfully updated the partition state but the leader has changed.
    new_leader_elected = 108,
    /// The requested offset is moved to tiered storage.
    offset_moved_to_tiered_storage = 109,
    /// The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.
    fenced_member_epoch = 110,
    /// The instance ID is still used by another member in the consumer group. That member must leave first.
    unreleased_instance_id = 111,
    /// The assignor or its version range is not supported by the consumer group.
    unsupported_assignor = 112,
    /// The member epoch is stale. The member must retry after receiving its updated member epoch via the
    /// ConsumerGroupHeartbeat API.
    stale_member_epoch = 113,
    /// The request was sent to an endpoint of the wrong type.
    mismatched_endpoint_type = 114,
    /// This endpoint type is not supported yet.
    unsupported_endpoint_type = 115,
    /// This controller ID is not known.
    unknown_controller_id = 116,
    /// Client sent a push telemetry request with an invalid or outdated subscription ID.
    unknown_subscription_id = 117,
    /// Client sent a push telemetry request larger than the maximum size the broker will accept.
    telemetry_too_large = 118,
    /// The controller has considered the broker registration to be invalid.
    invalid_registration = 119,
    /// The server encountered an error with the transaction. The client can abort the transaction to continue using
    /// this transactional ID.
    transaction_abortable = 120,
};

struct error_info {
    error_code code;
    /// Kafka's upper-case name, e.g. "NOT_LEADER_OR_FOLLOWER".
    std::string_view name;
    bool retriable;
    std::string_view message;
};

/// The table entry for `code`; an entry named "UNKNOWN" (not retriable) for codes Kafka 3.8 does not define.
const error_info& describe(error_code code) noexcept;
inline const error_info& describe(int16_t code) noexcept {
    return describe(static_cast<error_code>(code));
}
inline std::string_view error_name(error_code code) noexcept {
    return describe(code).name;
}
inline bool is_retriable(error_code code) noexcept {
    return describe(code).retriable;
}

/// Lowest and highest code in the table.
inline constexpr int16_t min_error_code = -1;
inline constexpr int16_t max_error_code = 120;

} // namespace brook::protocol::kafka

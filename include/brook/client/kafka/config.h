#pragma once
// Settings of the Kafka client, producer and consumer, named after the Java client's properties
// where one exists (bootstrap.servers, linger.ms, batch.size, acks, ...).
#include "brook/protocol/kafka/record_batch.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace brook::client::kafka {

/// A host and port of a broker.
struct broker_address {
    std::string host;
    uint16_t port = 9092;
    bool operator==(const broker_address&) const = default;
};

struct client_config {
    /// bootstrap.servers: the first one that answers is used to discover the cluster.
    std::vector<broker_address> bootstrap_servers{{"localhost", 9092}};
    /// client.id, sent in every request header.
    std::string client_id = "brook";
    /// request.timeout.ms: time a request may stay unanswered before its connection is closed.
    std::chrono::milliseconds request_timeout{30000};
    /// socket.connection.setup.timeout.ms.
    std::chrono::milliseconds connect_timeout{10000};
};

struct producer_config {
    /// acks: 0 (no answer), 1 (leader) or -1 (all in-sync replicas).
    int16_t acks = -1;
    /// linger.ms: how long a batch that is not full waits for more records.
    std::chrono::milliseconds linger{5};
    /// batch.size: a batch is sent once its uncompressed records reach this many bytes.
    size_t batch_size = 64 * 1024;
    /// max.request.size: cap on one Produce request.
    size_t max_request_size = 1024 * 1024;
    protocol::kafka::compression_type compression = protocol::kafka::compression_type::none;
    /// retries and retry.backoff.ms for retriable errors; delivery.timeout.ms bounds the total.
    int retries = 2147483647;
    std::chrono::milliseconds retry_backoff{100};
    std::chrono::milliseconds delivery_timeout{120000};
    /// max.in.flight.requests.per.connection.
    int max_in_flight = 5;
    /// buffer.memory: produce() blocks while this many bytes wait to be sent.
    size_t buffer_memory = 64 * 1024 * 1024;
};

struct consumer_config {
    /// group.id: empty for a consumer that only uses assign().
    std::string group_id;
    /// fetch.min.bytes / fetch.max.wait.ms / fetch.max.bytes / max.partition.fetch.bytes.
    int32_t fetch_min_bytes = 1;
    std::chrono::milliseconds fetch_max_wait{500};
    int32_t fetch_max_bytes = 50 * 1024 * 1024;
    int32_t max_partition_fetch_bytes = 1024 * 1024;
    /// auto.offset.reset: "earliest", "latest" or "none".
    std::string auto_offset_reset = "latest";
    /// session.timeout.ms, rebalance.timeout (max.poll.interval.ms), heartbeat.interval.ms.
    std::chrono::milliseconds session_timeout{45000};
    std::chrono::milliseconds rebalance_timeout{300000};
    std::chrono::milliseconds heartbeat_interval{3000};
    /// partition.assignment.strategy, in order of preference: "range", "roundrobin", "cooperative-sticky".
    std::vector<std::string> assignors{"range", "cooperative-sticky"};
    /// isolation.level: 0 read_uncommitted, 1 read_committed.
    int8_t isolation_level = 0;
    /// enable.auto.commit / auto.commit.interval.ms: with a group.id, poll() commits the
    /// consumed positions asynchronously at this interval; close() and a rebalance (before
    /// partitions are revoked) commit them synchronously.
    bool enable_auto_commit = true;
    std::chrono::milliseconds auto_commit_interval{5000};
    /// group.instance.id: makes the consumer a static member (KIP-345). A static member keeps
    /// its partitions across a restart within session.timeout and sends no LeaveGroup on close.
    std::optional<std::string> group_instance_id;
};

} // namespace brook::client::kafka

#pragma once
// The Kafka consumer: manual assignment with a fetch loop, seek (beginning, end, offset,
// timestamp), pause/resume, and consumer groups (subscribe with range, round-robin or
// cooperative-sticky assignment; offset commits).
//
// A consumer is used from one thread at a time (like the Java client): poll() fetches from every
// leader of the assigned partitions in parallel and returns the records in partition order.
// Group heartbeats are sent from poll(), so poll at least every session.timeout / 3.
#include "brook/client/kafka/client.h"
#include "brook/client/kafka/config.h"
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/record_batch.h"
#include "brook/protocol/kafka/record_batch_builder.h"

#include <chrono>
#include <compare>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace brook::client::kafka {

struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const topic_partition&) const = default;
};

/// Logical start positions for assign() and seek().
namespace offsets {
/// The end of the log (the next offset to be written).
inline constexpr int64_t end = -1;
/// The first offset still in the log.
inline constexpr int64_t beginning = -2;
/// The group's committed offset, else auto.offset.reset.
inline constexpr int64_t stored = -1000;
} // namespace offsets

struct consumer_record {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    int64_t timestamp = -1;
    protocol::kafka::timestamp_type timestamp_type = protocol::kafka::timestamp_type::create_time;
    std::optional<bytes> key;
    std::optional<bytes> value;
    std::vector<protocol::kafka::record_header> headers;
};

class group_membership;

class consumer {
public:
    /// `c` must outlive the consumer.
    consumer(client& c, consumer_config cfg);
    /// Leaves the group (if any) without committing.
    ~consumer();
    consumer(const consumer&) = delete;
    consumer& operator=(const consumer&) = delete;

    /// Replaces the assignment; every partition starts at `start` (an offset or offsets::*).
    result<void> assign(const std::vector<topic_partition>& partitions, int64_t start = offsets::stored);
    std::vector<topic_partition> assignment() const;

    /// Moves the next fetch of `tp` to `offset` (or offsets::beginning / end). REQUIRES: assigned.
    result<void> seek(const topic_partition& tp, int64_t offset);
    /// Moves each partition to the first offset whose timestamp is >= `timestamp_ms` (the end
    /// when there is none), through ListOffsets.
    result<void> seek_to_timestamp(const std::vector<topic_partition>& tps, int64_t timestamp_ms);

    void pause(const std::vector<topic_partition>& tps);
    void resume(const std::vector<topic_partition>& tps);

    /// The next offset poll() will return for `tp` (resolving a logical position first).
    result<int64_t> position(const topic_partition& tp);
    /// The high watermark the last fetch of `tp` reported, if any.
    std::optional<int64_t> high_watermark(const topic_partition& tp) const;

    /// Fetches records, waiting up to `timeout` for at least one. An empty vector means none
    /// arrived in time.
    result<std::vector<consumer_record>> poll(std::chrono::milliseconds timeout);

    /// ListOffsets for `tps` at `timestamp` (-1 latest, -2 earliest, else a time in ms).
    result<std::map<topic_partition, int64_t>> list_offsets(const std::vector<topic_partition>& tps, int64_t timestamp);

    /// Joins group.id and consumes `topics`; assignment follows the group's decisions.
    result<void> subscribe(const std::vector<std::string>& topics);
    /// Commits `offsets` (the current positions when empty) to the group.
    result<void> commit_sync(const std::map<topic_partition, int64_t>& offsets = {});
    /// Commits the current positions and reports the outcome to `done` instead of failing the
    /// caller (runs on the calling thread before returning).
    void commit_async(std::function<void(std::error_code)> done = {});
    /// The group's committed offsets of `tps` (-1 when none).
    result<std::map<topic_partition, int64_t>> committed(const std::vector<topic_partition>& tps);
    /// Leaves the group (if any).
    result<void> close();

private:
    struct partition_state {
        int64_t position = offsets::stored;
        std::optional<int64_t> high_watermark;
        bool paused = false;
    };

    result<void> resolve_positions();
    result<std::map<topic_partition, int64_t>> current_offsets() const;

    client& _client;
    consumer_config _cfg;
    std::map<topic_partition, partition_state> _parts;
    std::unique_ptr<group_membership> _group;
};

} // namespace brook::client::kafka

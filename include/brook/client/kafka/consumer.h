#pragma once
// The Kafka consumer: manual assignment with a fetch loop, seek (beginning, end, offset,
// timestamp), pause/resume, and consumer groups (subscribe with range, round-robin or
// cooperative-sticky assignment; offset commits).
//
// A consumer is used from one thread at a time (like the Java client): poll() fetches from every
// leader of the assigned partitions in parallel and returns the records in partition order.
// Group heartbeats are sent from poll(), so poll at least every session.timeout / 3. Members of
// one group need clients of their own: a JoinGroup waits on the coordinator for the other
// members, and a connection's answers come in request order, so a member sharing that connection
// could not heartbeat meanwhile.
//
// Offset commits: commit_sync() blocks. commit_async() only queues the OffsetCommit on the
// client's network thread and returns; its callback runs later on the consumer's thread, from
// poll(), commit_sync() or close() (as in the Java client), so it may use the consumer. Callbacks
// run in the order of the commit_async() calls. With enable.auto.commit (the default) poll()
// commits the positions asynchronously every auto.commit.interval; close() and a rebalance
// (before partitions are revoked, eager or cooperative) commit them synchronously.
//
// Errors: FENCED_INSTANCE_ID (another consumer took this group.instance.id) is fatal: poll(),
// the commits and close() report it from then on and the consumer sends nothing more to the group.
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
class commit_queue;

/// What a group member currently is (Java's ConsumerGroupMetadata).
struct group_metadata {
    std::string group_id;
    int32_t generation = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

class consumer {
public:
    /// `c` must outlive the consumer.
    consumer(client& c, consumer_config cfg);
    /// close().
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
    /// Commits `offsets` (the current positions when empty) to the group, waiting for the answer.
    /// Runs the callbacks of asynchronous commits that finished meanwhile.
    result<void> commit_sync(const std::map<topic_partition, int64_t>& offsets = {});
    /// Sends an OffsetCommit of the current positions (or `offsets`) and returns at once. `done`
    /// receives the outcome (empty on success; e.g. REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or
    /// UNKNOWN_MEMBER_ID when a rebalance overtook it) on this consumer's thread from a later
    /// poll(), commit_sync() or close(), in commit order. Only the lookup of an unknown group
    /// coordinator blocks.
    void commit_async(std::function<void(std::error_code)> done = {});
    void commit_async(const std::map<topic_partition, int64_t>& offsets, std::function<void(std::error_code)> done);
    /// Asynchronous commits whose callbacks have not run yet.
    size_t pending_commits() const;
    /// The group's committed offsets of `tps` (-1 when none).
    result<std::map<topic_partition, int64_t>> committed(const std::vector<topic_partition>& tps);
    /// Commits the positions when auto-committing, waits up to `timeout` for the asynchronous
    /// commits in flight (running their callbacks; those unanswered get errc::timed_out) and
    /// leaves the group (a static member does not). Later calls do nothing.
    result<void> close(std::chrono::milliseconds timeout = std::chrono::seconds(30));

    /// The group membership (generation -1 and no member id outside a group).
    group_metadata group_info() const;

private:
    struct partition_state {
        int64_t position = offsets::stored;
        std::optional<int64_t> high_watermark;
        bool paused = false;
    };

    result<void> resolve_positions();
    result<std::map<topic_partition, int64_t>> current_offsets() const;
    /// Applies a new group assignment (keeping the positions of partitions still owned).
    void apply_assignment(const std::vector<topic_partition>& tps);
    /// Joins/heartbeats through the group, committing before partitions are revoked.
    result<void> poll_group();
    /// Runs the callbacks of finished asynchronous commits; auto-commits when due.
    void run_commit_callbacks();
    void maybe_auto_commit();
    /// Records a fatal error (FENCED_INSTANCE_ID) seen in `ec`; returns `ec`.
    std::error_code note(std::error_code ec);
    /// Synchronous commit of the positions of `tps` (all when empty), errors logged.
    void commit_positions_quietly(const std::vector<topic_partition>& tps, const char* why);
    result<int32_t> commit_coordinator();

    client& _client;
    consumer_config _cfg;
    std::map<topic_partition, partition_state> _parts;
    std::unique_ptr<group_membership> _group;
    std::shared_ptr<commit_queue> _commits;
    /// Coordinator for commits outside membership (assign() with a group.id); -1 unknown.
    int32_t _coordinator = -1;
    std::chrono::steady_clock::time_point _next_auto_commit;
    std::map<topic_partition, int64_t> _last_auto_commit;
    std::error_code _fatal;
    bool _closed = false;
};

} // namespace brook::client::kafka

#pragma once
// The log of one partition: a directory `<log.dir>/<topic>-<partition>/` of segments (see
// src/log/README.md for every file), the offsets that describe it, and its leader-epoch cache.
//
// Threads and locks (in acquisition order; none is held across an fsync):
// - maintenance lock: retention, compaction, truncation, DeleteRecords. Long operations; appends
//   never take it, so none of them blocks appends except for the short list swap at their end.
// - append lock: appends (leader/follower), rolls and segment-list changes. Held for validation
//   of offsets, the page-cache write (pwrite) and index updates; never for fsync.
// - list lock: guards the pointer to the immutable segment list; held for a shared_ptr copy.
// - flush lock: serialises flush().
// Reads take only the list lock (to snapshot the segments) and read published bytes: the active
// segment's size and the log end offset are atomics stored after the bytes are written, so a read
// never sees a torn batch and never waits for an append.
//
// Every public member is safe to call from any thread. Errors: errc::log_offline once an I/O error
// was seen (the broker reports the partition offline; the log manager logs it).
#include "brook/common/bytes.h"
#include "brook/common/ids.h"
#include "brook/common/result.h"
#include "brook/log/checkpoint.h"
#include "brook/log/errc.h"
#include "brook/log/file_handle.h"
#include "brook/log/leader_epoch_cache.h"
#include "brook/log/log_config.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace brook::log {

class segment;
struct batch_position;

struct append_result {
    offset base_offset{-1};
    offset last_offset{-1};
    /// The LogAppendTime stamped on the batches, or -1 (CreateTime).
    int64_t append_time_ms = -1;
    offset log_start_offset{0};
    /// True when flush.messages was reached: the caller should schedule flush() off this thread.
    bool flush_needed = false;
};

/// Batches to send: one file region of whole batches, starting at the batch holding the requested
/// offset. `region.length == 0` when there is nothing (yet) to read.
struct read_result {
    file_region region;
    /// Base offset of the first batch returned (may be below the requested offset).
    offset first_offset{-1};
    /// The offset to fetch next (one past the last batch returned).
    offset next_offset{-1};
};

struct timestamp_lookup {
    /// Base offset of the first batch whose max timestamp >= the target.
    offset batch_base_offset;
    int64_t max_timestamp = -1;
    /// ListOffsets' answer: the first record in that batch with timestamp >= the target (the
    /// batch's base offset when its records cannot be decoded), and that record's timestamp.
    offset record_offset;
    int64_t record_timestamp = -1;
};

struct load_options {
    /// The directory held `.kafka_cleanshutdown`: trust files, no scan.
    bool clean_shutdown = false;
    /// From recovery-point-offset-checkpoint; segments from the one holding it are rescanned.
    offset recovery_point{0};
    /// From log-start-offset-checkpoint.
    std::optional<offset> log_start;
    /// From cleaner-offset-checkpoint.
    std::optional<offset> cleaner_checkpoint;
};

struct recovery_stats {
    int segments_scanned = 0;
    uint64_t bytes_scanned = 0;
    uint64_t bytes_truncated = 0;
    int segments_deleted = 0;
};

struct compaction_stats {
    bool ran = false;
    int segments_cleaned = 0;
    uint64_t bytes_before = 0;
    uint64_t bytes_after = 0;
    int64_t records_removed = 0;
    /// Cleaning passes: more than one when the dirty section had more keys than the key map holds.
    int passes = 0;
    /// Largest number of keys the key map held in one pass.
    size_t max_map_keys = 0;
};

class partition_log {
public:
    /// Creates the directory and the first segment at `start`. REQUIRES: `dir` does not hold a log.
    static result<std::shared_ptr<partition_log>> create(const std::filesystem::path& dir, topic_partition tp,
                                                         const log_config& cfg, file_cache& files, clock_fn clock,
                                                         std::optional<topic_id> id = std::nullopt,
                                                         offset start = offset(0));
    /// Opens an existing directory: a clean shutdown only describes segments (lazy, no scan); an
    /// unclean one recovers every segment from the recovery point (see README "Recovery").
    static result<std::shared_ptr<partition_log>> load(const std::filesystem::path& dir, topic_partition tp,
                                                       const log_config& cfg, file_cache& files, clock_fn clock,
                                                       const load_options& opts, recovery_stats* stats = nullptr);

    partition_log(const std::filesystem::path& dir, topic_partition tp, const log_config& cfg, file_cache& files,
                  clock_fn clock);
    ~partition_log();
    partition_log(const partition_log&) = delete;
    partition_log& operator=(const partition_log&) = delete;

    const topic_partition& name() const noexcept { return _tp; }
    const std::filesystem::path& dir() const noexcept { return _dir; }
    /// The settings in use (a copy, safe against a concurrent update_config()).
    log_config config() const;
    /// Replaces the settings (a topic's configs changed): takes the maintenance and append locks,
    /// so the next append, roll and retention pass use the new values; an append whose batch
    /// checks already ran finishes under the previous limits.
    void update_config(const log_config& cfg);

    /// Leader append: validates every batch (framing, magic, CRC, record count, size, and record
    /// framing of uncompressed batches), assigns offsets from the log end, stamps `epoch` and, when
    /// configured, LogAppendTime — rewriting `batches` in place — then writes them. `batches` holds
    /// one or more whole batches.
    result<append_result> append_as_leader(std::span<uint8_t> batches, leader_epoch epoch);
    /// Follower append: keeps the leader's offsets and epochs. REQUIRES: first base >= log end.
    result<append_result> append_as_follower(bytes_view batches);

    /// Reads whole batches from the one holding `start`, up to `max_bytes` (the first batch is
    /// returned whole even if larger), stopping before batches whose base offset >= `upper_bound`
    /// (high watermark or last stable offset). offset_out_of_range outside [log start, log end].
    result<read_result> read(offset start, size_t max_bytes, offset upper_bound = offset::max());
    /// Same, copying the bytes into `out` (appended).
    result<read_result> read_into(offset start, size_t max_bytes, offset upper_bound, bytes& out);

    /// First batch whose max timestamp >= ts, and the first record in it with timestamp >= ts
    /// (records are decoded, decompressing when needed); nothing when every batch is older.
    result<std::optional<timestamp_lookup>> offset_for_timestamp(int64_t ts);
    /// ListOffsets' MAX_TIMESTAMP (KIP-734): the first record holding the largest timestamp of the
    /// log at or above the log start, found through the segments' cached max timestamps (only the
    /// segment holding it is read). Nothing when the log is empty or has no timestamps (-1).
    result<std::optional<timestamp_lookup>> max_timestamp_offset();

    offset log_start_offset() const noexcept { return offset(_log_start.load(std::memory_order_acquire)); }
    /// Offset the next appended record gets (Kafka's log end offset, "latest").
    offset log_end_offset() const noexcept { return offset(_log_end.load(std::memory_order_acquire)); }
    offset recovery_point() const noexcept { return offset(_recovery_point.load(std::memory_order_acquire)); }
    /// The broker's high watermark, kept here for replication-offset-checkpoint.
    offset high_watermark() const noexcept { return offset(_high_watermark.load(std::memory_order_acquire)); }
    void set_high_watermark(offset hw) noexcept;
    /// Offset below which the log is compacted (cleaner-offset-checkpoint).
    offset cleaner_checkpoint() const noexcept { return offset(_cleaner_checkpoint.load()); }
    bool offline() const noexcept { return _offline.load(std::memory_order_acquire); }
    uint64_t size_bytes() const;
    size_t segment_count() const;
    std::vector<offset> segment_bases() const;

    leader_epoch_cache& epochs() noexcept { return _epochs; }
    leader_epoch_cache::epoch_end end_offset_for_epoch(leader_epoch e) const {
        return _epochs.end_offset_for(e, log_end_offset());
    }

    /// DeleteRecords: moves the log start up to `new_start` (<= log end) and deletes segments
    /// wholly below it. Returns the new log start.
    result<offset> delete_records(offset new_start);
    /// Replication: removes everything at or above `target` (whole batches).
    result<void> truncate_to(offset target);
    /// Replication: drops the whole log and starts empty at `new_start`.
    result<void> truncate_fully(offset new_start);

    /// fsyncs segments holding data past the recovery point, then advances the recovery point to the
    /// log end observed at the start. Runs on the caller's (background) thread; appends continue.
    result<void> flush();
    /// True when flush.messages or flush.ms says a flush is due at `now`.
    bool flush_due(int64_t now) const;

    /// Deletes old segments by retention.ms / retention.bytes / log start (never the active one):
    /// rename to `.deleted`, then unlink. Returns how many were deleted.
    result<int> apply_retention(int64_t now);
    /// Rolls a non-empty active segment older than segment.ms (also checked on append).
    result<void> maybe_roll_by_time(int64_t now);
    /// Compacts the non-active segments when the dirty ratio is high enough (see compaction.cc).
    result<compaction_stats> compact(int64_t now, bool force = false);

    /// Clean close: trims index files and flushes. Further appends fail with errc::closed.
    result<void> close();

private:
    using segment_list = std::vector<std::shared_ptr<segment>>;

    std::shared_ptr<const segment_list> snapshot() const;
    void publish(segment_list list); // REQUIRES: append lock
    result<append_result> append_locked(bytes_view data, const std::vector<batch_position>& batches);
    result<void> roll_locked(offset next_base, int64_t now);
    result<void> delete_segments(const std::vector<std::shared_ptr<segment>>& victims);
    result<read_result> read_impl(offset start, size_t max_bytes, offset upper_bound, bytes* out);
    template<class T>
    result<T> check_io(result<T> r);
    result<void> recover_from(const load_options& opts, recovery_stats* stats);

    std::filesystem::path _dir;
    topic_partition _tp;
    log_config _cfg;
    file_cache& _files;
    clock_fn _clock;

    std::mutex _maintenance_mutex;
    std::mutex _append_mutex;
    /// Guards _cfg for readers holding neither of the locks above (the batch checks before an
    /// append); update_config() holds all three while it writes.
    mutable std::mutex _config_mutex;
    mutable std::mutex _list_mutex;
    std::mutex _flush_mutex;
    std::shared_ptr<const segment_list> _segments;

    std::atomic<int64_t> _log_start{0};
    std::atomic<int64_t> _log_end{0};
    std::atomic<int64_t> _recovery_point{0};
    std::atomic<int64_t> _high_watermark{0};
    std::atomic<int64_t> _cleaner_checkpoint{0};
    std::atomic<int64_t> _unflushed_messages{0};
    std::atomic<int64_t> _last_flush_ms{0};
    // Earliest delete horizon of a tombstone kept by the cleaner: a cleaning is due from then on,
    // whatever the dirty ratio. Unknown after a load (0: one cleaning re-evaluates tombstones).
    std::atomic<int64_t> _tombstone_horizon{std::numeric_limits<int64_t>::max()};
    std::atomic<bool> _offline{false};
    std::atomic<bool> _dir_dirty{false}; // files were created since the last flush
    bool _closed = false;                // under append lock

    leader_epoch_cache _epochs;
};

template<class T>
result<T> partition_log::check_io(result<T> r) {
    if (!r && r.error().category() != error_category()) {
        // Anything from the OS (EIO, ENOSPC, ...) takes the log offline: the broker stops serving
        // it rather than risk serving or acknowledging data the disk did not keep.
        _offline.store(true, std::memory_order_release);
    }
    return r;
}

} // namespace brook::log

#pragma once
// The leader-epoch cache of one partition: for each leader epoch, the first offset written in it.
// Persisted as `leader-epoch-checkpoint` (format in checkpoint.h). Followers use it to find where
// their log diverges from the leader's (OffsetForLeaderEpoch), as in KIP-101/KIP-279.
//
// Thread-safety: all members are thread-safe (internal mutex held for in-memory work only).
// persist() does file I/O: call it without holding the partition's append lock.
//
// Durability (as Kafka since KAFKA-15046): an epoch change on the append path writes the file
// without fsync (persist(false)); the partition's flush() makes it durable (persist(true)) before
// it advances the recovery point. Entries for data past the recovery point are rebuilt from the
// batches' partitionLeaderEpoch fields by recovery, so a crash loses nothing that recovery keeps.
#include "brook/common/ids.h"
#include "brook/common/result.h"
#include "brook/log/checkpoint.h"

#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

namespace brook::log {

class leader_epoch_cache {
public:
    explicit leader_epoch_cache(std::filesystem::path file);
    leader_epoch_cache(const leader_epoch_cache&) = delete;
    leader_epoch_cache& operator=(const leader_epoch_cache&) = delete;

    /// Reads the checkpoint file (a missing file is an empty cache).
    result<void> load();
    /// Writes the checkpoint file when the cache changed since the last persist; `durable` also
    /// fsyncs it (and rewrites a file written earlier without fsync).
    result<void> persist(bool durable = true);

    /// Records that `epoch` starts at `start`. Ignored unless epoch is newer than the latest one
    /// (and start not below the latest start). Returns true when the cache changed.
    bool assign(leader_epoch epoch, offset start);
    std::optional<leader_epoch> latest_epoch() const;

    struct epoch_end {
        leader_epoch epoch{-1};
        offset end_offset{-1};
        auto operator<=>(const epoch_end&) const = default;
    };
    /// Kafka's endOffsetFor: for the latest epoch, the log end; otherwise the start offset of the
    /// first epoch above `requested`, paired with the largest known epoch <= requested (or requested
    /// itself when it predates every entry). {-1, -1} when unknown.
    epoch_end end_offset_for(leader_epoch requested, offset log_end) const;

    /// Drops entries starting at or after `end` (log truncated to `end`).
    void truncate_from_end(offset end);
    /// Log start moved to `start`: drops entries wholly below it and moves the last one up to it.
    void truncate_from_start(offset start);
    void clear();
    std::vector<epoch_entry> entries() const;

private:
    std::filesystem::path _file;
    mutable std::mutex _mutex;
    std::mutex _io_mutex;
    std::vector<epoch_entry> _entries;
    bool _dirty = false;
    bool _unsynced = false; // under _io_mutex: the file was last written without fsync
};

} // namespace brook::log

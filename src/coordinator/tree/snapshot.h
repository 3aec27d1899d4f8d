#pragma once
// Snapshots of the data tree and sessions, and purging of old snapshots and logs.
//
// Files: <dir>/snapshot.<zxid, 16 hex digits>, written as snapshot.<zxid>.tmp, fsynced, renamed.
// Layout (jute encoding, big-endian):
//   "BKSN" (u32) | u32 format version (1) | i64 zxid
//   | i32 session count | { i64 id | i32 timeout }*
//   | i32 node count | { path | data | vector<ACL> | i64 czxid | i64 mzxid | i64 pzxid | i64 ctime
//                        | i64 mtime | i32 version | i32 cversion | i32 aversion | i64 ephemeralOwner }*
//     (parents before children)
//   | u32 CRC-32C of every byte before it
// The server builds snapshots fuzzily, as ZooKeeper does: `zxid` and the sessions are taken at the
// start, then the nodes are written by a depth-first walk of the live tree in bounded steps between
// requests, so txns applied meanwhile may or may not show in it. Every node written existed at the
// moment it was written, and a child is only reached through its parent, so parents still precede
// children. Restoring it and replaying the log from zxid + 1 rebuilds the state, because replay
// tolerates txns already reflected (an existing node is not re-created, a missing one not deleted,
// setData/setACL carry the resulting versions, create carries the parent's cversion).
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "coordinator/tree/processor.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace brook::coordinator::tree {

/// Serializes the tree in steps on the tree's owner thread (see above), so no request waits for a
/// whole image. The processor must stay alive between steps; no other state is borrowed.
class snapshot_builder {
public:
    /// Writes the header and the sessions as of `p.last_zxid()`.
    explicit snapshot_builder(const processor& p);
    /// Writes up to `max_nodes` more nodes of the live tree; true when the walk is complete.
    bool step(const processor& p, size_t max_nodes);
    int64_t zxid() const noexcept { return _zxid; }
    /// The image, with its node count and CRC. REQUIRES: step() returned true.
    bytes finish();

private:
    bytes _out;
    std::vector<std::string> _stack; // paths still to visit, next on top
    size_t _count_pos = 0;
    int32_t _count = 0;
    int64_t _zxid = 0;
};

/// Serializes the processor's tree and sessions in one go (exact as of its last applied zxid).
bytes serialize_snapshot(const processor& p);

/// Writes a serialized snapshot durably (tmp file, fsync, rename, directory fsync).
result<void> write_snapshot(const std::filesystem::path& dir, int64_t zxid, const bytes& image);

/// Loads the newest snapshot with a valid CRC into `p` (which must be fresh). Returns its zxid, or
/// nullopt when there is none. Damaged snapshots are skipped (older ones are tried).
result<std::optional<int64_t>> load_newest_snapshot(const std::filesystem::path& dir, processor& p, int64_t now_ms);

/// Keeps the newest `retain` snapshots and deletes older snapshots and the log files only they need.
void purge(const std::filesystem::path& snap_dir, const std::filesystem::path& log_dir, int retain);

std::vector<std::pair<int64_t, std::filesystem::path>> list_snapshots(const std::filesystem::path& dir);

} // namespace brook::coordinator::tree

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
// The snapshot is serialized in memory on the tree's owner in one step, so it reflects exactly the
// txns up to `zxid`; restoring it and replaying the log from zxid + 1 rebuilds the state. (Replay
// also tolerates txns already reflected, as a fuzzy snapshot would need.)
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "coordinator/tree/processor.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace brook::coordinator::tree {

/// Serializes the processor's tree and sessions as of its last applied zxid.
bytes serialize_snapshot(processor& p);

/// Writes a serialized snapshot durably (tmp file, fsync, rename, directory fsync).
result<void> write_snapshot(const std::filesystem::path& dir, int64_t zxid, const bytes& image);

/// Loads the newest snapshot with a valid CRC into `p` (which must be fresh). Returns its zxid, or
/// nullopt when there is none. Damaged snapshots are skipped (older ones are tried).
result<std::optional<int64_t>> load_newest_snapshot(const std::filesystem::path& dir, processor& p, int64_t now_ms);

/// Keeps the newest `retain` snapshots and deletes older snapshots and the log files only they need.
void purge(const std::filesystem::path& snap_dir, const std::filesystem::path& log_dir, int retain);

std::vector<std::pair<int64_t, std::filesystem::path>> list_snapshots(const std::filesystem::path& dir);

} // namespace brook::coordinator::tree

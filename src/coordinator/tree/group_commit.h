#pragma once
// Group commit: a dedicated thread appends every txn submitted since its last fsync and makes them
// durable with one fsync, then reports the highest durable zxid. While it fsyncs, new txns queue up
// and go out together in the next round, so the fsync rate, not the request rate, bounds latency.
// Snapshots ride in the same queue: when one is reached, everything before it is synced, the log is
// rolled (the next txn opens log.<zxid+1>) and the image is written. Purges ride there too, so a
// purge never races a log roll or a snapshot write; the server requests one every purgeInterval.
// Thread: submit()/submit_snapshot() from any thread; callbacks run on the commit thread.
#include "brook/common/bytes.h"
#include "coordinator/tree/txn_log.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace brook::coordinator::tree {

struct group_commit_callbacks {
    /// Every txn with zxid <= the argument is durable.
    std::function<void(int64_t)> durable;
    /// The log cannot be written: the server must stop (acknowledging more would be a lie).
    std::function<void(std::error_code)> failed;
    /// Optional: a snapshot was written (zxid) or failed (error logged by the callee).
    std::function<void(int64_t, std::error_code)> snapshot_done;
};

struct snapshot_settings {
    std::filesystem::path snap_dir;
    std::filesystem::path log_dir;
    /// Snapshots (and the log files they need) a purge keeps.
    int retain = 3;
};

class group_commit {
public:
    /// `log` must outlive this object.
    group_commit(txn_log& log, snapshot_settings snaps, group_commit_callbacks cb);
    group_commit(const group_commit&) = delete;
    group_commit& operator=(const group_commit&) = delete;
    /// Drains the queue (syncs what was submitted) and joins the thread.
    ~group_commit();

    void submit(int64_t zxid, bytes payload);
    void submit_snapshot(int64_t zxid, bytes image);
    /// Removes all but the newest `retain` snapshots and the log files older than they need, after
    /// everything submitted before it is written.
    void submit_purge();
    /// Drains and joins; further submits are ignored.
    void stop();

    uint64_t fsync_count() const noexcept { return _fsyncs.load(); }

private:
    enum class kind : uint8_t { txn, snapshot, purge };
    struct item {
        int64_t zxid;
        bytes payload;
        kind what;
    };
    void enqueue(item it);
    void run();
    bool write_batch(std::vector<item>& batch);

    txn_log& _log;
    snapshot_settings _snaps;
    group_commit_callbacks _cb;
    std::mutex _mutex;
    std::condition_variable _cv;
    std::vector<item> _queue;
    bool _stopping = false;
    bool _failed = false;
    std::atomic<uint64_t> _fsyncs{0};
    std::thread _thread;
};

} // namespace brook::coordinator::tree

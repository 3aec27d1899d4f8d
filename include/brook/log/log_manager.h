#pragma once
// The broker's storage: every partition log in every log dir, their per-dir checkpoint files, and
// the background work (retention, compaction, flush, rolls by time, checkpoints).
//
// Per log dir (see src/log/README.md): meta.properties, recovery-point-offset-checkpoint,
// log-start-offset-checkpoint, replication-offset-checkpoint, cleaner-offset-checkpoint, the
// clean-shutdown marker .kafka_cleanshutdown, and one directory per partition.
//
// Threads: open() and shutdown() run on the caller's thread (startup / shutdown). Everything else
// is thread-safe; a short internal mutex guards the partition map (never held across I/O other than
// directory creation). Background work runs either on the manager's own std::thread
// (start_background) or on whatever thread calls run_maintenance() — so the module needs no Asio.
// Appends never wait for background work (see partition_log.h for the per-partition locks).
// Errors of background work are logged here (logger "brook.log") and take the partition offline.
#include "brook/common/result.h"
#include "brook/log/checkpoint.h"
#include "brook/log/file_handle.h"
#include "brook/log/log_config.h"
#include "brook/log/partition_log.h"

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace brook::log {

struct log_manager_config {
    std::vector<std::filesystem::path> dirs;
    /// Defaults for logs created without their own config.
    log_config defaults;
    /// Config of a partition found on disk at startup (topic overrides); `defaults` when unset.
    std::function<log_config(const topic_partition&)> config_for;
    /// Upper bound of segment descriptors held open by the file cache.
    size_t max_open_files = 1024;
    /// log.retention.check.interval.ms
    int64_t retention_check_interval_ms = 300'000;
    /// How often flush.ms / flush.messages are checked (log.flush.scheduler.interval.ms).
    int64_t flush_check_interval_ms = 1'000;
    /// log.flush.offset.checkpoint.interval.ms
    int64_t checkpoint_interval_ms = 60'000;
    /// log.cleaner.enable / log.cleaner.backoff.ms
    bool cleaner_enable = true;
    int64_t cleaner_backoff_ms = 15'000;
    /// Written to meta.properties; an existing file with another broker.id fails open().
    int32_t broker_id = -1;
    std::string cluster_id;
    clock_fn clock;
};

inline constexpr const char* clean_shutdown_file = ".kafka_cleanshutdown";

class log_manager {
public:
    /// Opens every log dir and loads every partition in it (recovering after an unclean shutdown).
    /// A dir that cannot be read or written is marked offline with an error log line; its partitions
    /// are not served. Fails only on configuration errors (no dirs, broker.id mismatch).
    static result<std::unique_ptr<log_manager>> open(log_manager_config cfg);

    explicit log_manager(log_manager_config cfg);
    ~log_manager();
    log_manager(const log_manager&) = delete;
    log_manager& operator=(const log_manager&) = delete;

    /// Creates a partition log in the online dir holding the fewest logs.
    result<std::shared_ptr<partition_log>> create_log(const topic_partition& tp,
                                                      std::optional<log_config> cfg = std::nullopt,
                                                      std::optional<topic_id> id = std::nullopt);
    /// The log, or nullptr when there is none (or it lives in an offline dir).
    std::shared_ptr<partition_log> get(const topic_partition& tp) const;
    /// Removes the log: renamed to `<topic>-<partition>.<id>-delete`, then its files are removed.
    result<void> delete_log(const topic_partition& tp);
    std::vector<std::shared_ptr<partition_log>> logs() const;
    size_t log_count() const;
    std::vector<std::filesystem::path> offline_dirs() const;
    file_cache& files() noexcept { return _files; }

    /// Asks the background thread to flush `tp` soon (e.g. after append_result::flush_needed).
    void request_flush(const topic_partition& tp);

    /// One round of background work due at `now`: rolls by time, flushes, retention, cleaning,
    /// checkpoints. Called by the background thread, or directly by tests / a caller's scheduler.
    void run_maintenance(int64_t now);
    /// Writes the four offset checkpoint files of every online dir.
    result<void> write_checkpoints();
    /// Starts the background thread (wakes every flush_check_interval_ms or on request_flush).
    void start_background();
    /// Stops background work, closes (flushes) every log — on up to 8 short-lived threads, since the
    /// fsyncs dominate — then writes checkpoints and, per dir whose logs all closed, the marker.
    result<void> shutdown();

private:
    struct dir_state {
        std::filesystem::path path;
        bool online = true;
        size_t logs = 0;
    };
    struct entry {
        std::shared_ptr<partition_log> log;
        size_t dir = 0;
    };

    result<void> load_dir(size_t index);
    void mark_dir_offline(size_t index, const std::string& why);
    void report(const partition_log& log, const char* what, std::error_code ec);
    void background_loop();
    int64_t now() const { return _cfg.clock(); }

    log_manager_config _cfg;
    file_cache _files;
    mutable std::mutex _mutex; // guards _dirs, _logs, _flush_requests
    std::vector<dir_state> _dirs;
    std::map<topic_partition, entry> _logs;
    std::set<topic_partition> _flush_requests;

    std::mutex _maintenance_mutex; // one maintenance round at a time
    std::mutex _checkpoint_mutex;  // one writer of the checkpoint files at a time
    int64_t _last_retention_ms = 0;
    int64_t _last_flush_check_ms = 0;
    int64_t _last_checkpoint_ms = 0;
    int64_t _last_clean_ms = 0;

    std::thread _thread;
    std::condition_variable _wake;
    bool _stopping = false;
    bool _shut_down = false;
};

} // namespace brook::log

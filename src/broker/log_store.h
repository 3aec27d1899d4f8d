#pragma once
// The partition logs of this broker's log dir (the first of log.dirs), in Kafka's layout:
//
//   <log.dir>/meta.properties                  cluster and broker id (meta_properties.h)
//   <log.dir>/<topic>-<partition>/...          one partition_log each (src/log/README.md)
//   <log.dir>/recovery-point-offset-checkpoint  written at clean shutdown
//   <log.dir>/log-start-offset-checkpoint
//   <log.dir>/replication-offset-checkpoint     high watermarks
//   <log.dir>/.kafka_cleanshutdown              present only after a clean shutdown
//
// Startup loads every partition directory (lazily after a clean shutdown, with recovery after a
// crash) and removes the clean-shutdown marker; shutdown closes the logs, writes the checkpoints
// and the marker. A background thread applies retention every log.retention.check.interval.ms.
// Thread-safe.
#include "brook/common/config.h"
#include "brook/common/result.h"
#include "brook/log/file_handle.h"
#include "brook/log/partition_log.h"

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace brook::broker {

/// Per-log settings from the broker configuration (log.segment.bytes, retention, ...).
log::log_config log_config_from(const config_values& cfg);

class log_store {
public:
    log_store(std::filesystem::path dir, log::log_config defaults, int64_t retention_check_ms);
    ~log_store();
    log_store(const log_store&) = delete;
    log_store& operator=(const log_store&) = delete;

    /// Loads every partition directory. Call once before serving.
    result<void> open();
    /// Partitions found by open(), with their topic ids (from partition.metadata).
    std::vector<std::pair<log::topic_partition, std::shared_ptr<log::partition_log>>> loaded() const;

    /// Creates an empty log (or returns the existing one).
    result<std::shared_ptr<log::partition_log>> create(const log::topic_partition& tp, const log::topic_id& id);
    /// The log of a partition, or null.
    std::shared_ptr<log::partition_log> find(const log::topic_partition& tp) const;
    const std::filesystem::path& dir() const noexcept { return _dir; }
    /// The settings logs get from the static broker configuration.
    const log::log_config& defaults() const noexcept { return _defaults; }
    /// Closes and deletes a partition's directory.
    void remove(const log::topic_partition& tp);

    /// Stops retention, closes every log, writes checkpoints and the clean-shutdown marker.
    void close();

private:
    void retention_loop();

    std::filesystem::path _dir;
    log::log_config _defaults;
    int64_t _retention_check_ms;
    log::file_cache _files{4096};
    mutable std::mutex _mutex;
    std::map<log::topic_partition, std::shared_ptr<log::partition_log>> _logs;
    std::condition_variable _wake;
    bool _closing = false;
    bool _closed = false;
    std::thread _retention;
};

} // namespace brook::broker

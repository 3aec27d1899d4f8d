#include "broker/log_store.h"

#include "brook/broker/config.h"
#include "brook/common/logging.h"
#include "brook/log/checkpoint.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>

namespace brook::broker {

namespace fs = std::filesystem;

namespace {

constexpr const char* clean_marker = ".kafka_cleanshutdown";

} // namespace

log::log_config log_config_from(const config_values& cfg) {
    log::log_config c;
    c.segment_bytes = static_cast<uint64_t>(cfg.get_int("log.segment.bytes"));
    c.segment_ms = effective_roll_ms(cfg);
    c.index_interval_bytes = static_cast<uint32_t>(cfg.get_int("log.index.interval.bytes"));
    c.max_index_bytes = static_cast<uint32_t>(cfg.get_int("log.index.size.max.bytes"));
    c.retention_ms = effective_retention_ms(cfg);
    c.retention_bytes = cfg.get_long("log.retention.bytes");
    c.flush_interval_messages = cfg.get_long("log.flush.interval.messages");
    if (cfg.is_set("log.flush.interval.ms")) {
        c.flush_interval_ms = cfg.get_long("log.flush.interval.ms");
    }
    c.log_append_time = cfg.get_string("log.message.timestamp.type") == "LogAppendTime";
    c.max_batch_bytes = static_cast<uint32_t>(cfg.get_int("message.max.bytes"));
    const auto& policy = cfg.get_list("log.cleanup.policy");
    c.cleanup_delete = std::find(policy.begin(), policy.end(), "delete") != policy.end();
    c.cleanup_compact = std::find(policy.begin(), policy.end(), "compact") != policy.end();
    c.delete_retention_ms = cfg.get_long("log.cleaner.delete.retention.ms");
    c.min_cleanable_dirty_ratio = cfg.get_double("log.cleaner.min.cleanable.ratio");
    // Kafka divides the dedupe buffer among the cleaner threads; each log is cleaned by one.
    const int64_t threads = std::max<int64_t>(1, cfg.get_int("log.cleaner.threads"));
    c.dedupe_buffer_bytes = static_cast<uint64_t>(cfg.get_long("log.cleaner.dedupe.buffer.size") / threads);
    return c;
}

log_store::log_store(fs::path dir, log::log_config defaults, int64_t retention_check_ms)
    : _dir(std::move(dir)), _defaults(defaults), _retention_check_ms(retention_check_ms) {}

log_store::~log_store() {
    close();
}

result<void> log_store::open() {
    auto logger = get_logger("brook.broker");
    std::error_code ec;
    fs::create_directories(_dir, ec);
    const bool clean = fs::exists(_dir / clean_marker);
    auto recovery = log::read_offset_checkpoint(_dir / "recovery-point-offset-checkpoint");
    auto starts = log::read_offset_checkpoint(_dir / "log-start-offset-checkpoint");
    auto hws = log::read_offset_checkpoint(_dir / "replication-offset-checkpoint");
    for (const auto& entry : fs::directory_iterator(_dir, ec)) {
        if (!entry.is_directory()) {
            continue;
        }
        auto tp = log::topic_partition::from_dir_name(entry.path().filename().string());
        if (!tp) {
            continue;
        }
        log::load_options opts;
        opts.clean_shutdown = clean;
        if (recovery && recovery.value().count(*tp)) {
            opts.recovery_point = recovery.value().at(*tp);
        }
        if (starts && starts.value().count(*tp)) {
            opts.log_start = starts.value().at(*tp);
        }
        log::recovery_stats stats;
        auto loaded =
            log::partition_log::load(entry.path(), *tp, _defaults, _files, log::system_clock_ms, opts, &stats);
        if (!loaded) {
            logger->error("Cannot load log {}: {}; leaving it offline", entry.path().string(),
                          loaded.error().message());
            continue;
        }
        auto& l = loaded.value();
        // The high watermark is at most the log end; after a crash what was appended is all there is.
        offset hw = l->log_end_offset();
        if (clean && hws && hws.value().count(*tp)) {
            hw = std::min(hws.value().at(*tp), hw);
        }
        l->set_high_watermark(hw);
        if (!clean) {
            logger->info("Recovered {}: {} segments scanned, {} bytes truncated", tp->dir_name(),
                         stats.segments_scanned, stats.bytes_truncated);
        }
        std::lock_guard lock(_mutex);
        _logs[*tp] = l;
    }
    fs::remove(_dir / clean_marker, ec);
    logger->info("Loaded {} partition logs from {} ({} shutdown)", _logs.size(), _dir.string(),
                 clean ? "clean" : "unclean");
    _retention = std::thread([this] { retention_loop(); });
    return success();
}

std::vector<std::pair<log::topic_partition, std::shared_ptr<log::partition_log>>> log_store::loaded() const {
    std::lock_guard lock(_mutex);
    return {_logs.begin(), _logs.end()};
}

result<std::shared_ptr<log::partition_log>> log_store::create(const log::topic_partition& tp, const log::topic_id& id) {
    std::lock_guard lock(_mutex);
    if (auto it = _logs.find(tp); it != _logs.end()) {
        return it->second;
    }
    BOOST_OUTCOME_TRY(
        auto l, log::partition_log::create(_dir / tp.dir_name(), tp, _defaults, _files, log::system_clock_ms, id));
    _logs[tp] = l;
    return l;
}

std::shared_ptr<log::partition_log> log_store::find(const log::topic_partition& tp) const {
    std::lock_guard lock(_mutex);
    auto it = _logs.find(tp);
    return it == _logs.end() ? nullptr : it->second;
}

void log_store::remove(const log::topic_partition& tp) {
    std::shared_ptr<log::partition_log> l;
    {
        std::lock_guard lock(_mutex);
        auto it = _logs.find(tp);
        if (it == _logs.end()) {
            return;
        }
        l = it->second;
        _logs.erase(it);
    }
    (void)l->close();
    std::error_code ec;
    fs::remove_all(l->dir(), ec);
    if (ec) {
        get_logger("brook.broker")->warn("Cannot delete {}: {}", l->dir().string(), ec.message());
    }
}

void log_store::retention_loop() {
    std::unique_lock lock(_mutex);
    while (!_closing) {
        _wake.wait_for(lock, std::chrono::milliseconds(_retention_check_ms));
        if (_closing) {
            break;
        }
        auto logs = _logs;
        lock.unlock();
        for (auto& [tp, l] : logs) {
            auto r = l->apply_retention(log::system_clock_ms());
            if (!r) {
                get_logger("brook.broker")->warn("Retention of {} failed: {}", tp.dir_name(), r.error().message());
            }
        }
        lock.lock();
    }
}

void log_store::close() {
    std::map<log::topic_partition, std::shared_ptr<log::partition_log>> logs;
    {
        std::lock_guard lock(_mutex);
        if (_closed) {
            return;
        }
        _closed = true;
        _closing = true;
        logs = _logs;
        _wake.notify_all();
    }
    if (_retention.joinable()) {
        _retention.join();
    }
    log::offset_map recovery;
    log::offset_map starts;
    log::offset_map hws;
    bool all_clean = true;
    for (auto& [tp, l] : logs) {
        auto closed = l->close();
        if (!closed) {
            all_clean = false;
            get_logger("brook.broker")->error("Closing {} failed: {}", tp.dir_name(), closed.error().message());
        }
        recovery[tp] = l->recovery_point();
        starts[tp] = l->log_start_offset();
        hws[tp] = l->high_watermark();
    }
    bool written = log::write_offset_checkpoint(_dir / "recovery-point-offset-checkpoint", recovery) &&
                   log::write_offset_checkpoint(_dir / "log-start-offset-checkpoint", starts) &&
                   log::write_offset_checkpoint(_dir / "replication-offset-checkpoint", hws);
    if (written && all_clean) {
        std::ofstream(_dir / clean_marker).flush();
    }
}

} // namespace brook::broker

#include "brook/log/log_manager.h"

#include "brook/common/logging.h"
#include "brook/log/errc.h"
#include "file_io.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>

namespace brook::log {
namespace {

namespace fs = std::filesystem;

constexpr const char* recovery_point_file = "recovery-point-offset-checkpoint";
constexpr const char* log_start_file = "log-start-offset-checkpoint";
constexpr const char* replication_file = "replication-offset-checkpoint";
constexpr const char* cleaner_file = "cleaner-offset-checkpoint";

std::shared_ptr<spdlog::logger> logger() {
    static auto l = get_logger("brook.log");
    return l;
}

std::string random_hex(size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::random_device rd;
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s += digits[rd() % 16];
    }
    return s;
}

template<class Map>
std::optional<offset> find_offset(const Map& m, const topic_partition& tp) {
    auto it = m.find(tp);
    if (it == m.end()) {
        return std::nullopt;
    }
    return it->second;
}

} // namespace

log_manager::log_manager(log_manager_config cfg) : _cfg(std::move(cfg)), _files(_cfg.max_open_files) {
    if (!_cfg.clock) {
        _cfg.clock = system_clock_ms;
    }
    for (const auto& d : _cfg.dirs) {
        _dirs.push_back({d, true, 0});
    }
}

log_manager::~log_manager() {
    if (!_shut_down) {
        std::unique_lock lock(_mutex);
        _stopping = true;
        lock.unlock();
        _wake.notify_all();
        if (_thread.joinable()) {
            _thread.join();
        }
    }
}

result<std::unique_ptr<log_manager>> log_manager::open(log_manager_config cfg) {
    if (cfg.dirs.empty()) {
        return errc::invalid_argument;
    }
    auto m = std::make_unique<log_manager>(std::move(cfg));
    for (size_t i = 0; i < m->_dirs.size(); ++i) {
        BOOST_OUTCOME_TRY(m->load_dir(i));
    }
    return m;
}

void log_manager::mark_dir_offline(size_t index, const std::string& why) {
    std::lock_guard lock(_mutex);
    _dirs[index].online = false;
    for (auto it = _logs.begin(); it != _logs.end();) {
        it = it->second.dir == index ? _logs.erase(it) : std::next(it);
    }
    logger()->error("Log directory {} is offline: {}. Its partitions are not served.", _dirs[index].path.string(), why);
}

result<void> log_manager::load_dir(size_t index) {
    auto start_ms = std::chrono::steady_clock::now();
    fs::path path = _dirs[index].path;
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec || ::access(path.c_str(), R_OK | W_OK | X_OK) != 0) {
        mark_dir_offline(index, ec ? ec.message() : detail::last_errno().message());
        return success();
    }
    auto meta_path = path / "meta.properties";
    if (fs::exists(meta_path)) {
        auto meta = read_meta_properties(meta_path);
        if (!meta) {
            mark_dir_offline(index, "unreadable meta.properties: " + meta.error().message());
            return success();
        }
        if (_cfg.broker_id >= 0 && meta.value().broker_id != _cfg.broker_id) {
            logger()->error("Log directory {} belongs to broker.id {}, not {}", path.string(), meta.value().broker_id,
                            _cfg.broker_id);
            return errc::invalid_argument; // a configuration error: fail fast
        }
    } else if (auto w = write_meta_properties(meta_path, {_cfg.broker_id, _cfg.cluster_id}); !w) {
        mark_dir_offline(index, "cannot write meta.properties: " + w.error().message());
        return success();
    }
    bool clean = fs::exists(path / clean_shutdown_file);
    auto read_cp = [&](const char* name) {
        auto r = read_offset_checkpoint(path / name);
        if (!r) {
            // A damaged checkpoint only costs time: recovery starts from the beginning.
            logger()->warn("Ignoring unreadable {} in {}: {}", name, path.string(), r.error().message());
            return offset_map{};
        }
        return r.value();
    };
    auto rp = read_cp(recovery_point_file);
    auto ls = read_cp(log_start_file);
    auto hw = read_cp(replication_file);
    auto cl = read_cp(cleaner_file);
    size_t loaded = 0;
    int recovered = 0;
    uint64_t scanned = 0;
    for (const auto& de : fs::directory_iterator(path, ec)) {
        if (!de.is_directory()) {
            continue;
        }
        auto name = de.path().filename().string();
        if (name.ends_with("-delete")) {
            fs::remove_all(de.path(), ec); // a deletion interrupted by a crash
            continue;
        }
        auto tp = topic_partition::from_dir_name(name);
        if (!tp) {
            continue;
        }
        load_options opts;
        opts.clean_shutdown = clean;
        opts.recovery_point = find_offset(rp, *tp).value_or(offset(0));
        opts.log_start = find_offset(ls, *tp);
        opts.cleaner_checkpoint = find_offset(cl, *tp);
        auto cfg = _cfg.config_for ? _cfg.config_for(*tp) : _cfg.defaults;
        recovery_stats st;
        auto log = partition_log::load(de.path(), *tp, cfg, _files, _cfg.clock, opts, &st);
        if (!log) {
            mark_dir_offline(index, "cannot load " + name + ": " + log.error().message());
            return success();
        }
        if (auto h = find_offset(hw, *tp)) {
            log.value()->set_high_watermark(*h);
        }
        if (st.segments_scanned > 0) {
            ++recovered;
            scanned += st.bytes_scanned;
            if (st.bytes_truncated > 0) {
                logger()->warn("Recovered {} in {}: truncated {} bytes of torn or corrupt batches, log end now {}",
                               name, path.string(), st.bytes_truncated, log.value()->log_end_offset().value());
            }
        }
        std::lock_guard lock(_mutex);
        _logs[*tp] = entry{log.value(), index};
        ++_dirs[index].logs;
        ++loaded;
    }
    if (ec) {
        mark_dir_offline(index, ec.message());
        return success();
    }
    if (clean) {
        // The marker only vouches for the shutdown that wrote it.
        fs::remove(path / clean_shutdown_file, ec);
        (void)detail::fsync_dir(path);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_ms);
    logger()->info("Loaded {} partition logs from {} in {} ms ({} shutdown; {} recovered, {} bytes scanned)", loaded,
                   path.string(), ms.count(), clean ? "clean" : "unclean", recovered, scanned);
    return success();
}

result<std::shared_ptr<partition_log>> log_manager::create_log(const topic_partition& tp, std::optional<log_config> cfg,
                                                               std::optional<topic_id> id) {
    std::unique_lock lock(_mutex);
    if (_logs.count(tp) != 0) {
        return errc::already_exists;
    }
    std::optional<size_t> best;
    for (size_t i = 0; i < _dirs.size(); ++i) {
        if (_dirs[i].online && (!best || _dirs[i].logs < _dirs[*best].logs)) {
            best = i;
        }
    }
    if (!best) {
        return errc::log_offline;
    }
    // Reserve the name so a concurrent create of the same partition fails instead of racing.
    _logs[tp] = entry{nullptr, *best};
    ++_dirs[*best].logs;
    auto dir = _dirs[*best].path / tp.dir_name();
    lock.unlock();
    auto log = partition_log::create(dir, tp, cfg.value_or(_cfg.defaults), _files, _cfg.clock, id);
    lock.lock();
    if (!log) {
        _logs.erase(tp);
        --_dirs[*best].logs;
        return log.error();
    }
    _logs[tp].log = log.value();
    return log.value();
}

std::shared_ptr<partition_log> log_manager::get(const topic_partition& tp) const {
    std::lock_guard lock(_mutex);
    auto it = _logs.find(tp);
    return it == _logs.end() ? nullptr : it->second.log;
}

result<void> log_manager::delete_log(const topic_partition& tp) {
    std::shared_ptr<partition_log> log;
    {
        std::lock_guard lock(_mutex);
        auto it = _logs.find(tp);
        if (it == _logs.end() || !it->second.log) {
            return errc::not_found;
        }
        log = it->second.log;
        --_dirs[it->second.dir].logs;
        _logs.erase(it);
    }
    (void)log->close();
    auto gone = log->dir();
    gone += ".";
    gone += random_hex(32);
    gone += "-delete";
    std::error_code ec;
    fs::rename(log->dir(), gone, ec);
    if (ec) {
        return ec;
    }
    BOOST_OUTCOME_TRY(detail::fsync_dir(gone.parent_path()));
    fs::remove_all(gone, ec);
    if (ec) {
        return ec;
    }
    return success();
}

std::vector<std::shared_ptr<partition_log>> log_manager::logs() const {
    std::lock_guard lock(_mutex);
    std::vector<std::shared_ptr<partition_log>> out;
    out.reserve(_logs.size());
    for (const auto& [tp, e] : _logs) {
        if (e.log) {
            out.push_back(e.log);
        }
    }
    return out;
}

size_t log_manager::log_count() const {
    std::lock_guard lock(_mutex);
    return _logs.size();
}

std::vector<fs::path> log_manager::offline_dirs() const {
    std::lock_guard lock(_mutex);
    std::vector<fs::path> out;
    for (const auto& d : _dirs) {
        if (!d.online) {
            out.push_back(d.path);
        }
    }
    return out;
}

void log_manager::request_flush(const topic_partition& tp) {
    {
        std::lock_guard lock(_mutex);
        _flush_requests.insert(tp);
    }
    _wake.notify_all();
}

void log_manager::report(const partition_log& log, const char* what, std::error_code ec) {
    logger()->error("Error while {} partition {} in {}: {}{}", what, log.name().dir_name(), log.dir().string(),
                    ec.message(), log.offline() ? "; the partition is now offline" : "");
}

void log_manager::run_maintenance(int64_t now) {
    std::lock_guard maint(_maintenance_mutex);
    std::set<topic_partition> requested;
    {
        std::lock_guard lock(_mutex);
        requested.swap(_flush_requests);
    }
    auto all = logs();
    bool flush_round = !requested.empty() || now - _last_flush_check_ms >= _cfg.flush_check_interval_ms;
    bool retention_round = now - _last_retention_ms >= _cfg.retention_check_interval_ms;
    bool clean_round = _cfg.cleaner_enable && now - _last_clean_ms >= _cfg.cleaner_backoff_ms;
    for (const auto& log : all) {
        if (log->offline()) {
            continue;
        }
        if (auto r = log->maybe_roll_by_time(now); !r) {
            report(*log, "rolling", r.error());
            continue;
        }
        if (flush_round && (requested.count(log->name()) != 0 || log->flush_due(now))) {
            if (auto r = log->flush(); !r) {
                report(*log, "flushing", r.error());
                continue;
            }
        }
        if (retention_round) {
            if (auto r = log->apply_retention(now); !r) {
                report(*log, "applying retention to", r.error());
                continue;
            }
        }
        if (clean_round && log->config().cleanup_compact) {
            if (auto r = log->compact(now); !r) {
                report(*log, "compacting", r.error());
            }
        }
    }
    _last_flush_check_ms = flush_round ? now : _last_flush_check_ms;
    _last_retention_ms = retention_round ? now : _last_retention_ms;
    _last_clean_ms = clean_round ? now : _last_clean_ms;
    if (now - _last_checkpoint_ms >= _cfg.checkpoint_interval_ms) {
        if (auto r = write_checkpoints(); !r) {
            logger()->error("Error writing checkpoint files: {}", r.error().message());
        }
        _last_checkpoint_ms = now;
    }
}

result<void> log_manager::write_checkpoints() {
    std::lock_guard cp(_checkpoint_mutex);
    std::vector<dir_state> dirs;
    std::vector<std::pair<size_t, std::shared_ptr<partition_log>>> entries;
    {
        std::lock_guard lock(_mutex);
        dirs = _dirs;
        for (const auto& [tp, e] : _logs) {
            if (e.log) {
                entries.emplace_back(e.dir, e.log);
            }
        }
    }
    result<void> status = success();
    for (size_t i = 0; i < dirs.size(); ++i) {
        if (!dirs[i].online) {
            continue;
        }
        offset_map rp, ls, hw, cl;
        for (const auto& [d, log] : entries) {
            if (d != i) {
                continue;
            }
            rp[log->name()] = log->recovery_point();
            ls[log->name()] = log->log_start_offset();
            hw[log->name()] = log->high_watermark();
            if (log->config().cleanup_compact) {
                cl[log->name()] = log->cleaner_checkpoint();
            }
        }
        const auto& p = dirs[i].path;
        for (auto r :
             {write_offset_checkpoint(p / recovery_point_file, rp), write_offset_checkpoint(p / log_start_file, ls),
              write_offset_checkpoint(p / replication_file, hw), write_offset_checkpoint(p / cleaner_file, cl)}) {
            if (!r && status) {
                status = r;
            }
        }
    }
    return status;
}

void log_manager::start_background() {
    std::lock_guard lock(_mutex);
    if (_thread.joinable() || _stopping) {
        return;
    }
    _thread = std::thread([this] { background_loop(); });
}

void log_manager::background_loop() {
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        lock.unlock();
        run_maintenance(now());
        lock.lock();
        _wake.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, _cfg.flush_check_interval_ms)),
                       [this] { return _stopping || !_flush_requests.empty(); });
    }
}

result<void> log_manager::shutdown() {
    {
        std::lock_guard lock(_mutex);
        if (_shut_down) {
            return success();
        }
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable()) {
        _thread.join();
    }
    std::vector<std::pair<size_t, std::shared_ptr<partition_log>>> all;
    {
        std::lock_guard lock(_mutex);
        for (const auto& [tp, e] : _logs) {
            if (e.log) {
                all.emplace_back(e.dir, e.log);
            }
        }
    }
    // Closing flushes every log: with thousands of partitions the fsyncs dominate, and the disk
    // (and the file system journal) handles several in flight far better than one at a time.
    std::vector<char> dir_clean(_dirs.size(), 1);
    std::mutex clean_mutex;
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next++; i < all.size(); i = next++) {
            if (auto r = all[i].second->close(); !r) {
                report(*all[i].second, "closing", r.error());
                std::lock_guard lock(clean_mutex);
                dir_clean[all[i].first] = 0;
            }
        }
    };
    std::vector<std::thread> closers;
    size_t threads = std::min<size_t>(8, all.size() / 64 + 1);
    for (size_t t = 1; t < threads; ++t) {
        closers.emplace_back(worker);
    }
    worker();
    for (auto& t : closers) {
        t.join();
    }
    auto cp = write_checkpoints();
    for (size_t i = 0; i < _dirs.size(); ++i) {
        if (_dirs[i].online && dir_clean[i] && cp) {
            if (auto r = detail::write_file_atomically(_dirs[i].path / clean_shutdown_file, ""); !r) {
                logger()->error("Cannot write the clean-shutdown marker in {}: {}", _dirs[i].path.string(),
                                r.error().message());
            }
        }
    }
    std::lock_guard lock(_mutex);
    _shut_down = true;
    return cp;
}

} // namespace brook::log

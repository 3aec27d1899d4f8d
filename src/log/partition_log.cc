// Partition log: creation, loading, appends and reads. Maintenance (flush, retention, truncation)
// is in partition_log_maintenance.cc, compaction in compaction.cc.
#include "brook/log/partition_log.h"

#include "batch_format.h"
#include "brook/log/errc.h"
#include "brook/protocol/kafka/record.h"
#include "brook/protocol/kafka/record_batch.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "file_io.h"
#include "segment.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace brook::log {

namespace pk = protocol::kafka;

int64_t system_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

segment_config seg_config(const log_config& c) {
    return {c.segment_bytes, c.index_interval_bytes, c.max_index_bytes};
}

// Splits `data` into whole batches, checking each header and CRC.
result<std::vector<batch_position>> split_batches(bytes_view data, const log_config& cfg, bool leader) {
    std::vector<batch_position> out;
    uint64_t pos = 0;
    while (pos < data.size()) {
        auto rest = data.subspan(size_t(pos));
        BOOST_OUTCOME_TRY(auto h, parse_batch_header(rest));
        if (h.size_bytes() > rest.size()) {
            return errc::corrupt_batch;
        }
        if (h.size_bytes() > cfg.max_batch_bytes) {
            return errc::record_too_large;
        }
        auto whole = rest.first(h.size_bytes());
        // A producer's batch holds exactly lastOffsetDelta + 1 records.
        bool count_ok = h.record_count != 0 && int64_t{h.record_count} == int64_t{h.last_offset_delta} + 1;
        if (leader && count_ok && cfg.validate_records && (h.attributes & 0x07) == 0) {
            // Uncompressed: CRC and record framing in one pass over the bytes (the common case).
            switch (batch_checks(whole, h.record_count)) {
            case batch_check::ok:
                break;
            case batch_check::crc_mismatch:
                return errc::corrupt_batch;
            case batch_check::bad_records:
                return errc::invalid_batch;
            }
        } else {
            if (!batch_crc_matches(whole)) {
                return errc::corrupt_batch;
            }
            if (leader && !count_ok) {
                return errc::invalid_batch;
            }
            // Compressed batches are decompressed (bounded) and their records walked, as Kafka's
            // leader does.
            if (leader && cfg.validate_records &&
                !pk::validate_record_batch(whole, {.verify_crc = false, .check_records = true})) {
                return errc::invalid_batch;
            }
        }
        out.push_back({h, pos});
        pos += h.size_bytes();
    }
    if (out.empty()) {
        return errc::invalid_batch;
    }
    return out;
}

} // namespace

partition_log::partition_log(const std::filesystem::path& dir, topic_partition tp, const log_config& cfg,
                             file_cache& files, clock_fn clock)
    : _dir(dir), _tp(std::move(tp)), _cfg(cfg), _files(files), _clock(clock ? std::move(clock) : system_clock_ms),
      _segments(std::make_shared<const segment_list>()), _epochs(dir / "leader-epoch-checkpoint") {}

partition_log::~partition_log() = default;

result<std::shared_ptr<partition_log>> partition_log::create(const std::filesystem::path& dir, topic_partition tp,
                                                             const log_config& cfg, file_cache& files, clock_fn clock,
                                                             std::optional<topic_id> id, offset start) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return ec;
    }
    auto log = std::make_shared<partition_log>(dir, std::move(tp), cfg, files, std::move(clock));
    int64_t now = log->_clock();
    BOOST_OUTCOME_TRY(auto seg, segment::create(dir, start, seg_config(cfg), files, now));
    if (id) {
        BOOST_OUTCOME_TRY(write_partition_metadata(dir / "partition.metadata", *id));
    }
    // The new directory entries reach the disk with the first flush (see flush()).
    log->_dir_dirty = true;
    log->_log_start = log->_log_end = log->_recovery_point = log->_cleaner_checkpoint = start.value();
    log->_last_flush_ms = now;
    std::lock_guard lock(log->_append_mutex);
    log->publish({seg});
    return log;
}

result<std::shared_ptr<partition_log>> partition_log::load(const std::filesystem::path& dir, topic_partition tp,
                                                           const log_config& cfg, file_cache& files, clock_fn clock,
                                                           const load_options& opts, recovery_stats* stats) {
    auto log = std::make_shared<partition_log>(dir, std::move(tp), cfg, files, std::move(clock));
    BOOST_OUTCOME_TRY(log->recover_from(opts, stats));
    return log;
}

result<void> partition_log::recover_from(const load_options& opts, recovery_stats* stats) {
    recovery_stats local;
    recovery_stats& st = stats != nullptr ? *stats : local;
    int64_t now = _clock();
    std::vector<offset> bases;
    std::error_code ec;
    for (const auto& de : std::filesystem::directory_iterator(_dir, ec)) {
        auto name = de.path().filename().string();
        if (name.ends_with(".deleted") || name.ends_with(".cleaned") || name.ends_with(".tmp")) {
            // Left behind by a deletion, compaction or checkpoint interrupted by a crash.
            std::filesystem::remove(de.path(), ec);
            continue;
        }
        if (auto b = parse_segment_base(name, ".log")) {
            bases.push_back(*b);
        }
    }
    if (ec) {
        return ec;
    }
    std::sort(bases.begin(), bases.end());
    // The epoch checkpoint first: recovery adds the epochs of the batches it scans (the append
    // path writes the file without fsync). An unreadable one is rebuilt from every segment.
    bool epochs_lost = false;
    if (!_epochs.load()) {
        _epochs.clear();
        epochs_lost = true;
    }
    segment_list segs;
    auto scfg = seg_config(_cfg);
    if (bases.empty()) {
        offset start = opts.log_start.value_or(offset(0));
        BOOST_OUTCOME_TRY(auto s, segment::create(_dir, start, scfg, _files, now));
        segs.push_back(s);
    } else {
        for (auto b : bases) {
            BOOST_OUTCOME_TRY(auto s, segment::describe(_dir, b, scfg, _files, now));
            segs.push_back(s);
        }
        for (size_t i = 0; i + 1 < segs.size(); ++i) {
            segs[i]->set_next_offset_hint(segs[i + 1]->base_offset());
        }
        bool need_scan = !opts.clean_shutdown || epochs_lost;
        if (!need_scan) {
            // A clean shutdown left consistent files: only the active segment's end is looked up.
            if (!segs.back()->open_active()) {
                need_scan = true;
            }
        }
        if (need_scan) {
            // Recover every segment from the one holding the recovery point: check each batch,
            // truncate at the first bad one, and drop every later segment.
            size_t first = 0;
            for (size_t i = 0; i < segs.size(); ++i) {
                if (segs[i]->base_offset() <= opts.recovery_point) {
                    first = i;
                }
            }
            if (opts.clean_shutdown && !epochs_lost) {
                first = segs.size() - 1;
            }
            if (epochs_lost) {
                first = 0;
            }
            offset expected = segs[first]->base_offset();
            size_t keep = segs.size();
            for (size_t i = first; i < segs.size(); ++i) {
                if (segs[i]->base_offset() < expected) {
                    keep = i; // overlaps the previous segment's data: not a valid continuation
                    break;
                }
                BOOST_OUTCOME_TRY(auto r, segs[i]->recover([this](const batch_header& h) {
                    // Kafka's rule: a batch of a newer epoch starts that epoch.
                    (void)_epochs.assign(h.epoch, h.base_offset);
                }));
                ++st.segments_scanned;
                st.bytes_scanned += r.valid_bytes + r.truncated_bytes;
                st.bytes_truncated += r.truncated_bytes;
                BOOST_OUTCOME_TRY(segs[i]->flush());
                expected = segs[i]->next_offset();
                if (r.truncated_bytes > 0) {
                    keep = i + 1;
                    break;
                }
            }
            for (size_t i = keep; i < segs.size(); ++i) {
                segs[i]->remove_files();
                ++st.segments_deleted;
            }
            segs.resize(keep);
            BOOST_OUTCOME_TRY(segs.back()->open_active());
        }
    }
    auto& active = segs.back();
    _log_end = active->next_offset().value();
    offset first_base = segs.front()->base_offset();
    offset start = std::max(first_base, opts.log_start.value_or(first_base));
    start = std::min(start, log_end_offset());
    _log_start = start.value();
    _recovery_point = log_end_offset().value();
    _high_watermark = std::min(_high_watermark.load(), _log_end.load());
    _cleaner_checkpoint = std::max(start, opts.cleaner_checkpoint.value_or(start)).value();
    _last_flush_ms = now;
    _tombstone_horizon = 0;
    _epochs.truncate_from_end(log_end_offset());
    _epochs.truncate_from_start(start);
    BOOST_OUTCOME_TRY(_epochs.persist());
    std::lock_guard lock(_append_mutex);
    publish(std::move(segs));
    return success();
}

std::shared_ptr<const partition_log::segment_list> partition_log::snapshot() const {
    std::lock_guard lock(_list_mutex);
    return _segments;
}

void partition_log::publish(segment_list list) {
    auto p = std::make_shared<const segment_list>(std::move(list));
    std::lock_guard lock(_list_mutex);
    _segments = std::move(p);
}

void partition_log::set_high_watermark(offset hw) noexcept {
    _high_watermark.store(std::min(hw, log_end_offset()).value(), std::memory_order_release);
}

uint64_t partition_log::size_bytes() const {
    uint64_t n = 0;
    for (const auto& s : *snapshot()) {
        n += s->size();
    }
    return n;
}

size_t partition_log::segment_count() const {
    return snapshot()->size();
}

std::vector<offset> partition_log::segment_bases() const {
    std::vector<offset> out;
    for (const auto& s : *snapshot()) {
        out.push_back(s->base_offset());
    }
    return out;
}

result<void> partition_log::roll_locked(offset next_base, int64_t now) {
    auto list = *snapshot();
    if (list.back()->base_offset() == next_base) {
        return success(); // the active segment is still empty
    }
    BOOST_OUTCOME_TRY(list.back()->seal());
    BOOST_OUTCOME_TRY(auto s, segment::create(_dir, next_base, seg_config(_cfg), _files, now));
    list.push_back(std::move(s));
    publish(std::move(list));
    _dir_dirty.store(true);
    return success();
}

result<append_result> partition_log::append_locked(bytes_view data, const std::vector<batch_position>& batches) {
    int64_t now = _clock();
    auto active = snapshot()->back();
    const auto& first = batches.front().header;
    const auto& last = batches.back().header;
    bool too_big = active->size() > 0 && active->size() + data.size() > _cfg.segment_bytes;
    int64_t incoming_ts = -1;
    for (const auto& b : batches) {
        incoming_ts = std::max(incoming_ts, b.header.max_timestamp);
    }
    bool too_old = active->size() > 0 && active->time_waited_for_roll(now, incoming_ts) >= _cfg.segment_ms;
    bool offsets_overflow =
        last.last_offset().value() - active->base_offset().value() > std::numeric_limits<int32_t>::max();
    if (too_big || too_old || offsets_overflow || active->index_full()) {
        BOOST_OUTCOME_TRY(roll_locked(first.base_offset, now));
        active = snapshot()->back();
    }
    BOOST_OUTCOME_TRY(active->append(data, batches));
    _log_end.store(last.next_offset().value(), std::memory_order_release);
    int64_t records = 0;
    for (const auto& b : batches) {
        records += b.header.record_count;
    }
    int64_t unflushed = _unflushed_messages.fetch_add(records) + records;
    append_result r;
    r.base_offset = first.base_offset;
    r.last_offset = last.last_offset();
    r.log_start_offset = log_start_offset();
    r.flush_needed = unflushed >= _cfg.flush_interval_messages;
    return r;
}

void partition_log::update_config(const log_config& cfg) {
    std::lock_guard maint(_maintenance_mutex);
    std::lock_guard lock(_append_mutex);
    std::lock_guard config_lock(_config_mutex);
    _cfg = cfg;
}

log_config partition_log::config() const {
    std::lock_guard lock(_config_mutex);
    return _cfg;
}

result<append_result> partition_log::append_as_leader(std::span<uint8_t> data, leader_epoch epoch) {
    if (offline()) {
        return errc::log_offline;
    }
    BOOST_OUTCOME_TRY(auto batches, split_batches(data, config(), true));
    bool epoch_changed = false;
    append_result r;
    {
        std::lock_guard lock(_append_mutex);
        if (_closed) {
            return errc::closed;
        }
        offset next = log_end_offset();
        int64_t now = _clock();
        for (auto& b : batches) {
            auto whole = data.subspan(size_t(b.position), b.header.size_bytes());
            set_base_offset(whole, next);
            set_partition_leader_epoch(whole, epoch);
            if (_cfg.log_append_time) {
                set_log_append_time(whole, now);
                b.header.max_timestamp = now;
            }
            b.header.base_offset = next;
            b.header.epoch = epoch;
            next = b.header.next_offset();
        }
        epoch_changed = _epochs.assign(epoch, batches.front().header.base_offset);
        BOOST_OUTCOME_TRY(r, check_io(append_locked(data, batches)));
        r.append_time_ms = _cfg.log_append_time ? now : -1;
    }
    if (epoch_changed) {
        // Rare (once per leader change); written after the lock so appends of others continue,
        // and without fsync: flush() syncs it, recovery rebuilds it (see leader_epoch_cache.h).
        BOOST_OUTCOME_TRY(check_io(_epochs.persist(false)));
    }
    return r;
}

result<append_result> partition_log::append_as_follower(bytes_view data) {
    if (offline()) {
        return errc::log_offline;
    }
    BOOST_OUTCOME_TRY(auto batches, split_batches(data, config(), false));
    bool epoch_changed = false;
    append_result r;
    {
        std::lock_guard lock(_append_mutex);
        if (_closed) {
            return errc::closed;
        }
        offset expected = log_end_offset();
        for (const auto& b : batches) {
            if (b.header.base_offset < expected) {
                return errc::invalid_batch; // offsets must grow (gaps allowed: compacted leader)
            }
            expected = b.header.next_offset();
            epoch_changed = _epochs.assign(b.header.epoch, b.header.base_offset) || epoch_changed;
        }
        BOOST_OUTCOME_TRY(r, check_io(append_locked(data, batches)));
    }
    if (epoch_changed) {
        BOOST_OUTCOME_TRY(check_io(_epochs.persist(false)));
    }
    return r;
}

result<read_result> partition_log::read(offset start, size_t max_bytes, offset upper_bound) {
    return read_impl(start, max_bytes, upper_bound, nullptr);
}

result<read_result> partition_log::read_into(offset start, size_t max_bytes, offset upper_bound, bytes& out) {
    return read_impl(start, max_bytes, upper_bound, &out);
}

result<read_result> partition_log::read_impl(offset start, size_t max_bytes, offset upper_bound, bytes* out) {
    if (offline()) {
        return errc::log_offline;
    }
    // A retired segment (deleted or replaced by the cleaner while we read) forces a retry with the
    // current list; a few attempts suffice since those events are rare and never back to back.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        if (attempt > 0) {
            std::this_thread::yield();
        }
        auto segs = snapshot();
        offset end = log_end_offset();
        if (start < log_start_offset() || start > end) {
            return errc::offset_out_of_range;
        }
        read_result r;
        r.next_offset = start;
        if (start == end || start >= upper_bound) {
            return r;
        }
        auto it = std::upper_bound(segs->begin(), segs->end(), start,
                                   [](offset o, const std::shared_ptr<segment>& s) { return o < s->base_offset(); });
        if (it != segs->begin()) {
            --it;
        }
        bool retry = false;
        for (; it != segs->end(); ++it) {
            auto& seg = *it;
            // Any failure on a segment that was retired meanwhile (deleted: ENOENT, or replaced)
            // is a race with maintenance, not a disk problem: retry with the current segments.
            auto fail = [&](std::error_code ec) -> std::optional<result<read_result>> {
                if (seg->retired()) {
                    retry = true;
                    return std::nullopt;
                }
                return check_io(result<read_result>(ec));
            };
            auto f = seg->file();
            if (!f) {
                if (auto e = fail(f.error())) {
                    return *e;
                }
                break;
            }
            uint64_t limit = seg->size();
            auto found = seg->find_batch(f.value(), start, limit);
            if (!found) {
                if (auto e = fail(found.error())) {
                    return *e;
                }
                break;
            }
            if (!found.value()) {
                if (seg->retired()) {
                    retry = true;
                    break;
                }
                continue; // nothing at or after start here (e.g. compacted away): next segment
            }
            const auto first = *found.value();
            if (first.header.base_offset >= upper_bound) {
                return r;
            }
            uint64_t length = first.header.size_bytes();
            offset next = first.header.next_offset();
            auto scanned = seg->scan(f.value(), first.position + length, limit, [&](const batch_position& b) {
                if (b.header.base_offset >= upper_bound || length + b.header.size_bytes() > max_bytes) {
                    return false;
                }
                length += b.header.size_bytes();
                next = b.header.next_offset();
                return true;
            });
            if (!scanned) {
                if (auto e = fail(scanned.error())) {
                    return *e;
                }
                break;
            }
            if (out != nullptr) {
                size_t before = out->size();
                auto copied = seg->read(f.value(), first.position, length, *out);
                if (!copied) {
                    if (auto e = fail(copied.error())) {
                        return *e;
                    }
                    break;
                }
                if (seg->retired()) {
                    out->resize(before);
                }
            }
            if (seg->retired()) {
                retry = true;
                break;
            }
            r.region = file_region{f.value(), first.position, length};
            r.first_offset = first.header.base_offset;
            r.next_offset = next;
            return r;
        }
        if (!retry) {
            return r;
        }
    }
    return errc::offset_out_of_range;
}

namespace {

// Narrows a timestamp lookup from the batch to its first record with timestamp >= ts. With
// LogAppendTime every record carries the batch's max timestamp.
void refine_to_record(segment& seg, const file_ref& f, const batch_position& b, int64_t ts, offset start,
                      timestamp_lookup& t) {
    bytes buf;
    if (!seg.read(f, b.position, b.header.size_bytes(), buf)) {
        return;
    }
    auto d = pk::decoded_record_batch::decode(buf, pk::default_max_decompressed_batch, false);
    if (!d) {
        return;
    }
    bool append_time = (b.header.attributes & attr_log_append_time) != 0;
    auto reader = d.value().records();
    while (!reader.done()) {
        auto r = reader.next();
        if (!r) {
            return;
        }
        int64_t rec_ts =
            append_time ? b.header.max_timestamp : d.value().header().base_timestamp + r.value().timestamp_delta;
        offset rec_off = b.header.base_offset + r.value().offset_delta;
        if (rec_ts >= ts && rec_off >= start) {
            t.record_offset = rec_off;
            t.record_timestamp = rec_ts;
            return;
        }
    }
}

} // namespace

result<std::optional<timestamp_lookup>> partition_log::offset_for_timestamp(int64_t ts) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
        if (attempt > 0) {
            std::this_thread::yield();
        }
        auto segs = snapshot();
        offset start = log_start_offset();
        bool retry = false;
        for (const auto& seg : *segs) {
            if (seg->next_offset() <= start || (seg->max_timestamp() < ts && seg != segs->back())) {
                continue;
            }
            auto f = seg->file();
            auto found_r = f ? seg->find_by_timestamp(f.value(), ts, seg->size())
                             : result<std::optional<batch_position>>(f.error());
            if (seg->retired()) {
                retry = true;
                break;
            }
            BOOST_OUTCOME_TRY(auto found, check_io(std::move(found_r)));
            if (found && found->header.last_offset() >= start) {
                timestamp_lookup t{std::max(found->header.base_offset, start), found->header.max_timestamp,
                                   std::max(found->header.base_offset, start), found->header.max_timestamp};
                refine_to_record(*seg, f.value(), *found, ts, start, t);
                return t;
            }
        }
        if (!retry) {
            return std::optional<timestamp_lookup>{};
        }
    }
    return errc::offset_out_of_range;
}

} // namespace brook::log

// Partition log maintenance: flush, retention, rolls by time, DeleteRecords, truncation, close.
// Runs on the log manager's background thread or the replication thread, never under the append
// lock for longer than a segment-list swap.
#include "brook/log/errc.h"
#include "brook/log/partition_log.h"
#include "file_io.h"
#include "segment.h"

#include <algorithm>

namespace brook::log {

namespace {
segment_config seg_config(const log_config& c) {
    return {c.segment_bytes, c.index_interval_bytes, c.max_index_bytes};
}
} // namespace

result<void> partition_log::flush() {
    if (offline()) {
        return errc::log_offline;
    }
    std::lock_guard lock(_flush_mutex);
    // Capture the end first: everything below it is in the page cache, so fsyncing the segments
    // afterwards makes at least that much durable even while appends continue.
    offset end = log_end_offset();
    int64_t pending = _unflushed_messages.exchange(0);
    auto segs = snapshot();
    offset rp = recovery_point();
    for (const auto& seg : *segs) {
        if (seg->next_offset() <= rp && seg->flushed_size() >= seg->size()) {
            continue;
        }
        auto r = check_io(seg->flush());
        if (!r) {
            _unflushed_messages.fetch_add(pending);
            return r;
        }
    }
    if (_dir_dirty.exchange(false)) {
        // New segment files: make their names durable too (and the partition dir's own entry).
        auto r = check_io(detail::fsync_dir(_dir));
        if (r) {
            r = check_io(detail::fsync_dir(_dir.parent_path()));
        }
        if (!r) {
            _dir_dirty.store(true);
            return r;
        }
    }
    // The epoch entries of the data made durable above: recovery does not rebuild them below the
    // recovery point.
    if (auto r = check_io(_epochs.persist(true)); !r) {
        return r;
    }
    int64_t prev = _recovery_point.load();
    while (prev < end.value() && !_recovery_point.compare_exchange_weak(prev, end.value())) {
    }
    _last_flush_ms.store(_clock());
    return success();
}

bool partition_log::flush_due(int64_t now) const {
    int64_t pending = _unflushed_messages.load();
    if (pending == 0 && recovery_point() >= log_end_offset()) {
        return false;
    }
    return pending >= _cfg.flush_interval_messages || (_cfg.flush_interval_ms != std::numeric_limits<int64_t>::max() &&
                                                       now - _last_flush_ms.load() >= _cfg.flush_interval_ms);
}

result<void> partition_log::delete_segments(const std::vector<std::shared_ptr<segment>>& victims) {
    if (victims.empty()) {
        return success();
    }
    {
        std::lock_guard lock(_append_mutex);
        auto list = *snapshot();
        std::erase_if(list, [&](const std::shared_ptr<segment>& s) {
            return std::find(victims.begin(), victims.end(), s) != victims.end();
        });
        assert(!list.empty()); // the active segment is never a victim
        offset new_start = std::max(log_start_offset(), list.front()->base_offset());
        _log_start.store(new_start.value(), std::memory_order_release);
        for (const auto& v : victims) {
            v->retire();
        }
        publish(std::move(list));
        _epochs.truncate_from_start(new_start);
        if (_cleaner_checkpoint.load() < new_start.value()) {
            _cleaner_checkpoint.store(new_start.value());
        }
    }
    // Kafka's two steps: rename to .deleted (so a crash leaves files recovery knows to remove),
    // then unlink. Readers still holding a descriptor keep reading the unlinked inode.
    for (const auto& v : victims) {
        BOOST_OUTCOME_TRY(check_io(v->rename_to_deleted()));
    }
    for (const auto& v : victims) {
        v->remove_files();
    }
    BOOST_OUTCOME_TRY(check_io(_epochs.persist()));
    return success();
}

result<int> partition_log::apply_retention(int64_t now) {
    if (offline()) {
        return errc::log_offline;
    }
    std::lock_guard maint(_maintenance_mutex);
    auto segs = snapshot();
    uint64_t total = 0;
    for (const auto& s : *segs) {
        total += s->size();
    }
    std::vector<std::shared_ptr<segment>> victims;
    offset start = log_start_offset();
    for (size_t i = 0; i + 1 < segs->size(); ++i) {
        const auto& s = (*segs)[i];
        bool below_start = (*segs)[i + 1]->base_offset() <= start;
        bool expired = _cfg.cleanup_delete && _cfg.retention_ms >= 0 && s->max_timestamp() < now - _cfg.retention_ms;
        bool over_size =
            _cfg.cleanup_delete && _cfg.retention_bytes >= 0 && total - s->size() >= uint64_t(_cfg.retention_bytes);
        if (!below_start && !expired && !over_size) {
            break; // only a prefix of the log goes, as in Kafka
        }
        victims.push_back(s);
        total -= s->size();
    }
    BOOST_OUTCOME_TRY(delete_segments(victims));
    return int(victims.size());
}

result<void> partition_log::maybe_roll_by_time(int64_t now) {
    std::lock_guard lock(_append_mutex);
    auto active = snapshot()->back();
    // Measured from the first batch's timestamp (as appends do, see append_locked), and also at
    // least segment.ms since the segment was created: batches with old timestamps (a replay) must
    // not make every check roll a fresh segment. Loaded segments count from their first timestamp.
    if (_closed || active->size() == 0 || now - active->created_ms() < _cfg.segment_ms ||
        active->time_waited_for_roll(now, now) < _cfg.segment_ms) {
        return success();
    }
    return check_io(roll_locked(log_end_offset(), now));
}

result<offset> partition_log::delete_records(offset new_start) {
    if (offline()) {
        return errc::log_offline;
    }
    if (new_start > log_end_offset()) {
        return errc::offset_out_of_range;
    }
    std::lock_guard maint(_maintenance_mutex);
    {
        std::lock_guard lock(_append_mutex);
        if (new_start > log_start_offset()) {
            _log_start.store(new_start.value(), std::memory_order_release);
            _epochs.truncate_from_start(new_start);
        }
    }
    auto segs = snapshot();
    std::vector<std::shared_ptr<segment>> victims;
    for (size_t i = 0; i + 1 < segs->size() && (*segs)[i + 1]->base_offset() <= new_start; ++i) {
        victims.push_back((*segs)[i]);
    }
    BOOST_OUTCOME_TRY(delete_segments(victims));
    BOOST_OUTCOME_TRY(check_io(_epochs.persist()));
    return log_start_offset();
}

result<void> partition_log::truncate_to(offset target) {
    if (offline()) {
        return errc::log_offline;
    }
    if (target < log_start_offset()) {
        return truncate_fully(target);
    }
    std::lock_guard maint(_maintenance_mutex);
    std::vector<std::shared_ptr<segment>> victims;
    {
        std::lock_guard lock(_append_mutex);
        if (target >= log_end_offset()) {
            return success();
        }
        auto list = *snapshot();
        while (list.size() > 1 && list.back()->base_offset() >= target) {
            list.back()->retire();
            victims.push_back(list.back());
            list.pop_back();
        }
        auto& last = list.back();
        BOOST_OUTCOME_TRY(auto next, check_io(last->truncate_to(target)));
        if (!victims.empty()) {
            // The new active segment was sealed when it rolled: preallocate its indexes again.
            BOOST_OUTCOME_TRY(check_io(last->index().persist(false, true)));
            BOOST_OUTCOME_TRY(check_io(last->timeindex().persist(false, true)));
        }
        _log_end.store(next.value(), std::memory_order_release);
        if (recovery_point() > next) {
            _recovery_point.store(next.value());
        }
        if (high_watermark() > next) {
            _high_watermark.store(next.value());
        }
        if (_cleaner_checkpoint.load() > next.value()) {
            _cleaner_checkpoint.store(next.value());
        }
        _epochs.truncate_from_end(next);
        publish(std::move(list));
    }
    for (const auto& v : victims) {
        BOOST_OUTCOME_TRY(check_io(v->rename_to_deleted()));
        v->remove_files();
    }
    return check_io(_epochs.persist());
}

result<void> partition_log::truncate_fully(offset new_start) {
    if (offline()) {
        return errc::log_offline;
    }
    std::lock_guard maint(_maintenance_mutex);
    segment_list victims;
    {
        std::lock_guard lock(_append_mutex);
        victims = *snapshot();
        for (const auto& v : victims) {
            v->retire();
        }
        // Old files go first: the new segment may reuse a base offset (and so a file name).
        for (const auto& v : victims) {
            BOOST_OUTCOME_TRY(check_io(v->rename_to_deleted()));
        }
        BOOST_OUTCOME_TRY(auto s, check_io(segment::create(_dir, new_start, seg_config(_cfg), _files, _clock())));
        _log_start = _log_end = _recovery_point = _cleaner_checkpoint = new_start.value();
        _high_watermark = new_start.value();
        _epochs.clear();
        publish({s});
    }
    for (const auto& v : victims) {
        v->remove_files();
    }
    return check_io(_epochs.persist());
}

result<void> partition_log::close() {
    {
        std::lock_guard lock(_append_mutex);
        if (_closed) {
            return success();
        }
        _closed = true;
    }
    if (offline()) {
        return errc::log_offline;
    }
    BOOST_OUTCOME_TRY(flush());
    for (const auto& s : *snapshot()) {
        BOOST_OUTCOME_TRY(check_io(s->close()));
    }
    return check_io(_epochs.persist());
}

} // namespace brook::log

#include "brook/log/leader_epoch_cache.h"

#include <algorithm>

namespace brook::log {

leader_epoch_cache::leader_epoch_cache(std::filesystem::path file) : _file(std::move(file)) {}

result<void> leader_epoch_cache::load() {
    BOOST_OUTCOME_TRY(auto entries, read_epoch_checkpoint(_file));
    std::lock_guard lock(_mutex);
    _entries = std::move(entries);
    _dirty = false;
    return success();
}

result<void> leader_epoch_cache::persist(bool durable) {
    std::lock_guard io(_io_mutex);
    std::vector<epoch_entry> copy;
    {
        std::lock_guard lock(_mutex);
        if (!_dirty && !(durable && _unsynced)) {
            return success();
        }
        copy = _entries;
        _dirty = false;
    }
    auto r = write_epoch_checkpoint(_file, copy, durable);
    if (!r) {
        std::lock_guard lock(_mutex);
        _dirty = true;
        return r;
    }
    _unsynced = !durable;
    return r;
}

bool leader_epoch_cache::assign(leader_epoch epoch, offset start) {
    std::lock_guard lock(_mutex);
    if (epoch.value() < 0) {
        return false;
    }
    if (!_entries.empty() && (epoch <= _entries.back().epoch || start < _entries.back().start_offset)) {
        return false;
    }
    _entries.push_back({epoch, start});
    _dirty = true;
    return true;
}

std::optional<leader_epoch> leader_epoch_cache::latest_epoch() const {
    std::lock_guard lock(_mutex);
    if (_entries.empty()) {
        return std::nullopt;
    }
    return _entries.back().epoch;
}

leader_epoch_cache::epoch_end leader_epoch_cache::end_offset_for(leader_epoch requested, offset log_end) const {
    std::lock_guard lock(_mutex);
    if (requested.value() < 0 || _entries.empty()) {
        return {};
    }
    if (_entries.back().epoch == requested) {
        return {requested, log_end};
    }
    auto higher = std::upper_bound(_entries.begin(), _entries.end(), requested,
                                   [](leader_epoch e, const epoch_entry& x) { return e < x.epoch; });
    if (higher == _entries.end()) {
        return {};
    }
    if (higher == _entries.begin()) {
        return {requested, higher->start_offset};
    }
    return {std::prev(higher)->epoch, higher->start_offset};
}

void leader_epoch_cache::truncate_from_end(offset end) {
    std::lock_guard lock(_mutex);
    auto before = _entries.size();
    std::erase_if(_entries, [&](const epoch_entry& e) { return e.start_offset >= end; });
    _dirty = _dirty || before != _entries.size();
}

void leader_epoch_cache::truncate_from_start(offset start) {
    std::lock_guard lock(_mutex);
    // The last entry starting at or below `start` survives, moved up to `start`.
    auto first_above =
        std::find_if(_entries.begin(), _entries.end(), [&](const epoch_entry& e) { return e.start_offset > start; });
    if (first_above == _entries.begin()) {
        return;
    }
    auto keep = std::prev(first_above);
    if (keep->start_offset != start || keep != _entries.begin()) {
        keep->start_offset = start;
        _entries.erase(_entries.begin(), keep);
        _dirty = true;
    }
}

void leader_epoch_cache::clear() {
    std::lock_guard lock(_mutex);
    _dirty = true; // also rewrites an unreadable file
    _entries.clear();
}

std::vector<epoch_entry> leader_epoch_cache::entries() const {
    std::lock_guard lock(_mutex);
    return _entries;
}

} // namespace brook::log

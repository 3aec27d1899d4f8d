#include "brook/log/index.h"

#include "brook/log/errc.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace brook::log {
namespace {

std::error_code last_error() {
    return {errno, std::generic_category()};
}

void put_be(uint8_t* p, uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
        p[i] = uint8_t(v & 0xff);
        v >>= 8;
    }
}

uint64_t get_be(const uint8_t* p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
        v = (v << 8) | p[i];
    }
    return v;
}

class fd_guard {
public:
    explicit fd_guard(int fd) : _fd(fd) {}
    ~fd_guard() {
        if (_fd >= 0) {
            ::close(_fd);
        }
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return _fd; }

private:
    int _fd;
};

result<std::vector<uint8_t>> read_whole(const std::filesystem::path& path) {
    fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            return std::vector<uint8_t>{};
        }
        return last_error();
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return last_error();
    }
    std::vector<uint8_t> buf(size_t(st.st_size));
    size_t done = 0;
    while (done < buf.size()) {
        ssize_t n = ::pread(fd.get(), buf.data() + done, buf.size() - done, off_t(done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return last_error();
        }
        if (n == 0) {
            break;
        }
        done += size_t(n);
    }
    buf.resize(done);
    return buf;
}

// Writes `data` at entry `first` of the file, cutting the file there first when `cut`.
result<void> write_index_file(const std::filesystem::path& path, const std::vector<uint8_t>& data, size_t first_byte,
                              bool cut, uint64_t preallocate_to, bool sync) {
    fd_guard fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
        return last_error();
    }
    if (cut && ::ftruncate(fd.get(), off_t(first_byte)) != 0) {
        return last_error();
    }
    if (preallocate_to > 0) {
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) {
            return last_error();
        }
        if (uint64_t(st.st_size) < preallocate_to && ::ftruncate(fd.get(), off_t(preallocate_to)) != 0) {
            return last_error();
        }
    }
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd.get(), data.data() + done, data.size() - done, off_t(first_byte + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return last_error();
        }
        done += size_t(n);
    }
    if (sync && ::fdatasync(fd.get()) != 0) {
        return last_error();
    }
    return success();
}

result<void> trim_file(const std::filesystem::path& path, uint64_t size) {
    if (::truncate(path.c_str(), off_t(size)) != 0 && errno != ENOENT) {
        return last_error();
    }
    return success();
}

// Shared persist logic: encode entries [persisted, end) under the entry lock, write outside it.
template<class Entry, class Encode>
result<void> persist_entries(detail::index_entries<Entry>& e, const std::filesystem::path& path, size_t entry_size,
                             uint64_t max_bytes, bool sync, bool preallocate, Encode encode) {
    std::lock_guard io(e.io_mutex);
    std::vector<uint8_t> buf;
    size_t first = 0;
    size_t count = 0;
    bool cut = false;
    uint64_t gen = 0;
    {
        std::lock_guard lock(e.mutex);
        first = e.persisted;
        count = e.entries.size() - first;
        cut = e.needs_cut;
        gen = e.generation;
        buf.resize(count * entry_size);
        for (size_t i = 0; i < count; ++i) {
            encode(e.entries[first + i], buf.data() + i * entry_size);
        }
        if (count == 0 && !cut && (e.preallocated || !preallocate) && (!sync || !e.unsynced)) {
            return success();
        }
    }
    bool prealloc = preallocate && (cut || !e.preallocated);
    BOOST_OUTCOME_TRY(write_index_file(path, buf, first * entry_size, cut, prealloc ? max_bytes : 0, sync));
    std::lock_guard lock(e.mutex);
    if (e.generation == gen) {
        // Only entries need an fsync: an entry-less file is all zeros and trimmed on close.
        e.unsynced = !sync && (e.unsynced || count > 0 || cut);
        e.persisted = first + count;
        e.needs_cut = false;
        e.preallocated = e.preallocated || prealloc;
        if (cut && !prealloc) {
            e.preallocated = false;
        }
    }
    return success();
}

template<class Entry>
result<void> trim_entries(detail::index_entries<Entry>& e, const std::filesystem::path& path, size_t entry_size,
                          bool* wrote_all) {
    std::lock_guard io(e.io_mutex);
    size_t n = 0;
    {
        std::lock_guard lock(e.mutex);
        n = e.persisted;
        *wrote_all = e.persisted == e.entries.size() && !e.needs_cut;
    }
    BOOST_OUTCOME_TRY(trim_file(path, n * entry_size));
    std::lock_guard lock(e.mutex);
    e.preallocated = false;
    return success();
}

template<class Entry>
void truncate_entries(detail::index_entries<Entry>& e, size_t keep) {
    // Caller holds e.mutex.
    if (keep < e.entries.size()) {
        e.entries.resize(keep);
        ++e.generation;
        if (e.persisted > keep) {
            e.persisted = keep;
            e.needs_cut = true;
        }
    }
}

} // namespace

// ---- offset_index ----

offset_index::offset_index(std::filesystem::path path, offset base, size_t max_bytes)
    : _path(std::move(path)), _base(base), _max_entries(std::max<size_t>(1, max_bytes / offset_index_entry_size)) {}

result<void> offset_index::load(uint64_t log_size, bool* sane) {
    BOOST_OUTCOME_TRY(auto buf, read_whole(_path));
    std::vector<offset_position> entries;
    bool ok = buf.size() % offset_index_entry_size == 0;
    for (size_t i = 0; i + offset_index_entry_size <= buf.size(); i += offset_index_entry_size) {
        auto rel = int64_t(int32_t(get_be(buf.data() + i, 4)));
        auto pos = uint32_t(get_be(buf.data() + i + 4, 4));
        bool increasing =
            entries.empty() || (rel > entries.back().off.value() - _base.value() && pos > entries.back().position);
        if (rel < 0 || !increasing || (pos >= log_size && !(pos == 0 && log_size == 0))) {
            // A preallocated zero tail is expected; anything else means the file is damaged.
            ok = ok && std::all_of(buf.begin() + long(i), buf.end(), [](uint8_t b) { return b == 0; });
            break;
        }
        entries.push_back({_base + rel, pos});
    }
    if (sane != nullptr) {
        *sane = ok;
    }
    std::lock_guard lock(_e.mutex);
    _e.entries = std::move(entries);
    _e.persisted = _e.entries.size();
    _e.preallocated = buf.size() > _e.entries.size() * offset_index_entry_size;
    _e.needs_cut = !ok;
    ++_e.generation;
    return success();
}

bool offset_index::full() const {
    std::lock_guard lock(_e.mutex);
    return _e.entries.size() >= _max_entries;
}

size_t offset_index::size() const {
    std::lock_guard lock(_e.mutex);
    return _e.entries.size();
}

void offset_index::append(offset off, uint32_t position) {
    std::lock_guard lock(_e.mutex);
    if (_e.entries.size() >= _max_entries) {
        return;
    }
    if (!_e.entries.empty() && (off <= _e.entries.back().off || position <= _e.entries.back().position)) {
        return;
    }
    _e.entries.push_back({off, position});
}

offset_position offset_index::lookup(offset target) const {
    std::lock_guard lock(_e.mutex);
    auto it = std::upper_bound(_e.entries.begin(), _e.entries.end(), target,
                               [](offset t, const offset_position& e) { return t < e.off; });
    if (it == _e.entries.begin()) {
        return {_base, 0};
    }
    return *std::prev(it);
}

void offset_index::truncate_to(offset target) {
    std::lock_guard lock(_e.mutex);
    auto it = std::lower_bound(_e.entries.begin(), _e.entries.end(), target,
                               [](const offset_position& e, offset t) { return e.off < t; });
    truncate_entries(_e, size_t(it - _e.entries.begin()));
}

void offset_index::clear() {
    std::lock_guard lock(_e.mutex);
    truncate_entries(_e, 0);
    _e.needs_cut = true;
}

result<void> offset_index::persist(bool sync, bool preallocate) {
    return persist_entries(_e, _path, offset_index_entry_size, _max_entries * offset_index_entry_size, sync,
                           preallocate, [this](const offset_position& e, uint8_t* p) {
                               put_be(p, uint32_t(e.off.value() - _base.value()), 4);
                               put_be(p + 4, e.position, 4);
                           });
}

result<void> offset_index::trim() {
    bool all = false;
    BOOST_OUTCOME_TRY(persist(false, false));
    return trim_entries(_e, _path, offset_index_entry_size, &all);
}

// ---- time_index ----

time_index::time_index(std::filesystem::path path, offset base, size_t max_bytes)
    : _path(std::move(path)), _base(base), _max_entries(std::max<size_t>(1, max_bytes / time_index_entry_size)) {}

result<void> time_index::load(uint64_t /*log_size*/, offset next_offset, bool* sane) {
    BOOST_OUTCOME_TRY(auto buf, read_whole(_path));
    std::vector<timestamp_offset> entries;
    bool ok = buf.size() % time_index_entry_size == 0;
    for (size_t i = 0; i + time_index_entry_size <= buf.size(); i += time_index_entry_size) {
        auto ts = int64_t(get_be(buf.data() + i, 8));
        auto rel = int64_t(int32_t(get_be(buf.data() + i + 8, 4)));
        bool increasing =
            entries.empty() || (ts > entries.back().timestamp && rel >= entries.back().off.value() - _base.value());
        if (rel < 0 || !increasing || _base + rel >= next_offset) {
            ok = ok && std::all_of(buf.begin() + long(i), buf.end(), [](uint8_t b) { return b == 0; });
            break;
        }
        entries.push_back({ts, _base + rel});
    }
    if (sane != nullptr) {
        *sane = ok;
    }
    std::lock_guard lock(_e.mutex);
    _e.entries = std::move(entries);
    _e.persisted = _e.entries.size();
    _e.preallocated = buf.size() > _e.entries.size() * time_index_entry_size;
    _e.needs_cut = !ok;
    ++_e.generation;
    return success();
}

bool time_index::full() const {
    std::lock_guard lock(_e.mutex);
    return _e.entries.size() >= _max_entries;
}

size_t time_index::size() const {
    std::lock_guard lock(_e.mutex);
    return _e.entries.size();
}

void time_index::maybe_append(int64_t timestamp, offset off) {
    std::lock_guard lock(_e.mutex);
    if (_e.entries.size() >= _max_entries) {
        return;
    }
    if (!_e.entries.empty() && (timestamp <= _e.entries.back().timestamp || off < _e.entries.back().off)) {
        return;
    }
    _e.entries.push_back({timestamp, off});
}

std::optional<timestamp_offset> time_index::last_before(int64_t target) const {
    std::lock_guard lock(_e.mutex);
    auto it = std::lower_bound(_e.entries.begin(), _e.entries.end(), target,
                               [](const timestamp_offset& e, int64_t t) { return e.timestamp < t; });
    if (it == _e.entries.begin()) {
        return std::nullopt;
    }
    return *std::prev(it);
}

std::optional<timestamp_offset> time_index::last_entry() const {
    std::lock_guard lock(_e.mutex);
    if (_e.entries.empty()) {
        return std::nullopt;
    }
    return _e.entries.back();
}

void time_index::truncate_to(offset target) {
    std::lock_guard lock(_e.mutex);
    auto it = std::lower_bound(_e.entries.begin(), _e.entries.end(), target,
                               [](const timestamp_offset& e, offset t) { return e.off < t; });
    truncate_entries(_e, size_t(it - _e.entries.begin()));
}

void time_index::clear() {
    std::lock_guard lock(_e.mutex);
    truncate_entries(_e, 0);
    _e.needs_cut = true;
}

result<void> time_index::persist(bool sync, bool preallocate) {
    return persist_entries(_e, _path, time_index_entry_size, _max_entries * time_index_entry_size, sync, preallocate,
                           [this](const timestamp_offset& e, uint8_t* p) {
                               put_be(p, uint64_t(e.timestamp), 8);
                               put_be(p + 8, uint32_t(e.off.value() - _base.value()), 4);
                           });
}

result<void> time_index::trim() {
    bool all = false;
    BOOST_OUTCOME_TRY(persist(false, false));
    return trim_entries(_e, _path, time_index_entry_size, &all);
}

std::optional<timestamp_offset> read_last_time_entry(const std::filesystem::path& path, offset base) {
    fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || st.st_size < off_t(time_index_entry_size) ||
        st.st_size % off_t(time_index_entry_size) != 0) {
        return std::nullopt;
    }
    uint8_t b[time_index_entry_size];
    if (::pread(fd.get(), b, sizeof b, st.st_size - off_t(sizeof b)) != ssize_t(sizeof b)) {
        return std::nullopt;
    }
    auto ts = int64_t(get_be(b, 8));
    if (ts == 0 && get_be(b + 8, 4) == 0) {
        return std::nullopt; // a preallocated tail: not trimmed
    }
    return timestamp_offset{ts, base + int64_t(int32_t(get_be(b + 8, 4)))};
}

} // namespace brook::log

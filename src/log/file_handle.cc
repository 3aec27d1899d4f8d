#include "brook/log/file_handle.h"

#include "brook/log/errc.h"

#include <fcntl.h>
#include <unistd.h>

namespace brook::log {

file_handle::~file_handle() {
    if (_fd >= 0) {
        ::close(_fd);
    }
}

result<file_ref> open_file(const std::filesystem::path& path, bool create) {
    int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) {
        return std::error_code(errno, std::generic_category());
    }
    return std::make_shared<const file_handle>(fd);
}

file_cache::file_cache(size_t capacity) : _capacity(capacity == 0 ? 1 : capacity) {}

result<file_ref> file_cache::get(const std::filesystem::path& path, bool create) {
    std::string key = path.string();
    {
        std::lock_guard lock(_mutex);
        if (auto it = _by_path.find(key); it != _by_path.end()) {
            _lru.splice(_lru.begin(), _lru, it->second);
            return it->second->file;
        }
    }
    // Open outside the lock: open() may block on a slow disk.
    BOOST_OUTCOME_TRY(auto f, open_file(path, create));
    file_ref evicted;
    std::lock_guard lock(_mutex);
    if (auto it = _by_path.find(key); it != _by_path.end()) {
        // Somebody else opened it meanwhile; keep theirs so all users share one descriptor.
        _lru.splice(_lru.begin(), _lru, it->second);
        return it->second->file;
    }
    _lru.push_front(entry{key, f});
    _by_path.emplace(std::move(key), _lru.begin());
    while (_lru.size() > _capacity) {
        _by_path.erase(_lru.back().path);
        evicted = std::move(_lru.back().file); // closed after the lock is released
        _lru.pop_back();
    }
    return f;
}

void file_cache::forget(const std::filesystem::path& path) {
    file_ref dropped;
    std::lock_guard lock(_mutex);
    if (auto it = _by_path.find(path.string()); it != _by_path.end()) {
        dropped = std::move(it->second->file);
        _lru.erase(it->second);
        _by_path.erase(it);
    }
}

size_t file_cache::open_count() const {
    std::lock_guard lock(_mutex);
    return _lru.size();
}

} // namespace brook::log

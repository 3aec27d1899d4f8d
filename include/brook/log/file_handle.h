#pragma once
// Open files shared between the log and its readers.
//
// A `file_ref` keeps a descriptor open for as long as anybody holds it: the LRU `file_cache` may
// drop its own reference at any time, but a reader that got a `file_region` can still sendfile()
// from it. Renaming or unlinking the path does not disturb holders (POSIX keeps the inode alive).
#include "brook/common/result.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace brook::log {

/// Owns one file descriptor; closes it on destruction.
class file_handle {
public:
    explicit file_handle(int fd) noexcept : _fd(fd) {}
    ~file_handle();
    file_handle(const file_handle&) = delete;
    file_handle& operator=(const file_handle&) = delete;

    int fd() const noexcept { return _fd; }

private:
    int _fd;
};

using file_ref = std::shared_ptr<const file_handle>;

/// A byte range of a segment file, ready for sendfile(fd, position, length) or pread.
struct file_region {
    file_ref file;
    uint64_t position = 0;
    uint64_t length = 0;
};

/// Opens `path` read-write (creating it when `create`), returning the error as errc::io_error.
result<file_ref> open_file(const std::filesystem::path& path, bool create);

/// Bounded set of open segment files, evicting the least recently used.
///
/// Thread-safe (one internal mutex, never held across I/O other than open()/close()). Files are
/// identified by path; call `forget` before renaming or deleting a file so a later open of the same
/// name does not see the old inode. At most `capacity` descriptors are held by the cache itself;
/// handles lent out stay open until their holders release them.
class file_cache {
public:
    explicit file_cache(size_t capacity);
    file_cache(const file_cache&) = delete;
    file_cache& operator=(const file_cache&) = delete;

    /// Returns the open handle of `path`, opening it (and evicting another) when needed.
    result<file_ref> get(const std::filesystem::path& path, bool create = false);
    void forget(const std::filesystem::path& path);

    size_t open_count() const;
    size_t capacity() const noexcept { return _capacity; }

private:
    struct entry {
        std::string path;
        file_ref file;
    };
    size_t _capacity;
    mutable std::mutex _mutex;
    std::list<entry> _lru; // front = most recently used
    std::unordered_map<std::string, std::list<entry>::iterator> _by_path;
};

} // namespace brook::log

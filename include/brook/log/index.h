#pragma once
// Sparse indexes of one segment, in Kafka's binary formats (big-endian, fixed-size entries, no header):
//
//   <base>.index      offset index: entry = int32 relative offset (offset - base) + int32 file position
//                     of the batch holding that offset. One entry per log.index.interval.bytes appended.
//   <base>.timeindex  time index:   entry = int64 timestamp + int32 relative offset; appended with the
//                     offset index entries whenever the segment's max timestamp grew, and once more
//                     on roll/close so the last entry is the segment's max timestamp.
//
// Both files are preallocated (sparse) to log.index.size.max.bytes when a segment is created and
// trimmed to their entries when it rolls or closes. A file that was not trimmed (unclean shutdown)
// ends in zeros: loading stops at the first entry that does not strictly increase, so the zero tail
// is ignored, as is any entry pointing past the end of the log file.
//
// Entries live in memory; they are written to the file by persist(), which the segment calls after
// fsyncing its log (flush), and on roll/close. An index is thus never ahead of durable data, and a
// segment after the recovery point gets its indexes rebuilt by recovery.
//
// Thread-safety: every member may be called from any thread; a small internal mutex guards the entry
// vector (held for the vector operation only, never across I/O).
#include "brook/common/ids.h"
#include "brook/common/result.h"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

namespace brook::log {

inline constexpr size_t offset_index_entry_size = 8;
inline constexpr size_t time_index_entry_size = 12;

struct offset_position {
    offset off;
    uint32_t position = 0;
};

struct timestamp_offset {
    int64_t timestamp = -1;
    offset off;
};

namespace detail {
/// Entry storage shared by both indexes: a vector, the number of entries already in the file, and
/// whether the file must be cut (after a truncation) before the next write.
template<class Entry>
struct index_entries {
    mutable std::mutex mutex; // guards the fields below
    std::mutex io_mutex;      // serialises persist() and trim()
    std::vector<Entry> entries;
    uint64_t generation = 0; // bumped by truncations, so a racing persist() knows it wrote stale data
    size_t persisted = 0;
    bool needs_cut = false;
    bool unsynced = false; // written without fsync since the last synced persist
    bool preallocated = false;
};
} // namespace detail

class offset_index {
public:
    offset_index(std::filesystem::path path, offset base, size_t max_bytes);
    offset_index(const offset_index&) = delete;
    offset_index& operator=(const offset_index&) = delete;

    /// Reads the index file, keeping the valid prefix (see file comment). A missing file is empty.
    /// Returns false in `*sane` when entries had to be dropped, so the caller may rebuild.
    result<void> load(uint64_t log_size, bool* sane = nullptr);

    const std::filesystem::path& path() const noexcept { return _path; }
    bool full() const;
    size_t size() const;
    /// REQUIRES: `off` greater than the last entry's offset and `position` not smaller.
    void append(offset off, uint32_t position);
    /// Largest entry with offset <= target, or {base, 0} when there is none.
    offset_position lookup(offset target) const;
    /// Drops entries with offset >= target.
    void truncate_to(offset target);
    void clear();

    /// Writes new entries (and preallocates the file when `preallocate`), then fsyncs when `sync`.
    result<void> persist(bool sync, bool preallocate);
    /// Cuts the file to its entries (roll, close).
    result<void> trim();

private:
    std::filesystem::path _path;
    offset _base;
    size_t _max_entries;
    detail::index_entries<offset_position> _e;
};

class time_index {
public:
    time_index(std::filesystem::path path, offset base, size_t max_bytes);
    time_index(const time_index&) = delete;
    time_index& operator=(const time_index&) = delete;

    result<void> load(uint64_t log_size, offset next_offset, bool* sane = nullptr);

    const std::filesystem::path& path() const noexcept { return _path; }
    bool full() const;
    size_t size() const;
    /// Appends when `timestamp` is greater than the last entry's.
    void maybe_append(int64_t timestamp, offset off);
    /// Last entry with timestamp < target (where a scan for the first batch with max ts >= target may
    /// start), or nothing when every entry is >= target.
    std::optional<timestamp_offset> last_before(int64_t target) const;
    std::optional<timestamp_offset> last_entry() const;
    void truncate_to(offset target);
    void clear();

    result<void> persist(bool sync, bool preallocate);
    result<void> trim();

private:
    std::filesystem::path _path;
    offset _base;
    size_t _max_entries;
    detail::index_entries<timestamp_offset> _e;
};

/// Reads the last time index entry straight from a trimmed file (used to learn an unopened segment's
/// max timestamp without loading it). Nothing when the file is missing, empty or not trimmed.
std::optional<timestamp_offset> read_last_time_entry(const std::filesystem::path& path, offset base);

} // namespace brook::log

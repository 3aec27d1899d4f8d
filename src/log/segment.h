#pragma once
// One segment of a partition log: `<base>.log` (record batches back to back, exactly as received
// on the wire, nothing added) plus its offset index `<base>.index` and time index `<base>.timeindex`
// (formats in brook/log/index.h). `<base>` is the first offset the segment may hold, zero-padded to
// 20 digits, e.g. 00000000000000368769.log.
//
// Concurrency contract:
// - Writer operations (append, seal, truncate_to, recover) are called by one thread at a time: the
//   partition log serialises them under its append lock (recover runs before the log is shared).
// - Readers (find_batch, find_by_timestamp, region, read) may run on any thread concurrently with
//   the writer. They only see bytes below size(), which the writer publishes (release) after the
//   bytes are in the page cache, so a reader never observes a partially written batch.
// - Old segments start "described": only base offset, size and max timestamp are known, no file is
//   open and no index is in memory. The first reader loads the indexes (ensure_loaded, internally
//   locked), so 10,000 partitions cost neither descriptors nor index memory until read.
#include "batch_format.h"
#include "brook/common/bytes.h"
#include "brook/common/ids.h"
#include "brook/common/result.h"
#include "brook/log/file_handle.h"
#include "brook/log/index.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>

namespace brook::log {

struct segment_config {
    uint64_t segment_bytes = uint64_t{1} << 30;
    uint32_t index_interval_bytes = 4096;
    uint32_t max_index_bytes = 10 * 1024 * 1024;
};

/// `<dir>/<20-digit base><suffix>`, suffix one of ".log", ".index", ".timeindex" (+ ".deleted" etc.).
std::filesystem::path segment_file(const std::filesystem::path& dir, offset base, std::string_view suffix);
/// Parses the base offset out of a file name like "00000000000000000042.log"; nothing if malformed.
std::optional<offset> parse_segment_base(std::string_view file_name, std::string_view suffix);

/// A batch found in a segment: its header and byte position.
struct batch_position {
    batch_header header;
    uint64_t position = 0;
};

/// What recovery found in one segment.
struct segment_recovery {
    uint64_t valid_bytes = 0;
    uint64_t truncated_bytes = 0;
    int64_t batches = 0;
};

class segment {
public:
    /// Creates empty files for a new segment (index files preallocated). `now_ms` starts the roll timer.
    /// `suffix` is appended to every file name (".cleaned" for a segment the cleaner is writing).
    static result<std::shared_ptr<segment>> create(const std::filesystem::path& dir, offset base,
                                                   const segment_config& cfg, file_cache& files, int64_t now_ms,
                                                   std::string_view suffix = {});
    /// Describes an existing segment from its file sizes, without opening it.
    static result<std::shared_ptr<segment>> describe(const std::filesystem::path& dir, offset base,
                                                     const segment_config& cfg, file_cache& files, int64_t now_ms);

    segment(const std::filesystem::path& dir, offset base, const segment_config& cfg, file_cache& files, int64_t now_ms,
            std::string_view suffix = {});
    segment(const segment&) = delete;
    segment& operator=(const segment&) = delete;

    offset base_offset() const noexcept { return _base; }
    const std::filesystem::path& path() const noexcept { return _path; }
    /// Readable end of the file (acquire).
    uint64_t size() const noexcept { return _size.load(std::memory_order_acquire); }
    /// One past the last offset held; for a described segment, the value the log told it (next base).
    offset next_offset() const noexcept { return offset(_next.load(std::memory_order_acquire)); }
    int64_t max_timestamp() const noexcept { return _max_ts.load(std::memory_order_acquire); }
    int64_t created_ms() const noexcept { return _created_ms; }
    /// Max timestamp of the first append to this segment (-1 when empty or unknown): segment.ms is
    /// measured from it, as in Kafka, so that a restart does not restart the roll timer.
    int64_t first_batch_timestamp() const noexcept { return _first_ts; }
    /// Kafka's "time waited for roll": from the first batch's timestamp to `incoming_ts` (the max
    /// timestamp of the batches about to be appended) when known, else wall-clock since creation.
    int64_t time_waited_for_roll(int64_t now, int64_t incoming_ts) const noexcept {
        return _first_ts >= 0 ? incoming_ts - _first_ts : now - _created_ms;
    }
    bool index_full() const;
    /// Bytes appended since the last fsync reached the disk.
    uint64_t flushed_size() const noexcept { return _flushed.load(std::memory_order_acquire); }

    /// Sets next_offset for a described segment (from the following segment's base).
    void set_next_offset_hint(offset next) noexcept { _next.store(next.value(), std::memory_order_release); }

    // ---- writer side (serialised by the caller) ----

    /// Writes `data` (whole batches, described by `batches` with positions relative to data) at the
    /// end of the file, then updates indexes and publishes the new size.
    result<void> append(bytes_view data, std::span<const batch_position> batches);
    /// Removes every batch holding offsets >= target (the batch that contains target goes too).
    /// Returns the new next offset.
    result<offset> truncate_to(offset target);
    /// Adds the final time-index entry and trims index files (segment rolled; no fsync).
    result<void> seal();
    /// Scans the whole file: size, magic, CRC and offset order of every batch; truncates at the first
    /// bad one and rebuilds both indexes. REQUIRES: nobody reads the segment yet.
    /// `on_batch` sees the header of every batch kept.
    result<segment_recovery> recover(const std::function<void(const batch_header&)>& on_batch = {});
    /// Loads indexes of the active segment and finds its end (the next offset), scanning from the last
    /// index entry. Used at startup for the last segment after a clean shutdown.
    result<void> open_active();

    // ---- any thread ----

    /// Loads indexes of a described segment (rebuilding them if damaged). Idempotent, thread-safe.
    result<void> ensure_loaded();
    /// The open file. Readers take it once per operation and pass it to the calls below, so that
    /// everything they see comes from one inode; then they check retired() (see there).
    result<file_ref> file(bool create = false);
    /// First batch whose last offset >= target, reading at most up to `limit` bytes of the file.
    result<std::optional<batch_position>> find_batch(const file_ref& f, offset target, uint64_t limit);
    /// First batch whose max timestamp >= ts.
    result<std::optional<batch_position>> find_by_timestamp(const file_ref& f, int64_t ts, uint64_t limit);
    /// Visits batch headers from `position` up to `limit`; stop by returning false.
    result<void> scan(const file_ref& f, uint64_t position, uint64_t limit,
                      const std::function<bool(const batch_position&)>& visit);
    result<void> read(const file_ref& f, uint64_t position, uint64_t length, bytes& out);

    /// Set (before any file is renamed) when the segment leaves the log: deleted by retention or
    /// replaced by a cleaned copy. A reader that sees it after its operation retries with the log's
    /// current segments, because its descriptor may belong to the replacement file.
    bool retired() const noexcept { return _retired.load(std::memory_order_acquire); }
    void retire() noexcept { _retired.store(true, std::memory_order_release); }
    /// fdatasync of the log file, then index files written and synced.
    result<void> flush();
    /// Trims index files to their entries (clean close).
    result<void> close();
    /// Renames the three files with a ".deleted" suffix (first step of deletion).
    result<void> rename_to_deleted();
    /// Unlinks the files (with or without ".deleted").
    void remove_files();
    /// Replaces this segment's files with those of `cleaned` (same base, written with a suffix) by
    /// renaming: old index files are removed first, so a crash in between leaves a log whose
    /// indexes are missing (rebuilt on load), never indexes of the wrong contents.
    result<void> replace_files_with(segment& cleaned);

    offset_index& index() noexcept { return _offset_index; }
    time_index& timeindex() noexcept { return _time_index; }

private:
    result<void> rebuild_indexes(const file_ref& f, uint64_t limit);
    result<void> load_locked();
    // Reads the first batch's max timestamp (segments found on disk).
    result<void> load_first_timestamp(const file_ref& f, uint64_t fsize);
    void note_batch_for_index(const batch_header& h, uint64_t position);

    std::filesystem::path _dir;
    std::filesystem::path _path;
    offset _base;
    segment_config _cfg;
    file_cache& _files;
    int64_t _created_ms;    // writer state; for a loaded segment, min(load time, first timestamp)
    int64_t _first_ts = -1; // writer state

    std::atomic<uint64_t> _size{0};
    std::atomic<uint64_t> _flushed{0};
    std::atomic<int64_t> _next;
    std::atomic<int64_t> _max_ts{-1};
    std::atomic<bool> _loaded{false};
    std::atomic<bool> _retired{false};
    bool _sealed = false;
    bool _preallocate = true; // writer state: cleared when the file system has no fallocate
    std::mutex _load_mutex;

    // Writer state (under the caller's lock).
    uint64_t _bytes_since_index = 0;
    offset _offset_of_max_ts;

    offset_index _offset_index;
    time_index _time_index;
    std::string _suffix; // extra file-name suffix (".cleaned", ".deleted")
};

} // namespace brook::log

#pragma once
// The transaction log: append-only files of CRC-protected txns, fsynced in groups.
//
// Files: <dir>/log.<first zxid, 16 hex digits>. A new file starts at every roll (after a snapshot
// and at every start), so a file holds a contiguous zxid range beginning at its name.
// Layout (integers big-endian):
//   header : "BKTL" | u32 format version (1) | u64 reserved (0)                     16 bytes
//   entry  : u32 payload length (> 0) | u32 CRC-32C of payload | payload (an encoded txn, txn.h)
//   end    : a zero length; files are preallocated (fallocate) in `prealloc` steps so an fsync of
//            appended data rarely has to update the file size, and zeros are written 1 MiB ahead
//            of the last entry, so appends overwrite blocks already written: their fdatasync
//            writes the data only, not the metadata of converting unwritten extents.
// Recovery reads entries until a zero length, a length past the end, or a CRC mismatch. In the
// newest file that point is a torn tail from a crash and the file is truncated there; anywhere
// else it is corruption and recovery fails.
// Thread: one writer thread; recovery runs before writing starts.
#include "brook/common/bytes.h"
#include "brook/common/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace brook::coordinator::tree {

class txn_log {
public:
    txn_log(std::filesystem::path dir, int64_t prealloc_bytes, bool force_sync);
    txn_log(const txn_log&) = delete;
    txn_log& operator=(const txn_log&) = delete;
    ~txn_log();

    /// Buffers one txn; the first append after open or roll() creates log.<zxid>.
    result<void> append(int64_t zxid, bytes_view payload);
    /// Writes the buffered txns and fsyncs (fdatasync) them, unless forceSync=no.
    result<void> sync();
    /// Syncs, then closes the current file: the next append starts a new one.
    result<void> roll();

    /// Log files in `dir` sorted by their first zxid.
    static std::vector<std::pair<int64_t, std::filesystem::path>> list(const std::filesystem::path& dir);

    /// Calls `fn(zxid, payload)` for every valid entry with zxid > `after`, in order, truncating a
    /// torn tail in the newest file. Returns the number of entries read.
    static result<size_t> recover(const std::filesystem::path& dir, int64_t after,
                                  const std::function<result<void>(bytes_view payload)>& fn);

    static constexpr uint32_t magic = 0x424b544c; // "BKTL"

private:
    result<void> open_file(int64_t zxid);
    result<void> flush_buffer();

    std::filesystem::path _dir;
    int64_t _prealloc;
    bool _force_sync;
    int _fd = -1;
    int64_t _file_pos = 0;  // bytes written to the file
    int64_t _file_size = 0; // allocated size
    int64_t _zeroed = 0;    // zeros written up to here
    bytes _buffer;
};

} // namespace brook::coordinator::tree

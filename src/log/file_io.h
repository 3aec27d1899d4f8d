#pragma once
// Small POSIX helpers shared by the log's files: full pread/pwrite loops and directory fsync, all
// returning the errno as a std::error_code.
#include "brook/common/bytes.h"
#include "brook/common/result.h"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace brook::log::detail {

std::error_code last_errno();

/// Reads up to out.size() bytes at `pos`; returns how many were read (short only at end of file).
result<size_t> pread_full(int fd, std::span<uint8_t> out, uint64_t pos);
result<void> pwrite_full(int fd, bytes_view data, uint64_t pos);
result<uint64_t> file_size(int fd);
/// Allocates the blocks of [pos, pos + len) without changing the file size (fallocate
/// FALLOC_FL_KEEP_SIZE), rounding `pos` up to a 4 KiB block so that a block the previous write
/// only partly filled is left alone. Best effort: false only when the file system cannot do it.
bool allocate_blocks(int fd, uint64_t pos, uint64_t len) noexcept;
result<void> fsync_dir(const std::filesystem::path& dir);
/// Writes `contents` to `path` atomically: `path`.tmp, fsync, rename over `path`, fsync the directory.
/// Without `durable`, both fsyncs are skipped (the caller syncs later or can rebuild the file).
result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents, bool durable = true);
/// Reads a small text file whole.
result<std::string> read_text_file(const std::filesystem::path& path);

} // namespace brook::log::detail

#pragma once
// Errors of the storage engine (src/log).
#include <system_error>

namespace brook::log {

enum class errc {
    success = 0,
    /// A read, write, fsync, rename or unlink failed; the log may be offline afterwards.
    io_error,
    /// A batch is shorter than its header, has a bad length, an unknown magic or a bad CRC.
    corrupt_batch,
    /// A batch is well formed but not acceptable here (offsets out of order, bad record count, ...).
    invalid_batch,
    /// The requested offset is below the log start or above the log end.
    offset_out_of_range,
    /// The log (or its directory) is offline after an I/O failure; nothing is served.
    log_offline,
    /// No partition log with this name exists.
    not_found,
    /// A partition log with this name already exists.
    already_exists,
    /// A batch is larger than the segment size allows.
    record_too_large,
    /// A checkpoint or metadata file has the wrong syntax or version.
    bad_checkpoint,
    /// An argument is outside its contract (e.g. DeleteRecords beyond the log end).
    invalid_argument,
    /// The log was closed; no further operations are accepted.
    closed,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace brook::log

template<>
struct std::is_error_code_enum<brook::log::errc> : std::true_type {};

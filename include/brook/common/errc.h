#pragma once
// Errors of the common module (configuration, files, generic decoding).
#include <system_error>

namespace brook::common {

enum class errc {
    success = 0,
    /// A value has the wrong syntax for its type (not a number, not a boolean, ...).
    invalid_value,
    /// A value is outside the range its key allows.
    out_of_range,
    /// A configuration file or line cannot be parsed.
    parse_error,
    /// A required key has no value and no default.
    missing_value,
    /// A file cannot be opened, read or written.
    io_error,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace brook::common

template<>
struct std::is_error_code_enum<brook::common::errc> : std::true_type {};

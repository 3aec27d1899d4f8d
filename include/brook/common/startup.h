#pragma once
// Shared startup of the server executables: parse the command line, load and check the
// configuration, set up logging. Prints problems to stderr in "file:line: key: reason" form.
#include "brook/common/config.h"

#include <optional>
#include <string>

namespace brook {

struct startup_result {
    std::optional<config_values> config;
    /// Process exit code when `config` is empty: 0 after --help/--version, 1 on a usage error,
    /// 2 on a configuration error.
    int exit_code = 0;
};

/// `program` and `usage` are printed on --help and on usage errors.
startup_result load_server_config(int argc, const char* const* argv, const config_registry& registry,
                                  const std::string& program, const std::string& usage);

} // namespace brook

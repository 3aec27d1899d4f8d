#pragma once
// Command line of the server executables, shaped like Kafka's:
//   brook-broker <config.properties> [--override key=value]...
#include <optional>
#include <string>
#include <vector>

namespace brook {

struct server_args {
    std::string config_path;
    std::vector<std::string> overrides;
    bool help = false;
    bool version = false;
};

/// Parses argv. On a usage error returns nullopt and fills `error`.
std::optional<server_args> parse_server_args(int argc, const char* const* argv, std::string& error);

} // namespace brook

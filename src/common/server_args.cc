#include "brook/common/server_args.h"

#include <string_view>

namespace brook {

std::optional<server_args> parse_server_args(int argc, const char* const* argv, std::string& error) {
    server_args out;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            out.help = true;
        } else if (a == "--version") {
            out.version = true;
        } else if (a == "--override") {
            if (i + 1 >= argc) {
                error = "--override needs key=value";
                return std::nullopt;
            }
            out.overrides.emplace_back(argv[++i]);
        } else if (a.starts_with("--override=")) {
            out.overrides.emplace_back(a.substr(11));
        } else if (a.starts_with("-")) {
            error = "unknown option " + std::string(a);
            return std::nullopt;
        } else if (out.config_path.empty()) {
            out.config_path = std::string(a);
        } else {
            error = "unexpected argument " + std::string(a);
            return std::nullopt;
        }
    }
    if (out.config_path.empty() && !out.help && !out.version) {
        error = "missing the configuration file";
        return std::nullopt;
    }
    return out;
}

} // namespace brook

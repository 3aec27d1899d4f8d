#include "brook/common/startup.h"

#include "brook/common/logging.h"
#include "brook/common/server_args.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

namespace brook {

startup_result load_server_config(int argc, const char* const* argv, const config_registry& registry,
                                  const std::string& program, const std::string& usage) {
    startup_result out;
    std::string error;
    auto args = parse_server_args(argc, argv, error);
    if (!args) {
        std::cerr << program << ": " << error << "\n" << usage;
        out.exit_code = 1;
        return out;
    }
    if (args->help) {
        std::cout << usage;
        return out;
    }
    if (args->version) {
        std::cout << program << " " << BROOK_VERSION << "\n";
        return out;
    }
    auto loaded = load_config(registry, args->config_path, args->overrides);
    if (!loaded.errors.empty()) {
        for (const auto& e : loaded.errors) {
            std::cerr << program << ": invalid configuration: " << e.to_string() << "\n";
        }
        out.exit_code = 2;
        return out;
    }
    setup_logging(loaded.values->has("log.level") ? loaded.values->get_string("log.level") : "info");
    auto logger = get_logger("brook.config");
    for (const auto& w : loaded.warnings) {
        logger->warn("{}", w.to_string());
    }
    out.config = std::move(loaded.values);
    return out;
}

} // namespace brook

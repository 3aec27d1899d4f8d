// brook-coordinator: a ZooKeeper-compatible coordination service.
#include "brook/common/logging.h"
#include "brook/common/startup.h"
#include "brook/coordinator/config.h"

#include <spdlog/spdlog.h>

namespace {

constexpr const char* usage = R"(usage: brook-coordinator <coordinator.properties> [--override key=value]...

Starts a ZooKeeper-compatible coordinator configured by zoo.cfg keys (tickTime, dataDir, clientPort, ...).

options:
  --override key=value   set a configuration key (after the file; may repeat)
  --version              print the version
  -h, --help             print this help
)";

} // namespace

int main(int argc, char** argv) {
    auto started = brook::load_server_config(argc, argv, brook::coordinator::coordinator_config_registry(),
                                             "brook-coordinator", usage);
    if (!started.config) {
        return started.exit_code;
    }
    auto logger = brook::get_logger("brook.coordinator");
    logger->error("the coordinator server is not built yet; configuration is valid");
    return 3;
}

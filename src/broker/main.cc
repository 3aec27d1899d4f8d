// brook-broker: a Kafka-compatible broker.
#include "brook/broker/config.h"
#include "brook/common/logging.h"
#include "brook/common/startup.h"

#include <spdlog/spdlog.h>

namespace {

constexpr const char* usage = R"(usage: brook-broker <server.properties> [--override key=value]...

Starts a Kafka-compatible broker configured by a Kafka server.properties file. Without
zookeeper.connect it runs an embedded coordinator in-process.

options:
  --override key=value   set a configuration key (after the file; may repeat)
  --version              print the version
  -h, --help             print this help
)";

} // namespace

int main(int argc, char** argv) {
    auto started =
        brook::load_server_config(argc, argv, brook::broker::broker_config_registry(), "brook-broker", usage);
    if (!started.config) {
        return started.exit_code;
    }
    auto logger = brook::get_logger("brook.broker");
    logger->error("the broker's request handling is not built yet; configuration is valid");
    return 3;
}

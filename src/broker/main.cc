// brook-broker: a Kafka-compatible broker.
#include "brook/broker/broker.h"
#include "brook/broker/config.h"
#include "brook/common/logging.h"
#include "brook/common/startup.h"
#include "brook/common/stop_signals.h"

#include <spdlog/spdlog.h>

#include <csignal>

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
    // Before any thread starts, so that only the wait below sees the stop signals.
    const sigset_t stop_signals = brook::block_stop_signals();

    brook::broker::broker server(*started.config);
    if (auto r = server.start(); !r) {
        logger->error("Broker failed to start: {}", r.error().message());
        return 1;
    }
    logger->info("Received {}; shutting down", brook::wait_for_stop_signal(stop_signals));
    server.stop();
    return 0;
}

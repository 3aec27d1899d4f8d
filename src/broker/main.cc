// brook-broker: a Kafka-compatible broker.
#include "brook/broker/broker.h"
#include "brook/broker/config.h"
#include "brook/common/logging.h"
#include "brook/common/startup.h"

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
    // Block the stop signals before any thread starts, so that every thread inherits the mask and
    // only the sigwait below sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    brook::broker::broker server(*started.config);
    if (auto r = server.start(); !r) {
        logger->error("Broker failed to start: {}", r.error().message());
        return 1;
    }
    int sig = 0;
    sigwait(&stop_signals, &sig);
    logger->info("Received {}; shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stop();
    return 0;
}

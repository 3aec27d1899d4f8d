// brook-coordinator: a ZooKeeper-compatible coordination service.
#include "brook/common/logging.h"
#include "brook/common/startup.h"
#include "brook/common/stop_signals.h"
#include "brook/coordinator/config.h"
#include "brook/coordinator/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <thread>

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
    // Before any thread starts, so that only the waiter below receives the stop signals.
    const sigset_t stop_signals = brook::block_stop_signals();

    brook::coordinator::coordinator_server server;
    auto port = server.start(brook::coordinator::options_from_config(*started.config));
    if (!port) {
        logger->error("cannot start the coordinator: {}", port.error().message());
        return 1;
    }
    std::atomic<bool> signalled{false};
    std::thread signal_waiter([&] {
        auto name = brook::wait_for_stop_signal(stop_signals);
        signalled = true;
        logger->info("Received {}; shutting down", name);
        server.stop();
    });
    server.wait();
    // A failure stopped the server without a signal: wake the waiter so it can be joined.
    if (!signalled) {
        pthread_kill(signal_waiter.native_handle(), SIGTERM);
    }
    signal_waiter.join();
    logger->info("Coordinator stopped");
    return 0;
}

#include "brook/common/stop_signals.h"

#include <pthread.h>

namespace brook {

sigset_t block_stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    return signals;
}

std::string_view wait_for_stop_signal(const sigset_t& signals) {
    int sig = 0;
    sigwait(&signals, &sig);
    return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "a signal";
}

} // namespace brook

#pragma once
// SIGTERM/SIGINT handling shared by the server executables: block the signals before any thread
// starts (every thread inherits the mask), then wait for one synchronously on a chosen thread.
#include <csignal>
#include <string_view>

namespace brook {

/// Blocks SIGTERM and SIGINT in the calling thread (call from main before starting threads) and
/// ignores SIGPIPE (a peer closing a socket is an error value, not a process exit).
sigset_t block_stop_signals();

/// Waits until one of `signals` arrives; returns its name ("SIGTERM", "SIGINT").
std::string_view wait_for_stop_signal(const sigset_t& signals);

} // namespace brook

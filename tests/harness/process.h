#pragma once
// Child processes for integration tests: start a server with arguments, wait until its port accepts
// connections, stop it with SIGTERM or kill it with SIGKILL. Output goes to a log file that is printed
// when a wait fails, so a failing test shows why.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace brook::test {

/// A TCP port on 127.0.0.1 that nothing listens on right now. Ports are spread by process id so that
/// tests running in parallel (ctest -j) rarely race for the same one; a bind check confirms it is free.
uint16_t free_port();

/// True once a TCP connection to 127.0.0.1:port succeeds.
bool port_accepts(uint16_t port);

class child_process {
public:
    child_process() = default;
    /// Starts `argv[0]` with the given arguments; stdout and stderr go to `log_file`.
    child_process(std::vector<std::string> argv, std::filesystem::path log_file,
                  std::map<std::string, std::string> extra_env = {});
    ~child_process();
    child_process(child_process&& other) noexcept;
    child_process& operator=(child_process&& other) noexcept;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    int pid() const noexcept { return _pid; }
    bool running();

    /// Waits until 127.0.0.1:port accepts connections. Returns false (and prints the log) if the
    /// process exits or `timeout` passes first.
    bool wait_for_port(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(30));

    /// SIGTERM, then waits up to `timeout` for exit (SIGKILL after). Returns the exit status
    /// (as from waitpid), or -1 if it had to be killed.
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));

    /// SIGKILL and reap: a crash as far as the process can tell.
    void kill9();

    std::string log_contents() const;

private:
    int reap(std::chrono::milliseconds timeout);

    int _pid = -1;
    std::filesystem::path _log;
};

} // namespace brook::test

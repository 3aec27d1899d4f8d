#include "harness/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace brook::test {
namespace {

// Runs `op` (bind or connect) on a fresh TCP socket aimed at 127.0.0.1:port; true if it succeeds.
template<class Op>
bool try_loopback(uint16_t port, Op op) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = op(fd, reinterpret_cast<sockaddr*>(&addr), socklen_t{sizeof addr}) == 0;
    ::close(fd);
    return ok;
}

bool can_bind(uint16_t port) {
    return try_loopback(port, ::bind);
}

} // namespace

uint16_t free_port() {
    // Start from a pid-dependent point in 20000..59999 so parallel test processes spread out.
    static std::atomic<uint32_t> next{20000 + (static_cast<uint32_t>(::getpid()) * 97) % 40000};
    for (int attempt = 0; attempt < 40000; ++attempt) {
        uint32_t p = next.fetch_add(1);
        uint16_t port = static_cast<uint16_t>(20000 + (p - 20000) % 40000);
        if (can_bind(port) && !port_accepts(port)) {
            return port;
        }
    }
    throw std::runtime_error("no free port");
}

bool port_accepts(uint16_t port) {
    return try_loopback(port, ::connect);
}

child_process::child_process(std::vector<std::string> argv, std::filesystem::path log_file,
                             std::map<std::string, std::string> extra_env)
    : _log(std::move(log_file)) {
    int log_fd = ::open(_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        throw std::runtime_error("cannot open log " + _log.string());
    }
    std::vector<char*> args;
    for (auto& a : argv) {
        args.push_back(a.data());
    }
    args.push_back(nullptr);
    _pid = ::fork();
    if (_pid < 0) {
        ::close(log_fd);
        throw std::runtime_error("fork failed");
    }
    if (_pid == 0) {
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        for (const auto& [k, v] : extra_env) {
            ::setenv(k.c_str(), v.c_str(), 1);
        }
        ::execv(args[0], args.data());
        std::fprintf(stderr, "exec %s failed: %s\n", args[0], std::strerror(errno));
        ::_exit(127);
    }
    ::close(log_fd);
}

child_process::~child_process() {
    if (_pid > 0) {
        kill9();
    }
}

child_process::child_process(child_process&& other) noexcept : _pid(other._pid), _log(std::move(other._log)) {
    other._pid = -1;
}

child_process& child_process::operator=(child_process&& other) noexcept {
    if (this != &other) {
        if (_pid > 0) {
            kill9();
        }
        _pid = other._pid;
        _log = std::move(other._log);
        other._pid = -1;
    }
    return *this;
}

bool child_process::running() {
    if (_pid <= 0) {
        return false;
    }
    int status = 0;
    pid_t r = ::waitpid(_pid, &status, WNOHANG);
    if (r == _pid) {
        _pid = -1;
        return false;
    }
    return true;
}

bool child_process::wait_for_port(uint16_t port, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) {
            std::cerr << "process exited before listening on " << port << "; log:\n" << log_contents() << "\n";
            return false;
        }
        if (port_accepts(port)) {
            return true;
        }
        // Polling a port is the only readiness signal a foreign server gives.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::cerr << "timed out waiting for port " << port << "; log:\n" << log_contents() << "\n";
    return false;
}

int child_process::reap(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        pid_t r = ::waitpid(_pid, &status, WNOHANG);
        if (r == _pid || r < 0) {
            _pid = -1;
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
}

int child_process::stop(std::chrono::milliseconds timeout) {
    if (_pid <= 0) {
        return 0;
    }
    ::kill(_pid, SIGTERM);
    int status = reap(timeout);
    if (_pid > 0) {
        kill9();
        return -1;
    }
    return status;
}

void child_process::kill9() {
    if (_pid <= 0) {
        return;
    }
    ::kill(_pid, SIGKILL);
    int status = 0;
    ::waitpid(_pid, &status, 0);
    _pid = -1;
}

std::string child_process::log_contents() const {
    std::ifstream in(_log);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

} // namespace brook::test

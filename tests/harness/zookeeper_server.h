#pragma once
// A ZooKeeper-protocol server for integration tests: a real Apache ZooKeeper 3.8 (Debian's
// `zookeeper` package, run with java) or a `brook-coordinator`, both configured by the same zoo.cfg
// keys, on a free loopback port with a data dir of their own. The server can be killed (-9) and
// restarted on the same port with the same data, as a crash would leave it.
#include "harness/process.h"
#include "harness/test_dirs.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace brook::test {

enum class zookeeper_flavor { apache, brook };

const char* to_string(zookeeper_flavor f) noexcept;

class zookeeper_server {
public:
    /// Writes the configuration; does not start anything. `tick_ms` is tickTime: sessions may
    /// last 2..20 ticks. `extra` adds or overrides zoo.cfg keys.
    explicit zookeeper_server(zookeeper_flavor flavor, int tick_ms = 500,
                              std::map<std::string, std::string> extra = {});
    ~zookeeper_server();
    zookeeper_server(const zookeeper_server&) = delete;
    zookeeper_server& operator=(const zookeeper_server&) = delete;

    /// True if this flavor can be launched at all (java and the jars, or a built brook-coordinator).
    static bool available(zookeeper_flavor flavor, std::string* why = nullptr);

    /// Starts the server and waits until it serves (answers `ruok` with `imok`). Returns false, with
    /// the log printed, if it exits first or `timeout` passes. Restarting after stop()/kill9()
    /// reuses the port and data dir.
    bool start(std::chrono::milliseconds timeout = std::chrono::seconds(60));
    /// Runs Apache ZooKeeper with the JVM settings its own start script uses (full JIT, default
    /// collector, 1000 MiB heap) instead of the quick-start settings tests use. For benchmarks.
    void use_shipped_jvm_settings() noexcept { _shipped_jvm = true; }
    /// SIGTERM and wait.
    void stop();
    /// SIGKILL: a crash as far as the server can tell.
    void kill9();
    bool running();

    zookeeper_flavor flavor() const noexcept { return _flavor; }
    uint16_t port() const noexcept { return _port; }
    /// "127.0.0.1:<port>".
    std::string connect_string() const;
    const std::filesystem::path& data_dir() const noexcept { return _data_dir; }
    std::string log() const;

private:
    zookeeper_flavor _flavor;
    temp_dir _dir;
    uint16_t _port;
    std::filesystem::path _data_dir;
    std::filesystem::path _config;
    std::filesystem::path _log_file;
    child_process _process;
    bool _shipped_jvm = false;
};

/// Sends a four-letter word to 127.0.0.1:port and returns the whole answer ("" on any error).
std::string four_letter_word(uint16_t port, const std::string& word,
                             std::chrono::milliseconds timeout = std::chrono::seconds(2));

} // namespace brook::test

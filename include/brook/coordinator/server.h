#pragma once
// The coordinator server as a library: a ZooKeeper-compatible server on one port, with its state in
// a data directory. The broker runs it in-process (embedded mode); brook-coordinator runs it as a
// process. Both use this API.
#include "brook/common/config.h"
#include "brook/common/result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace brook::coordinator {

struct server_options {
    std::string address = "127.0.0.1";
    /// 0 = an ephemeral port; `coordinator_server::port()` reports the bound one.
    uint16_t port = 0;
    std::filesystem::path data_dir;
    /// Empty = data_dir.
    std::filesystem::path data_log_dir;
    int32_t tick_ms = 2000;
    int32_t min_session_timeout_ms = 4000;
    int32_t max_session_timeout_ms = 40000;
    /// Connections per client IP; 0 = unlimited.
    int32_t max_client_cnxns = 60;
    int32_t snap_count = 100000;
    int32_t snap_retain_count = 3;
    /// Time between purges (zoo.cfg `autopurge.purgeInterval`, in hours); 0 = never purge. A purge
    /// keeps the newest `snap_retain_count` snapshots and the log files they need.
    std::chrono::milliseconds purge_interval{0};
    int64_t prealloc_bytes = 64LL << 20;
    bool force_sync = true;
    int32_t max_buffer = 1048575;
    /// Four-letter words answered; "*" = all.
    std::vector<std::string> four_letter_whitelist{"srvr"};
};

/// Reads zoo.cfg keys (see brook/coordinator/config.h) into options.
server_options options_from_config(const config_values& cfg);

class coordinator_server {
public:
    coordinator_server();
    coordinator_server(const coordinator_server&) = delete;
    coordinator_server& operator=(const coordinator_server&) = delete;
    /// Stops the server if it runs.
    ~coordinator_server();

    /// Recovers the state from the data directories (snapshot + log replay), binds the port and
    /// starts serving on internal threads. Returns the bound port. Call once.
    result<uint16_t> start(server_options opts);
    /// The bound port (0 before start).
    uint16_t port() const noexcept;
    /// Stops accepting, closes connections, syncs the log and joins the threads. Idempotent.
    void stop();
    /// Blocks until stop() is called or the server fails (e.g. the log cannot be written).
    void wait();

    class impl;

private:
    std::unique_ptr<impl> _impl;
};

} // namespace brook::coordinator

// Four-letter words on the client port (ruok, srvr, stat, mntr, conf, cons, wchs), answered in
// ZooKeeper's text formats and gated by 4lw.commands.whitelist.
#include "coordinator/server_impl.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>

namespace brook::coordinator {
namespace {

constexpr std::array<std::string_view, 13> known_words = {"ruok", "srvr", "stat", "mntr", "conf", "cons", "wchs",
                                                          "envi", "dump", "wchc", "wchp", "crst", "srst"};

long rss_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmRSS:")) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return 0;
}

} // namespace

std::optional<std::string> coordinator_server::impl::four_letter(std::string_view word) {
    if (std::find(known_words.begin(), known_words.end(), word) == known_words.end()) {
        return std::nullopt;
    }
    const auto& wl = _opts.four_letter_whitelist;
    bool all = std::find(wl.begin(), wl.end(), "*") != wl.end();
    if (!all && std::find(wl.begin(), wl.end(), word) == wl.end()) {
        return fmt::format("{} is not executed because it is not in the whitelist.\n", word);
    }
    const auto& p = *_processor;
    auto uptime =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - _stats.started);
    std::string header = fmt::format("Zookeeper version: 3.8.0-brook, built on 1970-01-01 00:00 UTC\n");
    std::string counts =
        fmt::format("Latency min/avg/max: 0/0.0/0\nReceived: {}\nSent: {}\nConnections: {}\n"
                    "Outstanding: 0\nZxid: 0x{:x}\nMode: standalone\nNode count: {}\n",
                    _stats.received, _stats.sent, _connections.size(), p.last_zxid(), p.tree().node_count());
    if (word == "ruok") {
        return std::string("imok");
    }
    if (word == "srvr") {
        return header + counts;
    }
    if (word == "stat") {
        std::string clients = "Clients:\n";
        for (const auto& [id, c] : _connections) {
            clients += fmt::format(" /{}[1](queued={},recved={},sent={})\n", c->remote_endpoint(), c->queued(),
                                   c->packets_received(), c->packets_sent());
        }
        return header + clients + "\n" + counts;
    }
    if (word == "mntr") {
        std::string out;
        auto kv = [&](std::string_view k, auto v) { out += fmt::format("zk_{}\t{}\n", k, v); };
        kv("version", "3.8.0-brook");
        kv("server_state", "standalone");
        kv("uptime", uptime.count());
        kv("packets_received", _stats.received);
        kv("packets_sent", _stats.sent);
        kv("num_alive_connections", _connections.size());
        kv("outstanding_requests", 0);
        kv("znode_count", p.tree().node_count());
        kv("watch_count", p.watches().count());
        kv("ephemerals_count", [&] {
            size_t n = 0;
            for (const auto& [s, paths] : p.tree().all_ephemerals()) {
                n += paths.size();
            }
            return n;
        }());
        kv("approximate_data_size", p.tree().approximate_data_size());
        kv("last_zxid", fmt::format("0x{:x}", p.last_zxid()));
        kv("durable_zxid", fmt::format("0x{:x}", _durable));
        kv("fsync_count", fsyncs());
        kv("global_sessions", p.sessions().all().size());
        kv("resident_memory_kb", rss_kb());
        return out;
    }
    if (word == "conf") {
        return fmt::format("clientPort={}\nclientPortAddress={}\ndataDir={}\ndataLogDir={}\ntickTime={}\n"
                           "maxClientCnxns={}\nminSessionTimeout={}\nmaxSessionTimeout={}\nserverId=0\n",
                           _port, _opts.address, _opts.data_dir.string(), _opts.data_log_dir.string(), _opts.tick_ms,
                           _opts.max_client_cnxns, _opts.min_session_timeout_ms, _opts.max_session_timeout_ms);
    }
    if (word == "cons") {
        std::string out;
        for (const auto& [id, c] : _connections) {
            out += fmt::format(" /{}[1](queued={},recved={},sent={},sid=0x{:x})\n", c->remote_endpoint(), c->queued(),
                               c->packets_received(), c->packets_sent(), c->context().session);
        }
        return out + "\n";
    }
    if (word == "wchs") {
        return fmt::format("{} connections watching {} paths\nTotal watches:{}\n", _connections.size(),
                           p.watches().path_count(), p.watches().count());
    }
    if (word == "wchc" || word == "wchp" || word == "dump") {
        std::string out;
        for (const auto& [sid, path] : p.watches().list()) {
            out += fmt::format("0x{:x}\t{}\n", sid, path);
        }
        return out;
    }
    if (word == "envi") {
        return std::string("Environment:\nzookeeper.version=3.8.0-brook\n");
    }
    return std::string(); // crst, srst: counters are not resettable; answer empty
}

} // namespace brook::coordinator

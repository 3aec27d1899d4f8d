#include "brook/coordinator/config.h"

namespace brook::coordinator {
namespace {

config_key key(std::string name, config_type type, std::optional<std::string> def, std::string doc,
               std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt,
               std::vector<std::string> one_of = {}, bool prefix = false) {
    return config_key{std::move(name), type, std::move(def), std::move(doc), min, max, std::move(one_of), prefix};
}

config_registry build() {
    using t = config_type;
    config_registry r;
    r.define(key("tickTime", t::int32, "2000", "Basic time unit in ms; session timeouts are counted in ticks.", 1))
        .define(key("dataDir", t::string, std::nullopt, "Where snapshots (and the txn log, unless dataLogDir) go."))
        .define(key("dataLogDir", t::string, "", "Directory for the transaction log; defaults to dataDir."))
        .define(key("clientPort", t::int32, "2181", "Port for client connections.", 0, 65535))
        .define(key("clientPortAddress", t::string, "0.0.0.0", "Address to listen on for clients."))
        .define(key("initLimit", t::int32, "10", "Ticks a follower may take to connect and sync to the leader.", 1))
        .define(key("syncLimit", t::int32, "5", "Ticks a follower may lag behind the leader.", 1))
        .define(key("maxClientCnxns", t::int32, "60", "Connections per client IP; 0 = unlimited.", 0))
        .define(key("minSessionTimeout", t::int32, "-1", "Smallest session timeout; -1 = 2 ticks.", -1))
        .define(key("maxSessionTimeout", t::int32, "-1", "Largest session timeout; -1 = 20 ticks.", -1))
        .define(key("autopurge.snapRetainCount", t::int32, "3", "Snapshots (and their logs) kept by purging.", 3))
        .define(key("autopurge.purgeInterval", t::int32, "0", "Hours between purges; 0 disables purging.", 0))
        .define(key("snapCount", t::int32, "100000", "Transactions between snapshots.", 2))
        .define(key("preAllocSize", t::int64, "65536", "Transaction log preallocation in KiB.", 1))
        .define(key("forceSync", t::string, "yes", "fsync the transaction log before acknowledging writes.",
                    std::nullopt, std::nullopt, {"yes", "no"}))
        .define(key("globalOutstandingLimit", t::int32, "1000", "Requests queued before reads pause.", 1))
        .define(key("jute.maxbuffer", t::int32, "1048575", "Largest packet and znode data size.", 1024))
        .define(key("4lw.commands.whitelist", t::list, "srvr", "Four-letter words answered; * for all."))
        .define(key("server.", t::string, std::nullopt, "Ensemble member: server.N=host:quorumPort:electionPort.",
                    std::nullopt, std::nullopt, {}, true))
        .define(key("standaloneEnabled", t::boolean, "true", "Allow a single-server ensemble to run standalone."))
        .define(key("reconfigEnabled", t::boolean, "false", "Dynamic reconfiguration (not supported)."))
        .define(key("admin.enableServer", t::boolean, "false", "ZooKeeper's HTTP admin server (not provided)."))
        .define(key("quorumListenOnAllIPs", t::boolean, "false", "Listen for quorum traffic on all addresses."))
        .define(
            key("log.level", t::string, "INFO", "TRACE, DEBUG, INFO, WARN, ERROR or OFF.", std::nullopt, std::nullopt,
                {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "trace", "debug", "info", "warn", "error", "off"}));
    return r;
}

} // namespace

const config_registry& coordinator_config_registry() {
    static const config_registry registry = build();
    return registry;
}

int32_t effective_min_session_timeout(const config_values& cfg) {
    int32_t v = cfg.get_int("minSessionTimeout");
    return v < 0 ? 2 * cfg.get_int("tickTime") : v;
}

int32_t effective_max_session_timeout(const config_values& cfg) {
    int32_t v = cfg.get_int("maxSessionTimeout");
    return v < 0 ? 20 * cfg.get_int("tickTime") : v;
}

} // namespace brook::coordinator

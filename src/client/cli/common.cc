#include "common.h"

#include "brook/client/kafka/errc.h"

#include <iostream>

namespace brook::cli {

namespace ck = client::kafka;

int prepare(int argc, char** argv, const option_spec& spec, std::string_view usage, command_context& ctx, bool& stop) {
    stop = true;
    std::string error;
    auto parsed = parse_args(argc, argv, 2, spec, error);
    if (!parsed) {
        std::cerr << "brook: " << error << "\n" << usage;
        return exit_code::bad_arguments;
    }
    ctx.args = std::move(*parsed);
    if (ctx.args.has("help")) {
        std::cout << usage;
        return exit_code::ok;
    }
    ctx.json = ctx.args.has("json");
    auto servers = ck::parse_bootstrap_servers(ctx.args.get_or("bootstrap-server", "localhost:9092"));
    if (!servers) {
        return bad_usage("invalid --bootstrap-server (expected host:port[,host:port...])");
    }
    ctx.config.bootstrap_servers = std::move(servers.value());
    ctx.config.client_id = ctx.args.get_or("client-id", "brook-cli");
    auto timeout = ctx.args.get_int("request-timeout-ms", error);
    if (!error.empty()) {
        return bad_usage(error);
    }
    if (timeout) {
        if (*timeout <= 0) {
            return bad_usage("--request-timeout-ms must be positive");
        }
        ctx.config.request_timeout = std::chrono::milliseconds(*timeout);
        ctx.config.connect_timeout = std::min(ctx.config.connect_timeout, ctx.config.request_timeout);
    }
    stop = false;
    return exit_code::ok;
}

int connect(command_context& ctx) {
    ctx.client = std::make_unique<ck::client>(ctx.config);
    auto r = ctx.client->connect();
    if (!r) {
        std::string list;
        for (const auto& s : ctx.config.bootstrap_servers) {
            if (!list.empty()) {
                list += ',';
            }
            list.append(s.host).append(":").append(std::to_string(s.port));
        }
        std::cerr << "brook: cannot reach any bootstrap server (" << list << "): " << r.error().message() << "\n";
        return r.error() == ck::errc::unreachable || r.error() == ck::errc::timed_out ||
                       r.error() == ck::errc::disconnected
                   ? exit_code::unreachable
                   : exit_code::cluster_error;
    }
    return exit_code::ok;
}

int fail(std::string_view what, const std::error_code& ec) {
    std::cerr << "brook: " << what << ": " << ec.message() << "\n";
    if (ec == ck::errc::unreachable) {
        return exit_code::unreachable;
    }
    if (ec == ck::errc::invalid_config) {
        return exit_code::bad_arguments;
    }
    return exit_code::cluster_error;
}

int bad_usage(std::string_view message) {
    std::cerr << "brook: " << message << " (see --help)\n";
    return exit_code::bad_arguments;
}

} // namespace brook::cli

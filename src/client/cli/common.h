#pragma once
// Shared plumbing of the `brook` subcommands: argument parsing with the common options, the
// client connection, and mapping errors to exit codes.
#include "args.h"
#include "brook/client/kafka/client.h"

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace brook::cli {

struct command_context {
    parsed_args args;
    bool json = false;
    client::kafka::client_config config;
    std::unique_ptr<client::kafka::client> client;
};

/// Parses the command's options and the common ones. Returns an exit code when the command
/// must stop (bad arguments: 2, --help: 0 after printing `usage`), or 0 with `ctx` filled.
int prepare(int argc, char** argv, const option_spec& spec, std::string_view usage, command_context& ctx, bool& stop);

/// Connects to the bootstrap servers; returns 0 or the exit code after printing the error.
int connect(command_context& ctx);

/// Prints "brook: <what>: <error>" to stderr and returns the exit code for `ec`.
int fail(std::string_view what, const std::error_code& ec);

/// Prints "brook: <message>" and returns exit_code::bad_arguments.
int bad_usage(std::string_view message);

int run_topics(int argc, char** argv);
int run_produce(int argc, char** argv);
int run_consume(int argc, char** argv);
int run_groups(int argc, char** argv);
int run_configs(int argc, char** argv);
int run_cluster(int argc, char** argv);
int run_perf(int argc, char** argv);

} // namespace brook::cli

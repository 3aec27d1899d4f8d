// brook: the command line for Brook and any Kafka-compatible cluster.
#include "common.h"

#include <iostream>
#include <string_view>

namespace {

constexpr const char* usage = R"(usage: brook <command> [options]

commands:
  topics    create, list, describe, alter and delete topics
  produce   write records from stdin
  consume   read records to stdout
  groups    list, describe, reset and delete consumer groups
  configs   describe and alter topic and broker configs
  cluster   brokers, controller and API versions
  perf      produce and consume load tests

Every command takes --bootstrap-server host:port (default localhost:9092), --json and --help.
Exit codes: 0 ok, 1 error reported by the cluster, 2 bad arguments, 3 no broker reachable.
)";

} // namespace

int main(int argc, char** argv) {
    namespace cli = brook::cli;
    if (argc < 2 || std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help") {
        std::cout << usage;
        return argc < 2 ? cli::exit_code::bad_arguments : cli::exit_code::ok;
    }
    const std::string_view cmd = argv[1];
    if (cmd == "topics") {
        return cli::run_topics(argc, argv);
    }
    if (cmd == "produce") {
        return cli::run_produce(argc, argv);
    }
    if (cmd == "consume") {
        return cli::run_consume(argc, argv);
    }
    if (cmd == "groups") {
        return cli::run_groups(argc, argv);
    }
    if (cmd == "configs") {
        return cli::run_configs(argc, argv);
    }
    if (cmd == "cluster") {
        return cli::run_cluster(argc, argv);
    }
    if (cmd == "perf") {
        return cli::run_perf(argc, argv);
    }
    std::cerr << "brook: unknown command '" << cmd << "'\n" << usage;
    return cli::exit_code::bad_arguments;
}

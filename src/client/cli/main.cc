// brook: the command line for Brook and any Kafka-compatible cluster.
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

Every command takes --bootstrap-server host:port (default localhost:9092).
)";

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help") {
        std::cout << usage;
        return argc < 2 ? 1 : 0;
    }
    std::cerr << "brook: command '" << argv[1] << "' is not available yet\n";
    return 1;
}

#include "harness/zookeeper_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <thread>

namespace brook::test {
namespace {

const char* const zookeeper_jars[] = {
    "zookeeper.jar",
    "zookeeper-jute.jar",
    "slf4j-api.jar",
    "slf4j-log4j12.jar",
    "log4j-1.2.jar",
    "netty-handler.jar",
    "netty-common.jar",
    "netty-buffer.jar",
    "netty-transport.jar",
    "netty-codec.jar",
    "netty-resolver.jar",
    "netty-transport-native-epoll.jar",
    "netty-transport-native-unix-common.jar",
    "metrics-core.jar",
    "commons-cli.jar",
    "snappy-java.jar",
};

constexpr const char* java_dir = "/usr/share/java/";

std::filesystem::path find_java() {
    for (const char* p : {"/usr/bin/java", "/usr/lib/jvm/default-java/bin/java"}) {
        if (std::filesystem::exists(p)) {
            return p;
        }
    }
    return {};
}

} // namespace

const char* to_string(zookeeper_flavor f) noexcept {
    return f == zookeeper_flavor::apache ? "apache" : "brook";
}

bool zookeeper_server::available(zookeeper_flavor flavor, std::string* why) {
    if (flavor == zookeeper_flavor::apache) {
        if (find_java().empty()) {
            if (why != nullptr) {
                *why = "java is not installed";
            }
            return false;
        }
        for (const char* jar : zookeeper_jars) {
            if (!std::filesystem::exists(std::string(java_dir) + jar)) {
                if (why != nullptr) {
                    *why = std::string("missing ") + java_dir + jar;
                }
                return false;
            }
        }
        return true;
    }
    try {
        built_executable("brook-coordinator");
        return true;
    } catch (const std::exception& e) {
        if (why != nullptr) {
            *why = e.what();
        }
        return false;
    }
}

zookeeper_server::zookeeper_server(zookeeper_flavor flavor, int tick_ms, std::map<std::string, std::string> extra)
    : _flavor(flavor), _dir(std::string("brook-zk-") + to_string(flavor)), _port(free_port()) {
    _data_dir = _dir / "data";
    std::filesystem::create_directories(_data_dir);
    std::filesystem::create_directories(_dir / "conf");
    _config = _dir / (flavor == zookeeper_flavor::apache ? "conf/zoo.cfg" : "conf/coordinator.properties");
    _log_file = _dir / "server.log";
    std::map<std::string, std::string> cfg = {
        {"tickTime", std::to_string(tick_ms)},
        {"dataDir", _data_dir.string()},
        {"clientPort", std::to_string(_port)},
        {"clientPortAddress", "127.0.0.1"},
        {"admin.enableServer", "false"},
        {"4lw.commands.whitelist", "*"},
        {"maxClientCnxns", "0"},
    };
    if (flavor == zookeeper_flavor::apache) {
        // TTL nodes (CreateTTL) are off by default in ZooKeeper 3.8; brook-coordinator always has them.
        cfg["extendedTypesEnabled"] = "true";
    }
    for (auto& [k, v] : extra) {
        cfg[k] = v;
    }
    std::ofstream out(_config);
    for (const auto& [k, v] : cfg) {
        out << k << '=' << v << '\n';
    }
    if (flavor == zookeeper_flavor::apache) {
        std::ofstream log4j(_dir / "conf/log4j.properties");
        log4j << "log4j.rootLogger=INFO, CONSOLE\n"
                 "log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender\n"
                 "log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout\n"
                 "log4j.appender.CONSOLE.layout.ConversionPattern=%d %p %m%n\n";
    }
}

zookeeper_server::~zookeeper_server() {
    kill9();
}

bool zookeeper_server::start(std::chrono::milliseconds timeout) {
    std::vector<std::string> argv;
    if (_flavor == zookeeper_flavor::apache) {
        std::string classpath = (_dir / "conf").string();
        for (const char* jar : zookeeper_jars) {
            classpath += std::string(":") + java_dir + jar;
        }
        argv = {find_java().string()};
        if (_shipped_jvm) {
            // What zkServer.sh passes (ZK_SERVER_HEAP=1000); JIT and collector stay the JVM's own.
            argv.emplace_back("-Xmx1000m");
        } else {
            // A small heap and the client JIT keep startup quick on a busy machine.
            argv.insert(argv.end(), {"-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"});
        }
        argv.insert(argv.end(), {"-Dzookeeper.admin.enableServer=false", "-cp", classpath,
                                 "org.apache.zookeeper.server.quorum.QuorumPeerMain", _config.string()});
    } else {
        argv = {built_executable("brook-coordinator").string(), _config.string()};
    }
    _process = child_process(argv, _log_file);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!_process.wait_for_port(_port, timeout)) {
        return false;
    }
    // The port opens before the server serves requests: wait for "imok".
    while (std::chrono::steady_clock::now() < deadline) {
        if (!_process.running()) {
            std::cerr << to_string(_flavor) << " server exited; log:\n" << log() << "\n";
            return false;
        }
        if (four_letter_word(_port, "ruok") == "imok") {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::cerr << to_string(_flavor) << " server never answered ruok; log:\n" << log() << "\n";
    return false;
}

void zookeeper_server::stop() {
    _process.stop();
}

void zookeeper_server::kill9() {
    _process.kill9();
}

bool zookeeper_server::running() {
    return _process.running();
}

std::string zookeeper_server::connect_string() const {
    return "127.0.0.1:" + std::to_string(_port);
}

std::string zookeeper_server::log() const {
    std::ifstream in(_log_file);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string four_letter_word(uint16_t port, const std::string& word, std::chrono::milliseconds timeout) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return {};
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::send(fd, word.data(), word.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(word.size())) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        char buf[4096];
        for (;;) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                break;
            }
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                break;
            }
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                break;
            }
            answer.append(buf, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    return answer;
}

} // namespace brook::test

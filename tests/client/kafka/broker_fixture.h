#pragma once
// A real brook-broker (embedded coordinator) on a free port, shared by the tests of one suite,
// and a connected client per test. Topics are named per test so tests do not interfere.
#include "brook/client/kafka/client.h"
#include "harness/process.h"
#include "harness/test_dirs.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

namespace brook::client::kafka::test {

class broker_suite : public ::testing::Test {
public:
    static void SetUpTestSuite() {
        _dir = std::make_unique<brook::test::temp_dir>("brook-kafka-client");
        _port = brook::test::free_port();
        const auto cfg = *_dir / "broker.properties";
        std::ofstream f(cfg);
        f << "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:" << _port << "\nlog.dirs=" << (*_dir / "logs").string()
          << "\nnum.partitions=3\noffsets.topic.replication.factor=1\ngroup.initial.rebalance.delay.ms=0\n"
          // Short sessions let tests expire a member quickly.
          << "group.min.session.timeout.ms=500\n"
          << "coordinator.embedded.port=0\n";
        f.close();
        _broker = std::make_unique<brook::test::child_process>(
            std::vector<std::string>{brook::test::built_executable("brook-broker").string(), cfg.string()},
            *_dir / "broker.log");
        ASSERT_TRUE(_broker->wait_for_port(_port));
    }

    static void TearDownTestSuite() {
        _broker.reset();
        _dir.reset();
    }

protected:
    void SetUp() override {
        ASSERT_TRUE(_broker && _broker->running());
        client_config cfg;
        cfg.bootstrap_servers = {{"127.0.0.1", _port}};
        cfg.request_timeout = std::chrono::seconds(15);
        _client = std::make_unique<client>(cfg);
        auto r = _client->connect();
        ASSERT_TRUE(r) << r.error().message();
    }

    /// A topic name unique to the running test.
    static std::string topic_name(const std::string& suffix = "") {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string n = std::string(info->test_suite_name()) + "-" + info->name() + suffix;
        for (auto& c : n) {
            if (c == '/') {
                c = '-';
            }
        }
        return n;
    }

    static uint16_t port() { return _port; }

    std::unique_ptr<client> _client;

private:
    static inline std::unique_ptr<brook::test::temp_dir> _dir;
    static inline std::unique_ptr<brook::test::child_process> _broker;
    static inline uint16_t _port = 0;
};

} // namespace brook::client::kafka::test

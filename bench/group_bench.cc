// Group coordinator figures with librdkafka: OffsetCommit throughput (synchronous commits of 10
// partitions each, one client) and the time a 10-member group takes to complete a rebalance (all
// members joining at once, then an 11th member joining a stable group), against brook-broker as a
// child process and librdkafka's mock cluster in the same run as the baseline.
//
// Output: "metric <name> <value> <unit>" and "ratio <name> <value>" (brook / mock; for times a
// ratio above 1 means brook is slower).
#include "harness/process.h"
#include "harness/test_dirs.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int topic_partitions = 20;
constexpr int commit_partitions = 10;

void metric(const std::string& name, double value, const char* unit) {
    std::printf("metric %s %.3f %s\n", name.c_str(), value, unit);
}

void ratio(const std::string& name, double value) {
    std::printf("ratio %s %.3f\n", name.c_str(), value);
}

rd_kafka_conf_t* base_conf(const std::string& bootstrap, const std::string& group) {
    char err[512];
    auto* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
    rd_kafka_conf_set(conf, "session.timeout.ms", "10000", err, sizeof err);
    rd_kafka_conf_set(conf, "heartbeat.interval.ms", "500", err, sizeof err);
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    return conf;
}

rd_kafka_t* make_consumer(rd_kafka_conf_t* conf) {
    char err[512];
    auto* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) {
        std::fprintf(stderr, "consumer: %s\n", err);
        std::exit(1);
    }
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

/// Creates the topic through a producer's metadata request (auto-creation) on brook; the mock
/// cluster creates it explicitly.
void create_topic(const std::string& bootstrap, const std::string& topic) {
    char err[512];
    auto* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
    auto* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    auto* admin_q = rd_kafka_queue_new(rk);
    auto* nt = rd_kafka_NewTopic_new(topic.c_str(), topic_partitions, 1, err, sizeof err);
    rd_kafka_CreateTopics(rk, &nt, 1, nullptr, admin_q);
    auto* ev = rd_kafka_queue_poll(admin_q, 30000);
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(admin_q);
    rd_kafka_destroy(rk);
}

/// Synchronous commits of `commit_partitions` offsets for `duration`; commits per second.
double commit_rate(const std::string& bootstrap, const std::string& topic, std::chrono::seconds duration) {
    auto* rk = make_consumer(base_conf(bootstrap, "bench-commit"));
    auto* offsets = rd_kafka_topic_partition_list_new(commit_partitions);
    for (int p = 0; p < commit_partitions; ++p) {
        rd_kafka_topic_partition_list_add(offsets, topic.c_str(), p)->offset = 0;
    }
    // Warm-up: coordinator lookup and the internal topic.
    for (int i = 0; i < 20; ++i) {
        rd_kafka_commit(rk, offsets, 0);
    }
    int64_t n = 0;
    int64_t failed = 0;
    const auto start = clock_type::now();
    while (clock_type::now() - start < duration) {
        for (int p = 0; p < commit_partitions; ++p) {
            offsets->elems[p].offset = n + 1;
        }
        if (rd_kafka_commit(rk, offsets, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            ++failed;
        }
        ++n;
    }
    const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    rd_kafka_topic_partition_list_destroy(offsets);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (failed > 0) {
        std::fprintf(stderr, "%lld commits failed\n", static_cast<long long>(failed));
    }
    return static_cast<double>(n) / secs;
}

struct member {
    rd_kafka_t* rk = nullptr;
    std::atomic<int> generation_seen{0};
    std::atomic<bool> stop{false};
    std::thread poller;
};

void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* m = static_cast<member*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        rd_kafka_assign(rk, parts);
        m->generation_seen++;
    } else {
        rd_kafka_assign(rk, nullptr);
    }
}

std::unique_ptr<member> start_member(const std::string& bootstrap, const std::string& group, const std::string& topic) {
    auto m = std::make_unique<member>();
    auto* conf = base_conf(bootstrap, group);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_conf_set_opaque(conf, m.get());
    m->rk = make_consumer(conf);
    auto* sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(m->rk, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    m->poller = std::thread([p = m.get()] {
        while (!p->stop) {
            if (auto* msg = rd_kafka_consumer_poll(p->rk, 50)) {
                rd_kafka_message_destroy(msg);
            }
        }
    });
    return m;
}

bool wait_all(const std::vector<std::unique_ptr<member>>& ms, int at_least, std::chrono::seconds timeout) {
    const auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
        bool all = true;
        for (const auto& m : ms) {
            all = all && m->generation_seen >= at_least;
        }
        if (all) {
            return true;
        }
        std::this_thread::sleep_for(2ms);
    }
    return false;
}

struct rebalance_figures {
    double initial_ms = -1;
    double join_ms = -1;
};

rebalance_figures rebalance_times(const std::string& bootstrap, const std::string& topic, const std::string& group) {
    rebalance_figures out;
    std::vector<std::unique_ptr<member>> ms;
    auto start = clock_type::now();
    for (int i = 0; i < 10; ++i) {
        ms.push_back(start_member(bootstrap, group, topic));
    }
    if (wait_all(ms, 1, 60s)) {
        out.initial_ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
        std::this_thread::sleep_for(1s);
        start = clock_type::now();
        std::vector<int> before;
        for (auto& m : ms) {
            before.push_back(m->generation_seen);
        }
        ms.push_back(start_member(bootstrap, group, topic));
        bool done = false;
        const auto deadline = clock_type::now() + 60s;
        while (!done && clock_type::now() < deadline) {
            done = ms.back()->generation_seen >= 1;
            for (size_t i = 0; i + 1 < ms.size() && done; ++i) {
                done = ms[i]->generation_seen > before[i];
            }
            std::this_thread::sleep_for(2ms);
        }
        if (done) {
            out.join_ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
        }
    }
    for (auto& m : ms) {
        m->stop = true;
        m->poller.join();
        rd_kafka_consumer_close(m->rk);
        rd_kafka_destroy(m->rk);
    }
    return out;
}

} // namespace

int main() {
    const std::string topic = "bench-groups";
    double brook_commits = 0;
    rebalance_figures brook_rebalance;
    {
        brook::test::temp_dir dir{"brook-group-bench"};
        const uint16_t port = brook::test::free_port();
        auto cfg = dir / "server.properties";
        std::ofstream(cfg) << "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:" << port
                           << "\nlog.dirs=" << (dir / "logs").string()
                           << "\ncoordinator.embedded.port=0\nlog.level=WARN\noffsets.topic.replication.factor=1"
                           << "\ngroup.initial.rebalance.delay.ms=0\n";
        brook::test::child_process proc({brook::test::built_executable("brook-broker").string(), cfg.string()},
                                        dir / "broker.log");
        if (!proc.wait_for_port(port)) {
            return 1;
        }
        const std::string bootstrap = "127.0.0.1:" + std::to_string(port);
        create_topic(bootstrap, topic);
        brook_commits = commit_rate(bootstrap, topic, 5s);
        brook_rebalance = rebalance_times(bootstrap, topic, "bench-rebalance");
        proc.stop();
    }
    double mock_commits = 0;
    rebalance_figures mock_rebalance;
    {
        char err[512];
        auto* conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
        auto* host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        auto* mock = rd_kafka_mock_cluster_new(host, 1);
        rd_kafka_mock_topic_create(mock, topic.c_str(), topic_partitions, 1);
        const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(mock);
        mock_commits = commit_rate(bootstrap, topic, 5s);
        mock_rebalance = rebalance_times(bootstrap, topic, "bench-rebalance");
        rd_kafka_mock_cluster_destroy(mock);
        rd_kafka_destroy(host);
    }
    metric("offset_commit_rate", brook_commits, "commits/s");
    metric("offset_commit_partitions_rate", brook_commits * commit_partitions, "offsets/s");
    metric("mock_offset_commit_rate", mock_commits, "commits/s");
    ratio("offset_commit_rate", mock_commits > 0 ? brook_commits / mock_commits : 0);
    metric("group10_initial_rebalance", brook_rebalance.initial_ms, "ms");
    metric("group10_member_join_rebalance", brook_rebalance.join_ms, "ms");
    metric("mock_group10_initial_rebalance", mock_rebalance.initial_ms, "ms");
    metric("mock_group10_member_join_rebalance", mock_rebalance.join_ms, "ms");
    if (mock_rebalance.join_ms > 0 && brook_rebalance.join_ms > 0) {
        ratio("group10_member_join_rebalance", brook_rebalance.join_ms / mock_rebalance.join_ms);
    }
    return brook_rebalance.join_ms > 0 ? 0 : 1;
}

// Produce and consume throughput and latency of brook-broker with librdkafka, against librdkafka's
// in-memory mock cluster measured in the same run as the ceiling; RSS of an idle broker and of one
// hosting 1,000 partitions.
//
// Output: "metric <name> <value> <unit>" lines and "ratio <name> <value>" lines (brook / mock).
// The broker runs as a child process (brook-broker from the build tree), so that client and broker
// share the machine's cores as they would in production on one host.
//
// Fairness: the same client code and settings run against both; every figure is the median of
// rounds that alternate mock and broker back to back after a warm-up round of each, so that load
// from other processes on a shared machine hits both sides alike. CPU time is reported next to wall
// time (the broker's from /proc, the benchmark process's own from getrusage): the broker's CPU
// seconds per MB do not depend on what else the machine is doing.
//
// Consume: the mock cluster keeps only the last 5 MiB (or 100,000 batches) of each partition and
// answers a fetch with one producer batch per partition. The consume topics therefore hold 4 MiB
// of records in each of 4 partitions, written by the same producer into both, and each round reads
// them all from offset 0 (explicit offsets: no ListOffsets, no group).
//
// BROOK_BENCH_FILTER=<substring> runs only the figures whose name contains it (for profiling).
#include "harness/process.h"
#include "harness/test_dirs.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int rounds = 5;
constexpr int consume_partitions = 4;
constexpr size_t consume_bytes_per_partition = 4 * 1024 * 1024;

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

/// CPU seconds (user + system) of another process, from /proc/<pid>/stat.
double process_cpu_s(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = all.rfind(')');
    if (close == std::string::npos) {
        return 0;
    }
    std::istringstream fields(all.substr(close + 2));
    std::string f;
    long utime = 0;
    long stime = 0;
    // After the command: state is field 3; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14) {
            utime = std::stol(f);
        } else if (i == 15) {
            stime = std::stol(f);
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_s() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return s(ru.ru_utime) + s(ru.ru_stime);
}

/// One measured round: wall seconds, messages, and CPU seconds of the benchmark process and of the
/// broker (0 against the mock, which runs inside the benchmark process).
struct round_figures {
    double secs = 0;
    double msgs = 0;
    double bytes = 0;
    double self_cpu = 0;
    double broker_cpu = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    bool complete = true;
    double msgs_per_s() const { return msgs / secs; }
    double mb_per_s() const { return bytes / secs / 1e6; }
};

double median(std::vector<double> v) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct delivery_state {
    std::atomic<int64_t> delivered{0};
    std::atomic<int64_t> failed{0};
    std::vector<double> latencies_ms; // only touched by the polling thread (dr callbacks run in poll)
    bool record_latency = false;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* st = static_cast<delivery_state*>(opaque);
    if (m->err) {
        st->failed++;
        return;
    }
    st->delivered++;
    if (st->record_latency) {
        auto sent = reinterpret_cast<intptr_t>(m->_private);
        st->latencies_ms.push_back(static_cast<double>(now_ns() - sent) / 1e6);
    }
}

rd_kafka_t* make_producer(const std::string& bootstrap, const std::string& acks, delivery_state& st) {
    char err[512];
    auto* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "acks", acks.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "linger.ms", "5", err, sizeof err);
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", err, sizeof err);
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &st);
    auto* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        std::fprintf(stderr, "producer: %s\n", err);
        std::exit(1);
    }
    return rk;
}

void produce_one(rd_kafka_t* rk, const std::string& topic, int32_t partition, const std::string& value) {
    for (;;) {
        auto e = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<intptr_t>(now_ns()))), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return;
        }
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(e));
            std::exit(1);
        }
        rd_kafka_poll(rk, 1);
    }
}

/// Measures `body` (which returns the messages and bytes it moved) with CPU times around it.
round_figures measured(int broker_pid, const std::function<void(round_figures&)>& body) {
    round_figures r;
    double self0 = self_cpu_s();
    double broker0 = broker_pid > 0 ? process_cpu_s(broker_pid) : 0;
    auto start = clock_type::now();
    body(r);
    r.secs = std::chrono::duration<double>(clock_type::now() - start).count();
    r.self_cpu = self_cpu_s() - self0;
    r.broker_cpu = broker_pid > 0 ? process_cpu_s(broker_pid) - broker0 : 0;
    return r;
}

/// As fast as the client goes: throughput.
round_figures produce_flat_out(const std::string& bootstrap, int broker_pid, const std::string& topic, size_t size,
                               int count, const std::string& acks) {
    delivery_state st;
    auto* rk = make_producer(bootstrap, acks, st);
    std::string value(size, 'x');
    // Warm up the connection and the topic's metadata.
    produce_one(rk, topic, 0, value);
    rd_kafka_flush(rk, 10000);
    st.delivered = 0;
    auto r = measured(broker_pid, [&](round_figures& f) {
        for (int i = 0; i < count; ++i) {
            produce_one(rk, topic, 0, value);
            if ((i & 1023) == 0) {
                rd_kafka_poll(rk, 0);
            }
        }
        rd_kafka_flush(rk, 60000);
        f.msgs = count;
        f.bytes = count * static_cast<double>(size);
    });
    if (st.failed > 0 || st.delivered != count) {
        std::fprintf(stderr, "produce to %s: %lld delivered, %lld failed\n", bootstrap.c_str(),
                     static_cast<long long>(st.delivered), static_cast<long long>(st.failed.load()));
        r.complete = false;
    }
    rd_kafka_destroy(rk);
    return r;
}

/// Paced at `rate` msgs/s for `duration`: delivery latency p50/p99.
round_figures produce_paced(const std::string& bootstrap, const std::string& topic, size_t size, int rate,
                            std::chrono::milliseconds duration, const std::string& acks) {
    delivery_state st;
    st.record_latency = true;
    auto* rk = make_producer(bootstrap, acks, st);
    std::string value(size, 'y');
    produce_one(rk, topic, 0, value);
    rd_kafka_flush(rk, 10000);
    st.latencies_ms.clear();
    auto start = clock_type::now();
    int64_t sent = 0;
    while (clock_type::now() - start < duration) {
        auto due = static_cast<int64_t>(std::chrono::duration<double>(clock_type::now() - start).count() * rate);
        while (sent < due) {
            produce_one(rk, topic, 0, value);
            ++sent;
        }
        rd_kafka_poll(rk, 1);
    }
    rd_kafka_flush(rk, 30000);
    rd_kafka_destroy(rk);
    round_figures r;
    auto& l = st.latencies_ms;
    if (!l.empty()) {
        std::sort(l.begin(), l.end());
        r.p50_ms = l[l.size() / 2];
        r.p99_ms = l[std::min(l.size() - 1, l.size() * 99 / 100)];
    }
    return r;
}

/// Fills each partition of `topic` with `per_partition` records of `size` bytes.
void fill_partitions(const std::string& bootstrap, const std::string& topic, size_t size, int per_partition) {
    delivery_state st;
    auto* rk = make_producer(bootstrap, "1", st);
    std::string value(size, 'z');
    for (int i = 0; i < per_partition; ++i) {
        for (int32_t p = 0; p < consume_partitions; ++p) {
            produce_one(rk, topic, p, value);
        }
        if ((i & 1023) == 0) {
            rd_kafka_poll(rk, 0);
        }
    }
    rd_kafka_flush(rk, 60000);
    if (st.delivered != static_cast<int64_t>(per_partition) * consume_partitions) {
        std::fprintf(stderr, "fill %s on %s: %lld delivered\n", topic.c_str(), bootstrap.c_str(),
                     static_cast<long long>(st.delivered));
        std::exit(1);
    }
    rd_kafka_destroy(rk);
}

/// A consumer kept across rounds (connections and metadata warm), assigned explicitly.
class bench_consumer {
public:
    explicit bench_consumer(const std::string& bootstrap) {
        char err[512];
        auto* conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
        rd_kafka_conf_set(conf, "group.id", "bench", err, sizeof err);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
        rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
        _rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        if (!_rk) {
            std::fprintf(stderr, "consumer: %s\n", err);
            std::exit(1);
        }
        rd_kafka_poll_set_consumer(_rk);
    }
    ~bench_consumer() {
        rd_kafka_consumer_close(_rk);
        rd_kafka_destroy(_rk);
    }
    bench_consumer(const bench_consumer&) = delete;
    bench_consumer& operator=(const bench_consumer&) = delete;

    /// Reads every partition of `topic` from offset 0 until `total` records arrived.
    round_figures read_all(int broker_pid, const std::string& topic, size_t size, int total) {
        return measured(broker_pid, [&](round_figures& f) {
            auto* parts = rd_kafka_topic_partition_list_new(consume_partitions);
            for (int32_t p = 0; p < consume_partitions; ++p) {
                rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = 0;
            }
            rd_kafka_assign(_rk, parts);
            rd_kafka_topic_partition_list_destroy(parts);
            int got = 0;
            auto give_up = clock_type::now() + 60s;
            while (got < total && clock_type::now() < give_up) {
                auto* m = rd_kafka_consumer_poll(_rk, 100);
                if (!m) {
                    continue;
                }
                if (!m->err) {
                    ++got;
                }
                rd_kafka_message_destroy(m);
            }
            rd_kafka_assign(_rk, nullptr);
            f.msgs = got;
            f.bytes = got * static_cast<double>(size);
            f.complete = got >= total;
            if (!f.complete) {
                std::fprintf(stderr, "consume %s: only %d of %d\n", topic.c_str(), got, total);
            }
        });
    }

private:
    rd_kafka_t* _rk = nullptr;
};

long rss_kib(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

struct brook_process {
    brook::test::temp_dir dir{"brook-bench"};
    uint16_t port = brook::test::free_port();
    brook::test::child_process proc;

    explicit brook_process(const std::vector<std::string>& overrides) {
        auto cfg = dir / "server.properties";
        std::ofstream(cfg) << "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:" << port
                           << "\nlog.dirs=" << (dir / "logs").string()
                           << "\ncoordinator.embedded.port=0\nnum.network.threads=2\nlog.level=WARN\n";
        std::vector<std::string> argv{brook::test::built_executable("brook-broker").string(), cfg.string()};
        for (const auto& o : overrides) {
            argv.push_back("--override");
            argv.push_back(o);
        }
        proc = brook::test::child_process(argv, dir / "broker.log");
        if (!proc.wait_for_port(port)) {
            std::exit(1);
        }
    }
    std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port); }
};

void metric(const std::string& name, double value, const char* unit) {
    std::printf("metric %s %.3f %s\n", name.c_str(), value, unit);
}

void ratio(const std::string& name, double value) {
    std::printf("ratio %s %.3f\n", name.c_str(), value);
}

/// Creates a topic by asking for its metadata (auto-create), waiting until it has a leader.
void ensure_topic(const std::string& bootstrap, const std::string& topic) {
    delivery_state st;
    auto* rk = make_producer(bootstrap, "1", st);
    auto* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    for (int i = 0; i < 50; ++i) {
        if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            bool ready = md->topic_cnt == 1 && md->topics[0].err == 0 && md->topics[0].partition_cnt > 0;
            rd_kafka_metadata_destroy(md);
            if (ready) {
                break;
            }
        }
        std::this_thread::sleep_for(100ms);
    }
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
}

/// Runs a warm-up round of each side, then `rounds` alternating pairs; returns {mock, brook} rounds.
std::pair<std::vector<round_figures>, std::vector<round_figures>>
alternate(const std::function<round_figures(bool brook, bool warmup)>& run) {
    run(false, true);
    run(true, true);
    std::vector<round_figures> m;
    std::vector<round_figures> b;
    for (int i = 0; i < rounds; ++i) {
        m.push_back(run(false, false));
        b.push_back(run(true, false));
    }
    return {m, b};
}

double median_of(const std::vector<round_figures>& rs, double (*f)(const round_figures&)) {
    std::vector<double> v;
    for (const auto& r : rs) {
        v.push_back(f(r));
    }
    return median(v);
}

/// Throughput lines of one figure: medians of msgs/s, MB/s and CPU milliseconds per MB.
void report_throughput(const std::string& what, const std::vector<round_figures>& m,
                       const std::vector<round_figures>& b) {
    double mock_msgs = median_of(m, [](const round_figures& r) { return r.msgs_per_s(); });
    double brook_msgs = median_of(b, [](const round_figures& r) { return r.msgs_per_s(); });
    metric("mock_" + what + "_msgs", mock_msgs, "msg/s");
    metric("brook_" + what + "_msgs", brook_msgs, "msg/s");
    metric("mock_" + what + "_mb", median_of(m, [](const round_figures& r) { return r.mb_per_s(); }), "MB/s");
    metric("brook_" + what + "_mb", median_of(b, [](const round_figures& r) { return r.mb_per_s(); }), "MB/s");
    // The mock runs inside this process: its CPU is this process's minus the client's.
    metric("mock_" + what + "_process_cpu_per_mb",
           median_of(m, [](const round_figures& r) { return r.self_cpu * 1e3 / (r.bytes / 1e6); }), "ms/MB");
    metric("brook_" + what + "_client_cpu_per_mb",
           median_of(b, [](const round_figures& r) { return r.self_cpu * 1e3 / (r.bytes / 1e6); }), "ms/MB");
    metric("brook_" + what + "_broker_cpu_per_mb",
           median_of(b, [](const round_figures& r) { return r.broker_cpu * 1e3 / (r.bytes / 1e6); }), "ms/MB");
    bool complete = std::all_of(m.begin(), m.end(), [](const round_figures& r) { return r.complete; }) &&
                    std::all_of(b.begin(), b.end(), [](const round_figures& r) { return r.complete; });
    if (complete) {
        ratio(what + "_vs_mock", brook_msgs / mock_msgs);
    } else {
        std::printf("note %s_vs_mock not measured: a round did not deliver every message\n", what.c_str());
    }
    std::fflush(stdout);
}

bool selected(const std::string& name) {
    const char* filter = std::getenv("BROOK_BENCH_FILTER");
    return !filter || name.find(filter) != std::string::npos;
}

} // namespace

int main() {
    // The ceiling: librdkafka's in-memory mock cluster.
    char err[512];
    auto* mock_conf = rd_kafka_conf_new();
    rd_kafka_conf_set(mock_conf, "log_level", "3", err, sizeof err);
    auto* mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, mock_conf, err, sizeof err);
    auto* mock = rd_kafka_mock_cluster_new(mock_rk, 1);
    std::string mock_bootstrap = rd_kafka_mock_cluster_bootstraps(mock);

    // Auto-created topics get the consume topics' partition count; produce uses partition 0 only.
    brook_process brook({"num.partitions=" + std::to_string(consume_partitions)});
    const int pid = brook.proc.pid();

    struct shape {
        size_t size;
        int count;
        int rate;
    };
    for (auto s : {shape{100, 300000, 50000}, shape{1024, 60000, 20000}}) {
        const auto size_tag = std::to_string(s.size) + "B";
        for (std::string acks : {"1", "all"}) {
            auto tag = size_tag + "_acks" + acks;
            auto topic = "bench-" + tag;
            if (!selected("produce_" + tag)) {
                continue;
            }
            rd_kafka_mock_topic_create(mock, topic.c_str(), 1, 1);
            ensure_topic(brook.bootstrap(), topic);

            auto [m, b] = alternate([&](bool on_brook, bool warmup) {
                int n = warmup ? s.count / 4 : s.count;
                return on_brook ? produce_flat_out(brook.bootstrap(), pid, topic, s.size, n, acks)
                                : produce_flat_out(mock_bootstrap, 0, topic, s.size, n, acks);
            });
            report_throughput("produce_" + tag, m, b);

            std::vector<double> p50[2];
            std::vector<double> p99[2];
            for (int i = 0; i < 3; ++i) {
                for (int side = 0; side < 2; ++side) {
                    auto r =
                        produce_paced(side ? brook.bootstrap() : mock_bootstrap, topic, s.size, s.rate, 1000ms, acks);
                    p50[side].push_back(r.p50_ms);
                    p99[side].push_back(r.p99_ms);
                }
            }
            metric("mock_produce_" + tag + "_p50", median(p50[0]), "ms");
            metric("mock_produce_" + tag + "_p99", median(p99[0]), "ms");
            metric("brook_produce_" + tag + "_p50", median(p50[1]), "ms");
            metric("brook_produce_" + tag + "_p99", median(p99[1]), "ms");
            std::fflush(stdout);
        }

        if (!selected("consume_" + size_tag)) {
            continue;
        }
        auto topic = "consume-" + size_tag;
        rd_kafka_mock_topic_create(mock, topic.c_str(), consume_partitions, 1);
        ensure_topic(brook.bootstrap(), topic);
        const int per_partition = static_cast<int>(consume_bytes_per_partition / s.size);
        fill_partitions(mock_bootstrap, topic, s.size, per_partition);
        fill_partitions(brook.bootstrap(), topic, s.size, per_partition);
        bench_consumer mock_consumer(mock_bootstrap);
        bench_consumer brook_consumer(brook.bootstrap());
        const int total = per_partition * consume_partitions;
        auto [m, b] = alternate([&](bool on_brook, bool) {
            return on_brook ? brook_consumer.read_all(pid, topic, s.size, total)
                            : mock_consumer.read_all(0, topic, s.size, total);
        });
        report_throughput("consume_" + size_tag, m, b);
    }
    rd_kafka_mock_cluster_destroy(mock);
    rd_kafka_destroy(mock_rk);

    if (!selected("rss")) {
        return 0;
    }
    // Memory: a fresh broker idle, then with one topic of 1,000 partitions.
    brook_process idle({"num.partitions=1000"});
    std::this_thread::sleep_for(500ms);
    metric("brook_rss_idle", static_cast<double>(rss_kib(idle.proc.pid())) / 1024.0, "MiB");
    ensure_topic(idle.bootstrap(), "wide");
    std::this_thread::sleep_for(500ms);
    metric("brook_rss_1000_partitions", static_cast<double>(rss_kib(idle.proc.pid())) / 1024.0, "MiB");
    return 0;
}

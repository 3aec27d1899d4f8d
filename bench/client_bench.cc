// `brook perf produce`'s loop (the brook client library) against librdkafka's producer, both
// against the same brook-broker in the same run: same record count and size, acks, linger.ms and
// batch size, alternating runs so drift on a shared machine hits both alike.
//
// Output: "metric <name> <value> <unit>" lines and "ratio <name> <value>" (brook / librdkafka;
// above 1 means the brook client is faster).
// Environment: BROOK_BENCH_RECORDS (default 1000000), BROOK_BENCH_RECORD_SIZE (default 100).
#include "brook/client/kafka/admin.h"
#include "brook/client/kafka/client.h"
#include "brook/client/kafka/producer.h"
#include "harness/process.h"
#include "harness/test_dirs.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
namespace ck = brook::client::kafka;

struct settings {
    long records = 1000000;
    size_t size = 100;
    std::string acks = "1";
    int linger_ms = 5;
    size_t batch_size = 64 * 1024;
};

long env_or(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::atol(v) : fallback;
}

struct rd_state {
    std::atomic<long> ok{0};
    std::atomic<long> failed{0};
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* st = static_cast<rd_state*>(opaque);
    (m->err != 0 ? st->failed : st->ok).fetch_add(1, std::memory_order_relaxed);
}

// records/s of librdkafka's producer, or -1 on failure.
double run_librdkafka(const std::string& bootstrap, const std::string& topic, const settings& s) {
    char err[512];
    rd_state st;
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::string linger = std::to_string(s.linger_ms);
    const std::string batch = std::to_string(s.batch_size);
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "acks", s.acks.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "linger.ms", linger.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "batch.size", batch.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", err, sizeof err);
    rd_kafka_conf_set(conf, "queue.buffering.max.kbytes", "65536", err, sizeof err);
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &st);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (rk == nullptr) {
        std::fprintf(stderr, "librdkafka: %s\n", err);
        return -1;
    }
    std::string payload(s.size, 'x');
    const auto start = clock_type::now();
    for (long i = 0; i < s.records; ++i) {
        while (true) {
            const auto e =
                rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(payload.data(), payload.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(rk, 10);
                continue;
            }
            if (e != 0) {
                std::fprintf(stderr, "librdkafka produce: %s\n", rd_kafka_err2str(e));
                rd_kafka_destroy(rk);
                return -1;
            }
            break;
        }
        if ((i & 1023) == 0) {
            rd_kafka_poll(rk, 0);
        }
    }
    rd_kafka_flush(rk, 120000);
    const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    rd_kafka_destroy(rk);
    if (st.ok.load() != s.records) {
        std::fprintf(stderr, "librdkafka: %ld of %ld delivered\n", st.ok.load(), s.records);
        return -1;
    }
    return static_cast<double>(s.records) / secs;
}

// records/s of the brook producer with the loop `brook perf produce` runs, or -1 on failure.
double run_brook(const std::string& bootstrap, const std::string& topic, const settings& s) {
    ck::client_config cc;
    auto servers = ck::parse_bootstrap_servers(bootstrap);
    cc.bootstrap_servers = servers.value();
    ck::client c(cc);
    if (!c.connect()) {
        return -1;
    }
    ck::producer_config pc;
    pc.acks = s.acks == "all" || s.acks == "-1" ? -1 : static_cast<int16_t>(std::stoi(s.acks));
    pc.linger = std::chrono::milliseconds(s.linger_ms);
    pc.batch_size = s.batch_size;
    std::atomic<long> ok{0};
    std::string payload(s.size, 'x');
    const auto start = clock_type::now();
    {
        ck::producer p(c, pc);
        for (long i = 0; i < s.records; ++i) {
            ck::record_ref rec;
            rec.value = brook::as_bytes(payload);
            const auto sent = clock_type::now();
            auto r = p.produce(topic, rec, [&ok, sent](std::error_code ec, const ck::delivery_report&) {
                // The same per-record work as perf produce: a latency sample.
                (void)sent;
                if (!ec) {
                    ok.fetch_add(1, std::memory_order_relaxed);
                }
            });
            if (!r) {
                std::fprintf(stderr, "brook produce: %s\n", r.error().message().c_str());
                return -1;
            }
        }
        if (!p.flush(std::chrono::seconds(120))) {
            return -1;
        }
    }
    const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    if (ok.load() != s.records) {
        std::fprintf(stderr, "brook: %ld of %ld delivered\n", ok.load(), s.records);
        return -1;
    }
    return static_cast<double>(s.records) / secs;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main() {
    settings s;
    s.records = env_or("BROOK_BENCH_RECORDS", 1000000);
    s.size = static_cast<size_t>(env_or("BROOK_BENCH_RECORD_SIZE", 100));
    brook::test::temp_dir dir("brook-client-bench");
    const uint16_t port = brook::test::free_port();
    const auto cfg = dir / "server.properties";
    std::ofstream(cfg) << "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:" << port
                       << "\nlog.dirs=" << (dir / "logs").string()
                       << "\ncoordinator.embedded.port=0\nnum.partitions=1\nlog.level=WARN\n";
    brook::test::child_process broker({brook::test::built_executable("brook-broker").string(), cfg.string()},
                                      dir / "broker.log");
    if (!broker.wait_for_port(port)) {
        return 1;
    }
    const std::string bootstrap = "127.0.0.1:" + std::to_string(port);
    for (const std::string acks : {"1", "all"}) {
        s.acks = acks;
        std::vector<double> rd;
        std::vector<double> mine;
        for (int round = 0; round < 3; ++round) {
            const std::string suffix = "-" + acks + "-" + std::to_string(round);
            const double a = run_librdkafka(bootstrap, "rdkafka" + suffix, s);
            const double b = run_brook(bootstrap, "brook" + suffix, s);
            if (a <= 0 || b <= 0) {
                std::fprintf(stderr, "round failed\n%s\n", broker.log_contents().c_str());
                return 1;
            }
            rd.push_back(a);
            mine.push_back(b);
        }
        const double rd_rate = median(rd);
        const double brook_rate = median(mine);
        const double mb = static_cast<double>(s.size) / (1024.0 * 1024.0);
        std::printf("metric produce_acks%s_librdkafka %.0f records/s\n", acks.c_str(), rd_rate);
        std::printf("metric produce_acks%s_brook %.0f records/s\n", acks.c_str(), brook_rate);
        std::printf("metric produce_acks%s_librdkafka_mb %.1f MB/s\n", acks.c_str(), rd_rate * mb);
        std::printf("metric produce_acks%s_brook_mb %.1f MB/s\n", acks.c_str(), brook_rate * mb);
        std::printf("ratio produce_acks%s_brook_vs_librdkafka %.3f\n", acks.c_str(), brook_rate / rd_rate);
        std::fflush(stdout);
    }
    return 0;
}

// brook perf produce|consume: load tests with a progress line and a final summary, like
// kafka-producer-perf-test and kafka-consumer-perf-test.
#include "brook/client/kafka/consumer.h"
#include "brook/client/kafka/errc.h"
#include "brook/client/kafka/producer.h"
#include "common.h"
#include "histogram.h"
#include "output.h"
#include "producer_options.h"

#include <atomic>
#include <cstdio>
#include <iostream>
#include <random>
#include <thread>

namespace brook::cli {

namespace ck = client::kafka;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr const char* usage = R"(usage: brook perf produce --topic T --num-records N --record-size S [options]
       brook perf consume --topic T --messages N [options]

produce: --throughput R (records/s, -1 = unlimited) --key-count K (keys "0".."K-1", 0 = no key)
         --acks --compression-type --linger-ms --batch-size --retries --max-in-flight
consume: --timeout-ms N (give up after N ms without records, default 10000) --group G
Both print a progress line every --reporting-interval ms (default 1000) to stderr and a summary
(--json: one JSON object) to stdout.
)";

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

// Counters the delivery callbacks (network thread) update and the progress line reads.
struct produce_window {
    std::atomic<uint64_t> acked{0};
    std::atomic<uint64_t> failed{0};
    std::atomic<uint64_t> window_count{0};
    std::atomic<uint64_t> window_sum_us{0};
    std::atomic<uint64_t> window_max_us{0};
};

void print_summary(bool json, std::string_view kind, uint64_t records, uint64_t bytes_total, double secs,
                   const latency_histogram& h, uint64_t failed) {
    const double rps = secs > 0 ? static_cast<double>(records) / secs : 0.0;
    const double mbps = secs > 0 ? static_cast<double>(bytes_total) / secs / (1024.0 * 1024.0) : 0.0;
    auto ms = [](uint64_t us) { return static_cast<double>(us) / 1000.0; };
    if (json) {
        json_writer j;
        j.begin_object().key("kind").value(kind).key("records").value(records).key("failed").value(failed);
        j.key("bytes").value(bytes_total).key("seconds").value(secs).key("records_per_sec").value(rps);
        j.key("mb_per_sec").value(mbps).key("latency_ms").begin_object();
        j.key("avg").value(h.mean() / 1000.0).key("p50").value(ms(h.percentile(0.50)));
        j.key("p95").value(ms(h.percentile(0.95))).key("p99").value(ms(h.percentile(0.99)));
        j.key("p999").value(ms(h.percentile(0.999))).key("max").value(ms(h.max())).end_object().end_object();
        std::cout << j.str() << "\n";
        return;
    }
    std::printf("%llu records %s, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, "
                "%.2f ms 50th, %.2f ms 95th, %.2f ms 99th, %.2f ms 99.9th.\n",
                static_cast<unsigned long long>(records), kind == "produce" ? "sent" : "consumed", rps, mbps,
                h.mean() / 1000.0, ms(h.max()), ms(h.percentile(0.50)), ms(h.percentile(0.95)), ms(h.percentile(0.99)),
                ms(h.percentile(0.999)));
    if (failed != 0) {
        std::printf("%llu records failed.\n", static_cast<unsigned long long>(failed));
    }
}

int perf_produce(command_context& ctx) {
    const auto& a = ctx.args;
    std::string err;
    auto topic = a.get("topic");
    auto num = a.get_int("num-records", err);
    auto size = a.get_int("record-size", err);
    auto throughput = a.get_int("throughput", err);
    auto key_count = a.get_int("key-count", err);
    auto interval = a.get_int("reporting-interval", err);
    if (!err.empty()) {
        return bad_usage(err);
    }
    if (!topic || !num || !size || *num <= 0 || *size < 0) {
        return bad_usage("perf produce needs --topic, --num-records > 0 and --record-size >= 0");
    }
    ck::producer_config pcfg;
    pcfg.acks = 1;
    if (auto e = producer_settings(a, pcfg); !e.empty()) {
        return bad_usage(e);
    }
    int rc = connect(ctx);
    if (rc != 0) {
        return rc;
    }
    if (auto t = ctx.client->topic(*topic, true); !t) {
        return fail("topic " + *topic, t.error());
    }
    // Random printable payload, as kafka-producer-perf-test uses.
    std::string payload(static_cast<size_t>(*size), 'x');
    std::mt19937 rng(42);
    for (auto& c : payload) {
        c = static_cast<char>('A' + rng() % 26);
    }
    std::vector<std::string> keys;
    for (int64_t k = 0; key_count && k < *key_count; ++k) {
        keys.push_back(std::to_string(k));
    }
    latency_histogram hist;
    produce_window win;
    std::error_code first_error;
    const auto report_every = std::chrono::milliseconds(interval.value_or(1000));
    const auto start = clock_type::now();
    {
        ck::producer prod(*ctx.client, pcfg);
        auto last_report = start;
        uint64_t last_acked = 0;
        for (int64_t i = 0; i < *num; ++i) {
            if (throughput && *throughput > 0) {
                const auto due = start + std::chrono::microseconds(i * 1000000 / *throughput);
                if (due > clock_type::now()) {
                    std::this_thread::sleep_until(due);
                }
            }
            ck::record_ref rec;
            rec.value = as_bytes(payload);
            if (!keys.empty()) {
                rec.key = as_bytes(keys[static_cast<size_t>(i) % keys.size()]);
            }
            const auto sent = clock_type::now();
            auto r = prod.produce(*topic, rec, [&, sent](std::error_code ec, const ck::delivery_report&) {
                if (ec) {
                    if (!first_error) {
                        first_error = ec;
                    }
                    win.failed.fetch_add(1, std::memory_order_relaxed);
                    return;
                }
                const auto us = static_cast<uint64_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - sent).count());
                hist.record(us);
                win.acked.fetch_add(1, std::memory_order_relaxed);
                win.window_count.fetch_add(1, std::memory_order_relaxed);
                win.window_sum_us.fetch_add(us, std::memory_order_relaxed);
                if (us > win.window_max_us.load(std::memory_order_relaxed)) {
                    win.window_max_us.store(us, std::memory_order_relaxed);
                }
            });
            if (!r) {
                return fail("produce", r.error());
            }
            if ((i & 1023) == 0 && clock_type::now() - last_report >= report_every) {
                const double secs = seconds_since(last_report);
                const uint64_t acked = win.acked.load();
                const uint64_t n = win.window_count.exchange(0);
                const uint64_t sum = win.window_sum_us.exchange(0);
                const uint64_t mx = win.window_max_us.exchange(0);
                const double rps = static_cast<double>(acked - last_acked) / secs;
                std::fprintf(stderr,
                             "%llu records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max "
                             "latency.\n",
                             static_cast<unsigned long long>(acked - last_acked), rps,
                             rps * static_cast<double>(*size) / (1024.0 * 1024.0),
                             n == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(n) / 1000.0,
                             static_cast<double>(mx) / 1000.0);
                last_acked = acked;
                last_report = clock_type::now();
            }
        }
        if (auto f = prod.flush(pcfg.delivery_timeout); !f) {
            return fail("flush", f.error());
        }
    }
    const double secs = seconds_since(start);
    const uint64_t acked = win.acked.load();
    print_summary(ctx.json, "produce", acked, acked * static_cast<uint64_t>(*size), secs, hist, win.failed.load());
    if (win.failed.load() != 0) {
        std::cerr << "brook: records failed: " << first_error.message() << "\n";
        return exit_code::cluster_error;
    }
    return exit_code::ok;
}

int perf_consume(command_context& ctx) {
    const auto& a = ctx.args;
    std::string err;
    auto topic = a.get("topic");
    auto messages = a.get_int("messages", err);
    auto timeout = a.get_int("timeout-ms", err);
    auto interval = a.get_int("reporting-interval", err);
    if (!err.empty()) {
        return bad_usage(err);
    }
    if (!topic || !messages || *messages <= 0) {
        return bad_usage("perf consume needs --topic and --messages > 0");
    }
    int rc = connect(ctx);
    if (rc != 0) {
        return rc;
    }
    auto tm = ctx.client->topic(*topic);
    if (!tm) {
        return fail("topic " + *topic, tm.error());
    }
    ck::consumer_config ccfg;
    ccfg.auto_offset_reset = "earliest";
    if (auto g = a.get("group")) {
        ccfg.group_id = *g;
    }
    ck::consumer cons(*ctx.client, ccfg);
    std::vector<ck::topic_partition> tps;
    for (const auto& p : tm.value().partitions) {
        tps.push_back({*topic, p.partition});
    }
    auto assigned = ccfg.group_id.empty() ? cons.assign(tps, ck::offsets::beginning) : cons.subscribe({*topic});
    if (!assigned) {
        return fail("assign", assigned.error());
    }
    latency_histogram hist;
    uint64_t count = 0;
    uint64_t bytes_total = 0;
    const auto idle_limit = std::chrono::milliseconds(timeout.value_or(10000));
    const auto report_every = std::chrono::milliseconds(interval.value_or(1000));
    const auto start = clock_type::now();
    auto last_record = start;
    auto last_report = start;
    uint64_t last_count = 0;
    while (static_cast<int64_t>(count) < *messages) {
        const auto t0 = clock_type::now();
        auto recs = cons.poll(std::chrono::milliseconds(500));
        if (!recs) {
            return fail("fetch", recs.error());
        }
        if (!recs.value().empty()) {
            hist.record(static_cast<uint64_t>(
                std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t0).count()));
            last_record = clock_type::now();
        }
        for (const auto& r : recs.value()) {
            ++count;
            bytes_total += (r.value ? r.value->size() : 0) + (r.key ? r.key->size() : 0);
        }
        if (clock_type::now() - last_record > idle_limit) {
            std::cerr << "brook: no record for " << idle_limit.count() << " ms, stopping at " << count << "\n";
            break;
        }
        if (clock_type::now() - last_report >= report_every) {
            const double secs = seconds_since(last_report);
            std::fprintf(stderr, "%llu records consumed, %.1f records/sec.\n",
                         static_cast<unsigned long long>(count - last_count),
                         static_cast<double>(count - last_count) / secs);
            last_count = count;
            last_report = clock_type::now();
        }
    }
    print_summary(ctx.json, "consume", count, bytes_total, seconds_since(start), hist, 0);
    return static_cast<int64_t>(count) >= *messages ? exit_code::ok : exit_code::cluster_error;
}

} // namespace

int run_perf(int argc, char** argv) {
    if (argc < 3 || (std::string_view(argv[2]) != "produce" && std::string_view(argv[2]) != "consume")) {
        if (argc >= 3 && std::string_view(argv[2]) == "--help") {
            std::cout << usage;
            return exit_code::ok;
        }
        std::cerr << usage;
        return exit_code::bad_arguments;
    }
    const bool produce = std::string_view(argv[2]) == "produce";
    command_context ctx;
    bool stop = false;
    option_spec spec{{"topic", "num-records", "record-size", "throughput", "key-count", "messages", "timeout-ms",
                      "group", "reporting-interval"},
                     {}};
    spec.with_value.insert(spec.with_value.end(), producer_option_names.begin(), producer_option_names.end());
    // argv[2] is the mode: parse from argv[3].
    int rc = prepare(argc - 1, argv + 1, spec, usage, ctx, stop);
    if (stop) {
        return rc;
    }
    return produce ? perf_produce(ctx) : perf_consume(ctx);
}

} // namespace brook::cli

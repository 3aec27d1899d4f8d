// Protocol hot paths: CRC-32C (hardware vs the portable baseline), validation of a 1 MiB
// uncompressed RecordBatch of 100-byte records (header + CRC + record framing), and decompression
// throughput per codec. After the Google Benchmark table it prints "metric value unit" lines and
// "ratio name value" lines for scripts/bench.
#include "brook/common/crc32c.h"
#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>

namespace {

namespace kafka = brook::protocol::kafka;

constexpr size_t mib = 1024 * 1024;

brook::bytes random_buffer(size_t n) {
    std::mt19937_64 rng(7);
    brook::bytes b(n);
    for (auto& x : b) {
        x = static_cast<uint8_t>(rng());
    }
    return b;
}

// Text-like values (JSON-ish with varying numbers) so codecs see realistic redundancy.
std::string value_for(size_t i, size_t len) {
    char buf[160];
    const int n = std::snprintf(buf, sizeof buf, R"({"user":%zu,"event":"page_view","path":"/items/%zu","ts":%zu})",
                                i * 7919 % 100000, i % 977, 1700000000000 + i);
    std::string v(buf, static_cast<size_t>(n));
    v.resize(len, ' ');
    return v;
}

// A batch of 100-byte records (length varint + fields + 82-byte value) filling about 1 MiB.
brook::bytes make_batch(kafka::compression_type codec) {
    kafka::record_batch_builder b;
    b.compression(codec);
    size_t i = 0;
    while (b.payload_size() < mib - 200) {
        char key_buf[16];
        const int kn = std::snprintf(key_buf, sizeof key_buf, "k%zu", i % 100000);
        const std::string key(key_buf, static_cast<size_t>(kn));
        b.append(1700000000000 + static_cast<int64_t>(i), key, value_for(i, 100 - 10 - key.size()));
        ++i;
    }
    return b.build().value();
}

void bm_crc32c(benchmark::State& state) {
    const auto buf = random_buffer(mib);
    for (auto _ : state) {
        benchmark::DoNotOptimize(brook::crc32c(buf));
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(buf.size()));
}
BENCHMARK(bm_crc32c)->Name("crc32c");

void bm_crc32c_portable(benchmark::State& state) {
    const auto buf = random_buffer(mib);
    for (auto _ : state) {
        benchmark::DoNotOptimize(brook::crc32c_portable(buf));
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(buf.size()));
}
BENCHMARK(bm_crc32c_portable)->Name("crc32c_portable");

void bm_validate(benchmark::State& state) {
    const auto batch = make_batch(kafka::compression_type::none);
    for (auto _ : state) {
        auto h = kafka::validate_record_batch(batch);
        if (!h) {
            state.SkipWithError("validation failed");
            break;
        }
        benchmark::DoNotOptimize(h.value().records_count);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(batch.size()));
    state.counters["records"] = static_cast<double>(kafka::parse_record_batch_header(batch).value().records_count);
}
BENCHMARK(bm_validate)->Name("record_batch_validate_1mib");

// Decoding every record into views (what compaction and down-conversion do), for comparison.
void bm_iterate(benchmark::State& state) {
    const auto batch = make_batch(kafka::compression_type::none);
    const auto header = kafka::parse_record_batch_header(batch).value();
    const brook::bytes_view payload = brook::bytes_view(batch).subspan(61);
    for (auto _ : state) {
        kafka::record_reader reader(payload, header.records_count);
        size_t value_bytes = 0;
        while (!reader.done()) {
            auto r = reader.next();
            if (!r) {
                state.SkipWithError("iteration failed");
                return;
            }
            value_bytes += r.value().value ? r.value().value->size() : 0;
        }
        benchmark::DoNotOptimize(value_bytes);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(payload.size()));
}
BENCHMARK(bm_iterate)->Name("record_iterate_1mib");

void bm_decompress(benchmark::State& state) {
    const auto codec = static_cast<kafka::compression_type>(state.range(0));
    const auto batch = make_batch(kafka::compression_type::none);
    const brook::bytes_view payload = brook::bytes_view(batch).subspan(61);
    const auto z = kafka::compress(codec, payload).value();
    for (auto _ : state) {
        auto out = kafka::decompress(codec, z, 4 * mib);
        if (!out) {
            state.SkipWithError("decompression failed");
            break;
        }
        benchmark::DoNotOptimize(out.value().data());
    }
    // Throughput in decompressed bytes, the figure that bounds a broker validating compressed input.
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(payload.size()));
    state.counters["ratio"] = static_cast<double>(payload.size()) / static_cast<double>(z.size());
    state.SetLabel(kafka::compression_name(codec));
}
BENCHMARK(bm_decompress)->Name("decompress")->DenseRange(1, 4);

// Collects bytes_per_second per benchmark for the summary lines.
class summary_reporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& r : runs) {
            if (r.error_occurred) {
                continue;
            }
            auto it = r.counters.find("bytes_per_second");
            if (it != r.counters.end()) {
                std::string name = r.benchmark_name();
                if (!r.report_label.empty()) {
                    name = "decompress_" + r.report_label;
                }
                gbps[name] = it->second.value / 1e9;
            }
        }
    }
    std::map<std::string, double> gbps;
};

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    summary_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    for (const auto& [name, v] : reporter.gbps) {
        std::printf("%s %.3f GB/s\n", name.c_str(), v);
    }
    const auto hw = reporter.gbps.find("crc32c");
    const auto sw = reporter.gbps.find("crc32c_portable");
    if (hw != reporter.gbps.end() && sw != reporter.gbps.end() && sw->second > 0) {
        std::printf("ratio crc32c_vs_portable %.2f\n", hw->second / sw->second);
    }
    std::printf("crc32c_hardware %d bool\n", brook::crc32c_is_hardware_accelerated() ? 1 : 0);
    return 0;
}

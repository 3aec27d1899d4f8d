// Storage engine figures, all measured in one run on the same disk (the temp dir, $TMPDIR or /tmp):
// - append throughput of 1 MiB batches through partition_log (leader append: CRC + record framing
//   checks, offset assignment, page-cache write, index upkeep) vs a plain sequential write() of the
//   same bytes to a fresh file on the same disk; many short interleaved rounds (the order rotates
//   each round), the median round of each side, then the ratio — in wall-clock time and in the
//   thread's CPU time (the latter is steadier on a shared machine; the former is the target);
// - read throughput (file regions, as for sendfile, read with pread; and copy-into-buffer reads);
// - recovery time per GiB scanned (unclean load: size, magic and CRC of every batch);
// - RSS and file descriptors used by 10,000 open partitions, and their clean reopen time.
// Prints "metric value unit" and "ratio name value" lines.
#include "brook/log/log_manager.h"
#include "brook/log/partition_log.h"
#include "brook/protocol/kafka/record_batch_builder.h"
#include "harness/test_dirs.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace bl = brook::log;
namespace kafka = brook::protocol::kafka;
using clk = std::chrono::steady_clock;

constexpr size_t mib = 1024 * 1024;

double seconds_since(clk::time_point t) {
    return std::chrono::duration<double>(clk::now() - t).count();
}

double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Wall-clock and CPU seconds of one round.
struct timing {
    double wall = 0;
    double cpu = 0;
};

// Every round of one side; medians are the figures reported (best rounds are printed too).
struct rounds {
    std::vector<timing> all;
    double median(double timing::*field) const {
        std::vector<double> v;
        for (const auto& t : all) {
            v.push_back(t.*field);
        }
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    }
    double best(double timing::*field) const {
        double b = 1e9;
        for (const auto& t : all) {
            b = std::min(b, t.*field);
        }
        return b;
    }
};

// A batch of about 1 MiB: 1 KiB records.
brook::bytes make_mib_batch() {
    kafka::record_batch_builder b;
    std::string value(1000, 'v');
    for (int i = 0; b.payload_size() + 1100 < mib - 100; ++i) {
        auto key = "key-" + std::to_string(i);
        b.append(1'700'000'000'000 + i, key, value);
    }
    return b.build().value();
}

long rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::atol(line.c_str() + 6);
        }
    }
    return -1;
}

size_t open_fds() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) {
        ++n;
    }
    return n;
}

timing plain_write_round(const fs::path& file, const brook::bytes& batch, size_t count) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    auto t = clk::now();
    double cpu = thread_cpu_seconds();
    for (size_t i = 0; i < count; ++i) {
        if (::write(fd, batch.data(), batch.size()) != ssize_t(batch.size())) {
            std::perror("write");
            std::exit(1);
        }
    }
    timing r{seconds_since(t), thread_cpu_seconds() - cpu};
    ::close(fd);
    fs::remove(file);
    return r;
}

timing log_append_round(const fs::path& dir, brook::bytes batch, size_t count, bool leader) {
    bl::file_cache files(64);
    bl::log_config cfg;
    cfg.max_batch_bytes = uint32_t(2 * mib);
    auto log = bl::partition_log::create(dir, {"bench", 0}, cfg, files, bl::system_clock_ms).value();
    auto t = clk::now();
    double cpu = thread_cpu_seconds();
    for (size_t i = 0; i < count; ++i) {
        bool ok = false;
        if (leader) {
            ok = bool(log->append_as_leader(batch, brook::leader_epoch(1)));
        } else {
            kafka::set_base_offset(batch, log->log_end_offset().value());
            ok = bool(log->append_as_follower(batch));
        }
        if (!ok) {
            std::fprintf(stderr, "append failed\n");
            std::exit(1);
        }
    }
    timing r{seconds_since(t), thread_cpu_seconds() - cpu};
    log.reset();
    fs::remove_all(dir);
    return r;
}

} // namespace

int main(int argc, char** argv) {
    // --append-only: only the append comparison; --only=plain|leader|follower: one side only
    // (for profiling it with perf).
    bool append_only = false;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--append-only") {
            append_only = true;
        } else if (a.rfind("--only=", 0) == 0) {
            only = a.substr(7);
            append_only = true;
        } else {
            std::fprintf(stderr, "usage: %s [--append-only] [--only=plain|leader|follower]\n", argv[0]);
            return 2;
        }
    }
    brook::test::temp_dir tmp("brook-log-bench");
    auto batch = make_mib_batch();
    const size_t count = 64; // 64 MiB per round: short rounds, many of them, suffer less from
                             // other processes' bursts and from dirty-page throttling
    const double total_mb = double(batch.size() * count) / 1e6;

    // Interleaved rounds so all sides see the same disk and page-cache conditions; the order
    // rotates so that no side always follows another (whose dirty pages are being written back).
    // Each side writes a file created just before its timed loop and removed after it.
    const char* names[] = {"plain", "leader", "follower"};
    rounds plain, leader, follower;
    for (int round = 0; round < 15; ++round) {
        for (int k = 0; k < 3; ++k) {
            int side = (round + k) % 3;
            if (!only.empty() && only != names[side]) {
                continue;
            }
            switch (side) {
            case 0:
                plain.all.push_back(plain_write_round(tmp / "plain.bin", batch, count));
                break;
            case 1:
                leader.all.push_back(log_append_round(tmp / "leader-0", batch, count, true));
                break;
            default:
                follower.all.push_back(log_append_round(tmp / "follower-0", batch, count, false));
                break;
            }
        }
    }
    if (!only.empty()) {
        const auto& r = only == "plain" ? plain : only == "leader" ? leader : follower;
        std::printf("%s_1mib %.0f MB/s (median), cpu %.1f us/MB\n", only.c_str(), total_mb / r.median(&timing::wall),
                    r.median(&timing::cpu) / total_mb * 1e6);
        return 0;
    }
    auto wall = &timing::wall;
    auto cpu = &timing::cpu;
    std::printf("plain_write_1mib %.0f MB/s\n", total_mb / plain.median(wall));
    std::printf("log_append_leader_1mib %.0f MB/s\n", total_mb / leader.median(wall));
    std::printf("log_append_follower_1mib %.0f MB/s\n", total_mb / follower.median(wall));
    std::printf("plain_write_cpu_1mib %.1f us/MB\n", plain.median(cpu) / total_mb * 1e6);
    std::printf("log_append_leader_cpu_1mib %.1f us/MB\n", leader.median(cpu) / total_mb * 1e6);
    std::printf("log_append_follower_cpu_1mib %.1f us/MB\n", follower.median(cpu) / total_mb * 1e6);
    // Medians of 15 rounds per side; the best-round ratios follow for comparison.
    std::printf("ratio log_append_leader_vs_plain_write %.3f\n", plain.median(wall) / leader.median(wall));
    std::printf("ratio log_append_follower_vs_plain_write %.3f\n", plain.median(wall) / follower.median(wall));
    std::printf("ratio log_append_leader_vs_plain_write_cpu %.3f\n", plain.median(cpu) / leader.median(cpu));
    std::printf("ratio log_append_follower_vs_plain_write_cpu %.3f\n", plain.median(cpu) / follower.median(cpu));
    std::printf("ratio log_append_leader_vs_plain_write_best %.3f\n", plain.best(wall) / leader.best(wall));
    std::printf("ratio log_append_follower_vs_plain_write_best %.3f\n", plain.best(wall) / follower.best(wall));
    if (append_only) {
        return 0;
    }

    // Reads and recovery over one 512 MiB log.
    {
        bl::file_cache files(64);
        bl::log_config cfg;
        cfg.max_batch_bytes = uint32_t(2 * mib);
        cfg.segment_bytes = 128 * mib;
        auto dir = tmp / "read-0";
        auto log = bl::partition_log::create(dir, {"read", 0}, cfg, files, bl::system_clock_ms).value();
        for (size_t i = 0; i < 512; ++i) {
            (void)log->append_as_leader(batch, brook::leader_epoch(1));
        }
        (void)log->flush();
        brook::bytes buf(4 * mib);
        uint64_t bytes_read = 0;
        auto t = clk::now();
        for (brook::offset next(0); next < log->log_end_offset();) {
            auto r = log->read(next, 4 * mib).value();
            auto got = ::pread(r.region.file->fd(), buf.data(), r.region.length, off_t(r.region.position));
            bytes_read += uint64_t(got);
            next = r.next_offset;
        }
        double s = seconds_since(t);
        std::printf("log_read_region_pread %.0f MB/s\n", double(bytes_read) / 1e6 / s);
        brook::bytes copy;
        bytes_read = 0;
        t = clk::now();
        for (brook::offset next(0); next < log->log_end_offset();) {
            copy.clear();
            auto r = log->read_into(next, 4 * mib, brook::offset::max(), copy).value();
            bytes_read += copy.size();
            next = r.next_offset;
        }
        s = seconds_since(t);
        std::printf("log_read_copy %.0f MB/s\n", double(bytes_read) / 1e6 / s);
        log.reset();

        bl::recovery_stats st;
        t = clk::now();
        auto loaded = bl::partition_log::load(dir, {"read", 0}, cfg, files, bl::system_clock_ms,
                                              {.clean_shutdown = false, .recovery_point = brook::offset(0)}, &st);
        s = seconds_since(t);
        if (!loaded) {
            std::fprintf(stderr, "recovery failed\n");
            return 1;
        }
        double gib = double(st.bytes_scanned) / double(uint64_t{1} << 30);
        std::printf("recovery_scanned %.3f GiB\n", gib);
        std::printf("recovery_time_per_gib %.3f s\n", s / gib);
        fs::remove_all(dir);
    }

    // 10,000 partitions, one small batch each, at most 1024 open segment files.
    {
        const int partitions = 10'000;
        auto small = kafka::record_batch_builder().append(1'700'000'000'000, "k", "v").build().value();
        long rss0 = rss_kib();
        size_t fds0 = open_fds();
        bl::log_manager_config cfg;
        cfg.dirs = {tmp / "many"};
        cfg.max_open_files = 1024;
        cfg.defaults.segment_bytes = 64 * mib;
        auto t = clk::now();
        {
            auto m = bl::log_manager::open(cfg).value();
            // Follower appends of epoch-less batches: a leader's first append per partition would
            // also write leader-epoch-checkpoint (two fsyncs), which measures the disk, not the log.
            for (int p = 0; p < partitions; ++p) {
                auto log = m->create_log({"many", p}).value();
                (void)log->append_as_follower(small);
            }
            double s = seconds_since(t);
            std::printf("partitions_create_10k %.2f s\n", s);
            std::printf("partitions_10k_rss_delta %.1f MiB\n", double(rss_kib() - rss0) / 1024.0);
            std::printf("partitions_10k_rss_per_partition %.2f KiB\n", double(rss_kib() - rss0) / partitions);
            std::printf("partitions_10k_open_fds %zu fds\n", open_fds() - fds0);
            t = clk::now();
            (void)m->shutdown();
            std::printf("partitions_10k_clean_shutdown %.2f s\n", seconds_since(t));
        }
        long rss1 = rss_kib();
        t = clk::now();
        auto m = bl::log_manager::open(cfg).value();
        std::printf("partitions_10k_clean_load %.2f s\n", seconds_since(t));
        std::printf("partitions_10k_loaded_rss_delta %.1f MiB\n", double(rss_kib() - rss1) / 1024.0);
        std::printf("partitions_10k_loaded_open_fds %zu fds\n", open_fds() - fds0);
    }
    return 0;
}

// Crash tests: damage segment files the way a crash or a bad disk would (cut at a random byte, flip
// a random byte) and check that recovery keeps exactly the intact prefix, serves nothing torn, and
// accepts appends afterwards. Plus a writer killed with SIGKILL in the middle of appending.
#include "brook/log/partition_log.h"
#include "harness/test_dirs.h"
#include "log/segment.h"
#include "log_test_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <random>

namespace brook::log::test {
namespace {

namespace fs = std::filesystem;
namespace pk = protocol::kafka;

struct on_disk_batch {
    fs::path file;
    uint64_t position;
    uint64_t size;
    int64_t base;
    int64_t next;
};

std::vector<uint8_t> read_file(const fs::path& p) {
    std::vector<uint8_t> out(fs::file_size(p));
    int fd = ::open(p.c_str(), O_RDONLY);
    EXPECT_EQ(::pread(fd, out.data(), out.size(), 0), ssize_t(out.size()));
    ::close(fd);
    return out;
}

// Parses the segment files independently of the log, in offset order.
std::vector<on_disk_batch> list_batches(const fs::path& dir) {
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".log") {
            logs.push_back(e.path());
        }
    }
    std::sort(logs.begin(), logs.end());
    std::vector<on_disk_batch> out;
    for (const auto& p : logs) {
        auto data = read_file(p);
        auto batches = pk::split_record_batches(data, false);
        EXPECT_TRUE(batches);
        for (auto b : batches.value()) {
            auto h = pk::parse_record_batch_header(b).value();
            out.push_back({p, uint64_t(b.data() - data.data()), b.size(), h.base_offset, h.next_offset()});
        }
    }
    return out;
}

void flip_byte(const fs::path& p, uint64_t pos, uint8_t mask) {
    int fd = ::open(p.c_str(), O_RDWR);
    uint8_t b = 0;
    ASSERT_EQ(::pread(fd, &b, 1, off_t(pos)), 1);
    b ^= mask;
    ASSERT_EQ(::pwrite(fd, &b, 1, off_t(pos)), 1);
    ::close(fd);
}

// Bytes outside the CRC that no check can validate: baseOffset (a flip there looks like an offset
// gap, which compaction makes legitimate) and partitionLeaderEpoch. Kafka has the same blind spot.
bool uncheckable(uint64_t pos_in_batch) {
    return pos_in_batch < 8 || (pos_in_batch >= 12 && pos_in_batch < 16);
}

void run_damage_case(uint32_t seed, bool flip) {
    SCOPED_TRACE("seed " + std::to_string(seed) + (flip ? " flip" : " cut"));
    std::mt19937 rng(seed);
    brook::test::temp_dir tmp("brook-crash");
    file_cache files(16);
    fake_clock clock;
    log_config cfg;
    cfg.segment_bytes = 1000 + rng() % 4000;
    cfg.index_interval_bytes = 64 + rng() % 512;
    auto dir = tmp / "t-0";
    {
        auto log = partition_log::create(dir, {"t", 0}, cfg, files, clock.fn()).value();
        int n = 10 + int(rng() % 40);
        for (int i = 0; i < n; ++i) {
            int records = 1 + int(rng() % 4);
            std::vector<rec> rs;
            for (int j = 0; j < records; ++j) {
                std::string key = "k";
                key += std::to_string(rng() % 10);
                rs.push_back({key, std::string(rng() % 300, char('a' + j))});
            }
            auto codec = rng() % 4 == 0 ? pk::compression_type::gzip : pk::compression_type::none;
            append_ok(*log, make_batch(rs, clock.now->load() + i, codec));
        }
        // No close: the process "dies" here.
    }
    auto batches = list_batches(dir);
    ASSERT_FALSE(batches.empty());
    // Pick a damaged byte: a random batch, a random byte of it (or the file end for cuts).
    const auto& victim = batches[rng() % batches.size()];
    uint64_t in_batch = rng() % victim.size;
    if (flip) {
        while (uncheckable(in_batch)) {
            in_batch = rng() % victim.size;
        }
        flip_byte(victim.file, victim.position + in_batch, uint8_t(1u << (rng() % 8)));
    } else {
        // A cut exactly at a batch boundary leaves a well-formed shorter segment followed by an
        // offset gap, which is legal (compaction makes gaps): cut inside the batch.
        in_batch = 1 + rng() % (victim.size - 1);
        fs::resize_file(victim.file, victim.position + in_batch);
    }
    // Expected: every batch before the victim survives, the victim and everything after are gone.
    std::vector<on_disk_batch> kept;
    for (const auto& b : batches) {
        if (b.base >= victim.base) {
            break;
        }
        kept.push_back(b);
    }
    int64_t expected_end = kept.empty() ? 0 : kept.back().next;

    // Expected records, read from the undamaged copy of the data before recovery touches anything.
    recovery_stats st;
    auto log = partition_log::load(dir, {"t", 0}, cfg, files, clock.fn(), {.clean_shutdown = false}, &st);
    ASSERT_TRUE(log) << log.error().message();
    auto& l = *log.value();
    EXPECT_EQ(l.log_end_offset(), offset(expected_end));
    auto after = list_batches(dir);
    ASSERT_EQ(after.size(), kept.size());
    for (size_t i = 0; i < kept.size(); ++i) {
        EXPECT_EQ(after[i].base, kept[i].base);
        EXPECT_EQ(after[i].size, kept[i].size);
    }
    // Everything served decodes with a valid CRC (decode_records checks it) and ends at the log end.
    auto recs = read_all(l);
    if (!recs.empty()) {
        EXPECT_LT(recs.back().offset, expected_end);
    }
    EXPECT_FALSE(l.read(offset(expected_end + 1), 100));
    // The log takes new data right after the intact prefix and serves it.
    auto a = append_ok(l, make_batch(2, 10, clock.now->load()));
    EXPECT_EQ(a.base_offset, offset(expected_end));
    auto again = read_all(l, offset(expected_end));
    ASSERT_EQ(again.size(), 2u);
    EXPECT_EQ(again[0].offset, expected_end);
    ASSERT_TRUE(l.close());
    auto reopened = partition_log::load(dir, {"t", 0}, cfg, files, clock.fn(), {.clean_shutdown = true});
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened.value()->log_end_offset(), offset(expected_end + 2));
}

TEST(log_recovery, CutAtRandomBytesKeepsIntactPrefix) {
    for (uint32_t seed = 0; seed < 100; ++seed) {
        run_damage_case(seed, false);
        if (HasFatalFailure()) {
            return;
        }
    }
}

TEST(log_recovery, FlippedByteDropsDamagedBatchAndEverythingAfter) {
    for (uint32_t seed = 1000; seed < 1100; ++seed) {
        run_damage_case(seed, true);
        if (HasFatalFailure()) {
            return;
        }
    }
}

TEST(log_recovery, GarbageIndexIsIgnoredAndRebuilt) {
    brook::test::temp_dir tmp("brook-crash");
    file_cache files(16);
    fake_clock clock;
    log_config cfg;
    cfg.segment_bytes = 4000;
    cfg.index_interval_bytes = 100;
    auto dir = tmp / "t-0";
    {
        auto log = partition_log::create(dir, {"t", 0}, cfg, files, clock.fn()).value();
        for (int i = 0; i < 30; ++i) {
            append_ok(*log, make_batch(2, 100, 1000 + i));
        }
        ASSERT_TRUE(log->close());
    }
    std::mt19937 rng(7);
    for (const auto& e : fs::directory_iterator(dir)) {
        auto ext = e.path().extension();
        if (ext == ".index" || ext == ".timeindex") {
            auto size = fs::file_size(e.path());
            for (int k = 0; k < 4 && size > 0; ++k) {
                flip_byte(e.path(), rng() % size, 0xff);
            }
        }
    }
    auto log = partition_log::load(dir, {"t", 0}, cfg, files, clock.fn(), {.clean_shutdown = true});
    ASSERT_TRUE(log);
    auto recs = read_all(*log.value());
    ASSERT_EQ(recs.size(), 60u);
    for (size_t i = 0; i < recs.size(); ++i) {
        EXPECT_EQ(recs[i].offset, int64_t(i));
    }
}

TEST(log_recovery, TornTailAfterLastFlushIsCutOnLoad) {
    brook::test::temp_dir tmp("brook-crash");
    file_cache files(16);
    fake_clock clock;
    auto dir = tmp / "t-0";
    offset rp;
    {
        auto log = partition_log::create(dir, {"t", 0}, {}, files, clock.fn()).value();
        for (int i = 0; i < 5; ++i) {
            append_ok(*log, make_batch(3, 50, 1000));
        }
        ASSERT_TRUE(log->flush());
        rp = log->recovery_point();
    }
    // Half a batch at the end, as a crash mid-write leaves it.
    auto half = make_batch(3, 50, 1000);
    pk::set_base_offset(half, 15);
    auto seg = segment_file(dir, offset(0), ".log");
    int fd = ::open(seg.c_str(), O_WRONLY | O_APPEND);
    ASSERT_EQ(::write(fd, half.data(), half.size() / 2), ssize_t(half.size() / 2));
    ::close(fd);
    recovery_stats st;
    auto log = partition_log::load(dir, {"t", 0}, {}, files, clock.fn(), {.recovery_point = rp}, &st);
    ASSERT_TRUE(log);
    EXPECT_EQ(st.bytes_truncated, half.size() / 2);
    EXPECT_EQ(log.value()->log_end_offset(), offset(15));
    EXPECT_EQ(read_all(*log.value()).size(), 15u);
}

// The child appends batches of 5 records with values equal to their offsets; after every flush it
// writes the flushed log end to a pipe. The parent kills it with SIGKILL at an arbitrary point and
// recovers: every offset the child reported as flushed must be there, with the right contents.
TEST(log_recovery, SurvivesKillDashNineMidAppend) {
    brook::test::temp_dir tmp("brook-kill9");
    auto dir = tmp / "t-0";
    log_config cfg;
    cfg.segment_bytes = 64 * 1024;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(fds[0]);
        file_cache files(16);
        auto log = partition_log::create(dir, {"t", 0}, cfg, files, system_clock_ms);
        if (!log) {
            ::_exit(2);
        }
        for (int64_t i = 0;; ++i) {
            std::vector<rec> rs;
            for (int j = 0; j < 5; ++j) {
                rs.push_back({"k", std::to_string(i * 5 + j) + std::string(200, 'p')});
            }
            auto b = make_batch(rs, system_clock_ms());
            if (!log.value()->append_as_leader(b, leader_epoch(0))) {
                ::_exit(3);
            }
            if (i % 7 == 6) {
                if (!log.value()->flush()) {
                    ::_exit(4);
                }
                int64_t end = log.value()->recovery_point().value();
                if (::write(fds[1], &end, sizeof end) != ssize_t(sizeof end)) {
                    ::_exit(5);
                }
            }
        }
    }
    ::close(fds[1]);
    int64_t flushed = 0;
    for (int reports = 0; reports < 40; ++reports) {
        int64_t v = 0;
        ASSERT_EQ(::read(fds[0], &v, sizeof v), ssize_t(sizeof v));
        flushed = v;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    // Reports written before the kill but not yet read.
    int64_t v = 0;
    while (::read(fds[0], &v, sizeof v) == ssize_t(sizeof v)) {
        flushed = v;
    }
    ::close(fds[0]);

    file_cache files(16);
    recovery_stats st;
    auto log = partition_log::load(dir, {"t", 0}, cfg, files, system_clock_ms, {.clean_shutdown = false}, &st);
    ASSERT_TRUE(log) << log.error().message();
    EXPECT_GE(log.value()->log_end_offset(), offset(flushed));
    auto recs = read_all(*log.value());
    ASSERT_EQ(int64_t(recs.size()), log.value()->log_end_offset().value());
    for (size_t i = 0; i < recs.size(); ++i) {
        ASSERT_EQ(recs[i].offset, int64_t(i));
        ASSERT_EQ(recs[i].value->substr(0, recs[i].value->size() - 200), std::to_string(i));
    }
    auto a = append_ok(*log.value(), make_batch(1, 10, 1000));
    EXPECT_EQ(a.base_offset, log.value()->log_end_offset() - 1);
}

} // namespace
} // namespace brook::log::test

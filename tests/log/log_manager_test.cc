#include "brook/log/errc.h"
#include "brook/log/log_manager.h"
#include "harness/test_dirs.h"
#include "log_test_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace brook::log::test {
namespace {

namespace fs = std::filesystem;

size_t open_fds() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) {
        ++n;
    }
    return n;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct manager_fixture : ::testing::Test {
    brook::test::temp_dir tmp{"brook-mgr"};
    fake_clock clock;

    log_manager_config config() {
        log_manager_config c;
        c.dirs = {tmp / "d1", tmp / "d2"};
        c.broker_id = 3;
        c.cluster_id = "cluster-x";
        c.clock = clock.fn();
        c.defaults.segment_bytes = 2000;
        return c;
    }
};

TEST_F(manager_fixture, CreatesLogsAcrossDirsAndWritesCheckpoints) {
    auto m = log_manager::open(config()).value();
    auto a = m->create_log({"t", 0}).value();
    auto b = m->create_log({"t", 1}).value();
    EXPECT_NE(a->dir().parent_path(), b->dir().parent_path()); // spread over both dirs
    EXPECT_EQ(m->create_log({"t", 0}).error(), errc::already_exists);
    append_ok(*a, make_batch(3, 10, 1000));
    a->set_high_watermark(offset(3));
    ASSERT_TRUE(a->flush());
    ASSERT_TRUE(m->write_checkpoints());
    auto d = a->dir().parent_path();
    EXPECT_EQ(slurp(d / "recovery-point-offset-checkpoint"), "0\n1\nt 0 3\n");
    EXPECT_EQ(slurp(d / "replication-offset-checkpoint"), "0\n1\nt 0 3\n");
    EXPECT_EQ(slurp(d / "log-start-offset-checkpoint"), "0\n1\nt 0 0\n");
    EXPECT_EQ(slurp(d / "cleaner-offset-checkpoint"), "0\n0\n");
    auto meta = read_meta_properties(d / "meta.properties");
    ASSERT_TRUE(meta);
    EXPECT_EQ(meta.value().broker_id, 3);
    EXPECT_EQ(meta.value().cluster_id, "cluster-x");
    EXPECT_EQ(m->get({"t", 0}), a);
    EXPECT_EQ(m->get({"t", 9}), nullptr);
}

TEST_F(manager_fixture, CleanShutdownRestartsWithoutRecovery) {
    {
        auto m = log_manager::open(config()).value();
        auto a = m->create_log({"t", 0}).value();
        for (int i = 0; i < 20; ++i) {
            append_ok(*a, make_batch(2, 100, 1000));
        }
        ASSERT_TRUE(m->shutdown());
        EXPECT_TRUE(fs::exists(a->dir().parent_path() / clean_shutdown_file));
    }
    auto m = log_manager::open(config()).value();
    auto a = m->get({"t", 0});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->log_end_offset(), offset(40));
    EXPECT_EQ(a->recovery_point(), offset(40));
    EXPECT_FALSE(fs::exists(a->dir().parent_path() / clean_shutdown_file)); // consumed on load
    EXPECT_EQ(read_all(*a).size(), 40u);
}

TEST_F(manager_fixture, UncleanShutdownRecoversFromCheckpointedRecoveryPoint) {
    fs::path seg;
    {
        auto m = log_manager::open(config()).value();
        auto a = m->create_log({"t", 0}).value();
        for (int i = 0; i < 20; ++i) {
            append_ok(*a, make_batch(2, 100, 1000));
        }
        ASSERT_TRUE(a->flush());
        ASSERT_TRUE(m->write_checkpoints());
        append_ok(*a, make_batch(2, 100, 1000));
        seg = a->dir();
        // Destroyed without shutdown(): no marker.
    }
    auto m = log_manager::open(config()).value();
    auto a = m->get({"t", 0});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->log_end_offset(), offset(42));
    EXPECT_EQ(read_all(*a).size(), 42u);
}

TEST_F(manager_fixture, UnreadableDirIsOfflineNotFatal) {
    auto cfg = config();
    std::ofstream(tmp / "not-a-dir") << "x";
    cfg.dirs.push_back(tmp / "not-a-dir" / "logs");
    auto m = log_manager::open(cfg);
    ASSERT_TRUE(m);
    auto offline = m.value()->offline_dirs();
    ASSERT_EQ(offline.size(), 1u);
    EXPECT_EQ(offline[0], tmp / "not-a-dir" / "logs");
    for (int p = 0; p < 6; ++p) {
        auto log = m.value()->create_log({"t", p});
        ASSERT_TRUE(log);
        EXPECT_NE(log.value()->dir().parent_path(), tmp / "not-a-dir" / "logs");
    }
}

TEST_F(manager_fixture, BrokerIdMismatchFailsOpen) {
    ASSERT_TRUE(log_manager::open(config()));
    auto cfg = config();
    cfg.broker_id = 4;
    auto m = log_manager::open(cfg);
    ASSERT_FALSE(m);
}

TEST_F(manager_fixture, DeleteLogRemovesItsDirectory) {
    auto m = log_manager::open(config()).value();
    auto a = m->create_log({"gone", 0}).value();
    append_ok(*a, make_batch(1, 10, 1000));
    auto dir = a->dir();
    ASSERT_TRUE(m->delete_log({"gone", 0}));
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_EQ(m->get({"gone", 0}), nullptr);
    EXPECT_EQ(m->delete_log({"gone", 0}).error(), errc::not_found);
    ASSERT_TRUE(m->create_log({"gone", 0})); // the name can be reused
}

TEST_F(manager_fixture, MaintenanceAppliesRetentionAndFlushPolicy) {
    auto cfg = config();
    cfg.defaults.retention_ms = 60'000;
    cfg.defaults.flush_interval_messages = 4;
    auto m = log_manager::open(cfg).value();
    auto a = m->create_log({"t", 0}).value();
    int64_t now = clock.now->load();
    for (int i = 0; i < 10; ++i) {
        append_ok(*a, make_batch(1, 500, now - 120'000));
    }
    auto r = append_ok(*a, make_batch(1, 500, now));
    EXPECT_TRUE(r.flush_needed);
    EXPECT_LT(a->recovery_point(), a->log_end_offset());
    m->run_maintenance(now);
    EXPECT_EQ(a->recovery_point(), a->log_end_offset());
    // Segments of 3 batches: [0,3) [3,6) [6,9) expire; [9,11) holds the fresh batch and stays.
    EXPECT_EQ(a->segment_count(), 1u);
    EXPECT_EQ(a->log_start_offset(), offset(9));
}

TEST_F(manager_fixture, BackgroundThreadFlushesOnRequest) {
    auto cfg = config();
    cfg.flush_check_interval_ms = 60'000; // only requests wake it early
    auto m = log_manager::open(cfg).value();
    auto a = m->create_log({"t", 0}).value();
    m->start_background();
    append_ok(*a, make_batch(2, 10, 1000));
    m->request_flush({"t", 0});
    for (int i = 0; i < 2000 && a->recovery_point() < offset(2); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5)); // polling an effect of another thread
    }
    EXPECT_EQ(a->recovery_point(), offset(2));
    ASSERT_TRUE(m->shutdown());
}

TEST_F(manager_fixture, ManyPartitionsKeepDescriptorsBounded) {
    auto cfg = config();
    cfg.max_open_files = 32;
    cfg.defaults.segment_bytes = 400;
    size_t before = open_fds();
    {
        auto m = log_manager::open(cfg).value();
        for (int p = 0; p < 200; ++p) {
            auto log = m->create_log({"many", p}).value();
            append_ok(*log, make_batch(1, 300, 1000));
            append_ok(*log, make_batch(1, 300, 1000)); // a roll: two segments each
        }
        EXPECT_LE(open_fds(), before + 32 + 4);
        ASSERT_TRUE(m->shutdown());
    }
    auto m = log_manager::open(cfg).value();
    EXPECT_EQ(m->log_count(), 200u);
    EXPECT_LE(open_fds(), before + 32 + 4);
    for (int p = 0; p < 200; p += 50) {
        auto log = m->get({"many", p});
        ASSERT_TRUE(log);
        EXPECT_EQ(read_all(*log).size(), 2u);
    }
    EXPECT_LE(open_fds(), before + 32 + 4);
}

} // namespace
} // namespace brook::log::test

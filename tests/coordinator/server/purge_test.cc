// autopurge.purgeInterval: purging runs on its own timer (here shortened to milliseconds through
// server_options), keeps autopurge.snapRetainCount snapshots, and never runs when the interval is 0.
#include "brook/coordinator/server.h"
#include "coordinator/tree/snapshot.h"
#include "harness/test_dirs.h"

#include <gtest/gtest.h>
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace {

namespace tree = brook::coordinator::tree;
using namespace std::chrono_literals;

struct connected_flag {
    std::mutex mutex;
    std::condition_variable cv;
    bool connected = false;
};

void on_event(zhandle_t*, int type, int state, const char*, void* ctx) {
    auto* f = static_cast<connected_flag*>(ctx);
    std::lock_guard lock(f->mutex);
    if (type == ZOO_SESSION_EVENT) {
        f->connected = state == ZOO_CONNECTED_STATE;
    }
    f->cv.notify_all();
}

// Starts a server that snapshots every few txns, writes `writes` znodes through the C client and
// returns after they are acknowledged (so their snapshots have been queued).
void run_writes(brook::coordinator::coordinator_server& server, const brook::test::temp_dir& dir,
                std::chrono::milliseconds purge_interval, int writes) {
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    brook::coordinator::server_options opts;
    opts.data_dir = dir.path();
    opts.tick_ms = 500;
    opts.snap_count = 4;
    opts.snap_retain_count = 3;
    opts.purge_interval = purge_interval;
    opts.prealloc_bytes = 64 << 10;
    auto port = server.start(opts);
    ASSERT_TRUE(port) << port.error().message();
    connected_flag flag;
    std::string host = "127.0.0.1:" + std::to_string(server.port());
    zhandle_t* zh = zookeeper_init(host.c_str(), on_event, 10000, nullptr, &flag, 0);
    ASSERT_NE(zh, nullptr);
    {
        std::unique_lock lock(flag.mutex);
        ASSERT_TRUE(flag.cv.wait_for(lock, 20s, [&] { return flag.connected; }));
    }
    for (int i = 0; i < writes; ++i) {
        std::string path = "/p" + std::to_string(i);
        ASSERT_EQ(zoo_create(zh, path.c_str(), "x", 1, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0), ZOK);
    }
    zookeeper_close(zh);
}

} // namespace

TEST(coordinator_purge, disabled_when_interval_is_zero) {
    brook::test::temp_dir dir{"brook-coord-purge0"};
    brook::coordinator::coordinator_server server;
    run_writes(server, dir, 0ms, 40);
    // stop() drains the log thread, so every queued snapshot is on disk afterwards.
    server.stop();
    EXPECT_GT(tree::list_snapshots(dir.path()).size(), 3u);
}

TEST(coordinator_purge, does_not_follow_each_snapshot) {
    // With an hourly purge, the snapshots of a short burst all stay until the timer fires.
    brook::test::temp_dir dir{"brook-coord-purge1h"};
    brook::coordinator::coordinator_server server;
    run_writes(server, dir, std::chrono::hours(1), 40);
    server.stop();
    EXPECT_GT(tree::list_snapshots(dir.path()).size(), 3u);
}

TEST(coordinator_purge, runs_every_interval_and_keeps_retain_count) {
    brook::test::temp_dir dir{"brook-coord-purge"};
    brook::coordinator::coordinator_server server;
    run_writes(server, dir, 50ms, 40);
    // The timer purges at least once within a few intervals after the last snapshot; poll for it
    // with a bound rather than sleeping a fixed time.
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (tree::list_snapshots(dir.path()).size() > 3u && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(tree::list_snapshots(dir.path()).size(), 3u);
    server.stop();
}

// The ZooKeeper C client (libzookeeper-mt) against the coordinator embedded in the test process
// through the public coordinator_server API.
#include "brook/coordinator/server.h"
#include "harness/test_dirs.h"

#include <gtest/gtest.h>
// The synchronous API of libzookeeper-mt is declared only with THREADED.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct watch_log {
    std::mutex mutex;
    std::condition_variable cv;
    bool connected = false;
    std::vector<std::pair<int, std::string>> events;
};

void on_event(zhandle_t*, int type, int state, const char* path, void* ctx) {
    auto* log = static_cast<watch_log*>(ctx);
    std::lock_guard lock(log->mutex);
    if (type == ZOO_SESSION_EVENT) {
        log->connected = state == ZOO_CONNECTED_STATE;
    } else {
        log->events.emplace_back(type, path ? path : "");
    }
    log->cv.notify_all();
}

class c_client_test : public ::testing::Test {
protected:
    brook::test::temp_dir dir{"brook-coord-c"};
    brook::coordinator::coordinator_server server;
    watch_log log;
    zhandle_t* zh = nullptr;

    void SetUp() override {
        zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
        start_server();
        connect();
    }
    void TearDown() override {
        if (zh != nullptr) {
            zookeeper_close(zh);
        }
    }
    void start_server() {
        brook::coordinator::server_options opts;
        opts.data_dir = dir.path();
        opts.tick_ms = 500;
        auto port = server.start(opts);
        ASSERT_TRUE(port) << port.error().message();
    }
    void connect() {
        std::string host = "127.0.0.1:" + std::to_string(server.port());
        zh = zookeeper_init(host.c_str(), on_event, 10000, nullptr, &log, 0);
        ASSERT_NE(zh, nullptr);
        std::unique_lock lock(log.mutex);
        ASSERT_TRUE(log.cv.wait_for(lock, std::chrono::seconds(20), [&] { return log.connected; }));
    }
    bool wait_events(size_t n) {
        std::unique_lock lock(log.mutex);
        return log.cv.wait_for(lock, std::chrono::seconds(10), [&] { return log.events.size() >= n; });
    }
};

} // namespace

TEST_F(c_client_test, create_get_set_delete) {
    char created[64];
    ASSERT_EQ(zoo_create(zh, "/c", "hello", 5, &ZOO_OPEN_ACL_UNSAFE, 0, created, sizeof created), ZOK);
    EXPECT_STREQ(created, "/c");
    EXPECT_EQ(zoo_create(zh, "/c", "x", 1, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0), ZNODEEXISTS);
    char buf[16];
    int len = sizeof buf;
    struct Stat st;
    ASSERT_EQ(zoo_get(zh, "/c", 0, buf, &len, &st), ZOK);
    EXPECT_EQ(std::string(buf, len), "hello");
    EXPECT_EQ(st.version, 0);
    EXPECT_EQ(zoo_set(zh, "/c", "v1", 2, 1), ZBADVERSION);
    ASSERT_EQ(zoo_set(zh, "/c", "v1", 2, 0), ZOK);
    ASSERT_EQ(zoo_create(zh, "/c/seq-", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL_SEQUENTIAL, created, sizeof created),
              ZOK);
    EXPECT_STREQ(created, "/c/seq-0000000000");
    struct String_vector kids;
    ASSERT_EQ(zoo_get_children(zh, "/c", 0, &kids), ZOK);
    EXPECT_EQ(kids.count, 1);
    deallocate_String_vector(&kids);
    EXPECT_EQ(zoo_delete(zh, "/c", -1), ZNOTEMPTY);
    ASSERT_EQ(zoo_delete(zh, created, -1), ZOK);
    ASSERT_EQ(zoo_delete(zh, "/c", 1), ZOK);
    EXPECT_EQ(zoo_exists(zh, "/c", 0, &st), ZNONODE);
}

TEST_F(c_client_test, watches_fire_once) {
    struct Stat st;
    ASSERT_EQ(zoo_exists(zh, "/w", 1, &st), ZNONODE);
    ASSERT_EQ(zoo_create(zh, "/w", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0), ZOK);
    ASSERT_TRUE(wait_events(1));
    char buf[4];
    int len = sizeof buf;
    ASSERT_EQ(zoo_get(zh, "/w", 1, buf, &len, &st), ZOK);
    ASSERT_EQ(zoo_set(zh, "/w", "1", 1, -1), ZOK);
    ASSERT_EQ(zoo_set(zh, "/w", "2", 1, -1), ZOK);
    ASSERT_TRUE(wait_events(2));
    ASSERT_EQ(zoo_exists(zh, "/w", 0, &st), ZOK); // a round trip after the second set
    std::lock_guard lock(log.mutex);
    ASSERT_EQ(log.events.size(), 2u);
    EXPECT_EQ(log.events[0].first, ZOO_CREATED_EVENT);
    EXPECT_EQ(log.events[1].first, ZOO_CHANGED_EVENT);
}

TEST_F(c_client_test, multi_all_or_nothing) {
    ASSERT_EQ(zoo_create(zh, "/m", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0), ZOK);
    zoo_op_t ops[2];
    zoo_op_result_t results[2];
    char path[32];
    zoo_create_op_init(&ops[0], "/m/a", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, path, sizeof path);
    zoo_check_op_init(&ops[1], "/m", 3);
    EXPECT_EQ(zoo_multi(zh, 2, ops, results), ZBADVERSION);
    struct Stat st;
    EXPECT_EQ(zoo_exists(zh, "/m/a", 0, &st), ZNONODE);
    zoo_check_op_init(&ops[1], "/m", 0);
    ASSERT_EQ(zoo_multi(zh, 2, ops, results), ZOK);
    EXPECT_EQ(results[0].err, ZOK);
    EXPECT_EQ(zoo_exists(zh, "/m/a", 0, &st), ZOK);
}

TEST_F(c_client_test, state_survives_an_embedded_restart) {
    ASSERT_EQ(zoo_create(zh, "/keep", "1", 1, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0), ZOK);
    zookeeper_close(zh);
    zh = nullptr;
    server.stop();
    brook::coordinator::coordinator_server again;
    brook::coordinator::server_options opts;
    opts.data_dir = dir.path();
    auto port = again.start(opts);
    ASSERT_TRUE(port);
    std::string host = "127.0.0.1:" + std::to_string(port.value());
    log.connected = false;
    zh = zookeeper_init(host.c_str(), on_event, 10000, nullptr, &log, 0);
    {
        std::unique_lock lock(log.mutex);
        ASSERT_TRUE(log.cv.wait_for(lock, std::chrono::seconds(20), [&] { return log.connected; }));
    }
    char buf[4];
    int len = sizeof buf;
    struct Stat st;
    ASSERT_EQ(zoo_get(zh, "/keep", 0, buf, &len, &st), ZOK);
    EXPECT_EQ(std::string(buf, len), "1");
    zookeeper_close(zh);
    zh = nullptr;
}

#include "coordinator/tree/group_commit.h"
#include "coordinator/tree/snapshot.h"
#include "coordinator/tree/txn_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
namespace tree = brook::coordinator::tree;

namespace {

struct temp_dir {
    fs::path path;
    temp_dir() {
        path = fs::temp_directory_path() / ("brook-txnlog-" + std::to_string(std::random_device{}()));
        fs::create_directories(path);
    }
    ~temp_dir() { fs::remove_all(path); }
};

brook::bytes txn_bytes(int64_t zxid) {
    tree::txn t{tree::txn_header{1, zxid, 0, static_cast<int32_t>(tree::txn_type::create)},
                tree::create_txn{"/n" + std::to_string(zxid), {1, 2, 3}, {}, 0, 1}};
    return tree::encode_txn(t);
}

std::vector<int64_t> recover(const fs::path& dir, int64_t after = 0) {
    std::vector<int64_t> out;
    auto n = tree::txn_log::recover(dir, after, [&](brook::bytes_view p) -> brook::result<void> {
        out.push_back(tree::decode_txn(p).value().header.zxid);
        return brook::success();
    });
    EXPECT_TRUE(n);
    return out;
}

} // namespace

TEST(txn_log, appended_and_synced_entries_are_recovered_in_order) {
    temp_dir d;
    {
        tree::txn_log log(d.path, 4096, true);
        for (int64_t z = 1; z <= 100; ++z) {
            ASSERT_TRUE(log.append(z, txn_bytes(z)));
        }
        ASSERT_TRUE(log.sync());
    }
    auto got = recover(d.path);
    ASSERT_EQ(got.size(), 100u);
    EXPECT_EQ(got.front(), 1);
    EXPECT_EQ(got.back(), 100);
    EXPECT_EQ(recover(d.path, 60).size(), 40u);
}

TEST(txn_log, torn_tail_is_truncated) {
    temp_dir d;
    {
        tree::txn_log log(d.path, 1 << 20, true);
        for (int64_t z = 1; z <= 10; ++z) {
            ASSERT_TRUE(log.append(z, txn_bytes(z)));
        }
        ASSERT_TRUE(log.sync());
    }
    auto file = tree::txn_log::list(d.path).front().second;
    // Flip a byte inside the last entry: it and nothing else is dropped.
    auto size_before = recover(d.path).size();
    ASSERT_EQ(size_before, 10u);
    auto valid_end = fs::file_size(file);
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(valid_end) - 3);
        f.put('\x7f');
    }
    EXPECT_EQ(recover(d.path).size(), 9u);
    EXPECT_LT(fs::file_size(file), valid_end);
    // Appending after recovery starts a new file and everything reads back.
    {
        tree::txn_log log(d.path, 4096, true);
        ASSERT_TRUE(log.append(10, txn_bytes(10)));
        ASSERT_TRUE(log.sync());
    }
    EXPECT_EQ(recover(d.path).size(), 10u);
}

TEST(txn_log, roll_starts_a_new_file) {
    temp_dir d;
    tree::txn_log log(d.path, 4096, false);
    ASSERT_TRUE(log.append(1, txn_bytes(1)));
    ASSERT_TRUE(log.roll());
    ASSERT_TRUE(log.append(2, txn_bytes(2)));
    ASSERT_TRUE(log.sync());
    auto files = tree::txn_log::list(d.path);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[1].first, 2);
}

TEST(snapshot, restore_plus_purge) {
    temp_dir d;
    tree::processor p{tree::processor_options{}, 0};
    auto out = p.connect(brook::protocol::zookeeper::connect_request{0, 0, 10000, 0, {}}, 0, 0);
    tree::client_context ctx{out.response.session_id, {}};
    namespace zk = brook::protocol::zookeeper;
    std::vector<zk::acl> open{zk::acl{31, zk::acl_id{"world", "anyone"}}};
    for (int i = 0; i < 5; ++i) {
        p.process(ctx,
                  zk::request{zk::request_header{i, 1}, zk::create_request{"/s" + std::to_string(i), {1}, open, 1}}, 0,
                  0);
        ASSERT_TRUE(tree::write_snapshot(d.path, p.last_zxid(), tree::serialize_snapshot(p)));
    }
    tree::processor q{tree::processor_options{}, 0};
    auto z = tree::load_newest_snapshot(d.path, q, 0);
    ASSERT_TRUE(z);
    EXPECT_EQ(z.value().value(), p.last_zxid());
    EXPECT_EQ(q.tree().node_count(), p.tree().node_count());
    ASSERT_NE(q.tree().ephemerals(ctx.session), nullptr);
    EXPECT_EQ(q.tree().ephemerals(ctx.session)->size(), 5u);
    EXPECT_NE(q.sessions().find(ctx.session), nullptr);
    tree::purge(d.path, d.path, 3);
    EXPECT_EQ(tree::list_snapshots(d.path).size(), 3u);
}

TEST(group_commit, snapshots_are_only_purged_on_request) {
    temp_dir d;
    {
        tree::txn_log log(d.path, 64 << 10, false);
        tree::group_commit gc(log, tree::snapshot_settings{d.path, d.path, 3},
                              tree::group_commit_callbacks{
                                  [](int64_t) {},
                                  [](std::error_code) {},
                                  {},
                              });
        for (int64_t z = 1; z <= 6; ++z) {
            gc.submit(z, txn_bytes(z));
            gc.submit_snapshot(z, brook::bytes{1, 2, 3});
        }
        gc.stop();
    }
    EXPECT_EQ(tree::list_snapshots(d.path).size(), 6u);
    {
        tree::txn_log log(d.path, 64 << 10, false);
        tree::group_commit gc(log, tree::snapshot_settings{d.path, d.path, 3},
                              tree::group_commit_callbacks{
                                  [](int64_t) {},
                                  [](std::error_code) {},
                                  {},
                              });
        gc.submit(7, txn_bytes(7));
        gc.submit_purge();
        gc.stop();
    }
    auto snaps = tree::list_snapshots(d.path);
    ASSERT_EQ(snaps.size(), 3u);
    EXPECT_EQ(snaps.front().first, 4);
    // The txns above the oldest kept snapshot are still recoverable.
    auto zx = recover(d.path, 4);
    ASSERT_FALSE(zx.empty());
    EXPECT_EQ(zx.back(), 7);
}

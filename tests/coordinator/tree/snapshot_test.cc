// Fuzzy snapshots: the image is built in steps while writes keep changing the tree; restoring it and
// replaying every txn after its zxid must give the same state as the live tree.
#include "coordinator/tree/snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;
namespace tree = brook::coordinator::tree;
namespace zk = brook::protocol::zookeeper;

namespace {

struct fuzzy_fixture {
    tree::processor live{tree::processor_options{}, 0};
    tree::client_context ctx;
    std::vector<brook::bytes> txns; // every txn, in order
    std::vector<zk::acl> open{zk::acl{31, zk::acl_id{"world", "anyone"}}};
    int xid = 0;

    fuzzy_fixture() {
        auto out = live.connect(zk::connect_request{0, 0, 10000, 0, {}}, 0, 0);
        ctx = tree::client_context{out.response.session_id, {}};
        txns.push_back(*out.txn);
    }
    void run(int32_t type, zk::request_body body) {
        auto o = live.process(ctx, zk::request{zk::request_header{++xid, type}, std::move(body)}, 0, 0);
        if (o.txn) {
            txns.push_back(*o.txn);
        }
    }
    void create(const std::string& path, int32_t flags = 0) { run(1, zk::create_request{path, {1, 2}, open, flags}); }
    void remove(const std::string& path) { run(2, zk::delete_request{path, -1}); }
    void set(const std::string& path, uint8_t v) { run(5, zk::set_data_request{path, {v}, -1}); }
};

// Every node of `a` with its data and stat, in snapshot order.
std::vector<std::tuple<std::string, brook::bytes, zk::stat>> dump(const tree::processor& p) {
    std::vector<std::tuple<std::string, brook::bytes, zk::stat>> out;
    p.tree().for_each(
        [&](const std::string& path, const tree::znode& n) { out.emplace_back(path, n.data, p.tree().stat_of(n)); });
    return out;
}

} // namespace

TEST(fuzzy_snapshot, restore_plus_replay_matches_the_live_tree) {
    fuzzy_fixture f;
    for (int d = 0; d < 20; ++d) {
        std::string dir = "/d" + std::to_string(d);
        f.create(dir);
        for (int i = 0; i < 20; ++i) {
            f.create(dir + "/n" + std::to_string(i), i % 5 == 0 ? 1 : 0); // some ephemeral
        }
    }
    tree::snapshot_builder b(f.live);
    int64_t zxid = b.zxid();
    size_t txns_at_start = f.txns.size();
    int round = 0;
    std::mt19937 rng(7);
    while (!b.step(f.live, 15)) {
        // Between steps: delete whole directories (already written or not), re-create them, add
        // children to written and unwritten parts, change data.
        int d = static_cast<int>(rng() % 20);
        std::string dir = "/d" + std::to_string(d);
        for (int i = 0; i < 20; ++i) {
            f.remove(dir + "/n" + std::to_string(i));
        }
        f.remove(dir);
        f.create(dir);
        f.create(dir + "/n" + std::to_string(round % 20));
        f.create("/d" + std::to_string(rng() % 20) + "/new" + std::to_string(round));
        f.set("/d" + std::to_string(rng() % 20) + "/n" + std::to_string(rng() % 20), static_cast<uint8_t>(round));
        f.remove("/d" + std::to_string(rng() % 20) + "/n" + std::to_string(rng() % 20));
        ++round;
    }
    ASSERT_GT(round, 5);
    brook::bytes image = b.finish();

    char tmpl[] = "/tmp/brook-fuzzy-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    fs::path dir = tmpl;
    ASSERT_TRUE(tree::write_snapshot(dir, zxid, image));
    tree::processor restored{tree::processor_options{}, 0};
    auto loaded = tree::load_newest_snapshot(dir, restored, 0);
    fs::remove_all(dir);
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded.value().value(), zxid);
    for (size_t i = txns_at_start; i < f.txns.size(); ++i) {
        auto t = tree::decode_txn(f.txns[i]);
        ASSERT_TRUE(t);
        ASSERT_GT(t.value().header.zxid, zxid);
        restored.replay(t.value(), 0);
    }
    EXPECT_EQ(restored.last_zxid(), f.live.last_zxid());
    auto got = dump(restored), want = dump(f.live);
    for (size_t i = 0, j = 0; i < got.size() || j < want.size();) {
        if (i < got.size() && j < want.size() && std::get<0>(got[i]) == std::get<0>(want[j])) {
            ++i, ++j;
        } else if (j < want.size()) {
            ADD_FAILURE() << "restored lacks " << std::get<0>(want[j++]);
        } else {
            ADD_FAILURE() << "restored has extra " << std::get<0>(got[i++]);
        }
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        const auto& [gp, gd, gs] = got[i];
        const auto& [wp, wd, ws] = want[i];
        ASSERT_EQ(gp, wp);
        EXPECT_EQ(gd, wd) << gp;
        EXPECT_EQ(gs.version, ws.version) << gp;
        EXPECT_EQ(gs.cversion, ws.cversion) << gp;
        EXPECT_EQ(gs.mzxid, ws.mzxid) << gp;
        EXPECT_EQ(gs.pzxid, ws.pzxid) << gp;
        EXPECT_EQ(gs.czxid, ws.czxid) << gp;
        EXPECT_EQ(gs.ephemeral_owner, ws.ephemeral_owner) << gp;
    }
    ASSERT_NE(restored.tree().ephemerals(f.ctx.session), nullptr);
    EXPECT_EQ(*restored.tree().ephemerals(f.ctx.session), *f.live.tree().ephemerals(f.ctx.session));
}

TEST(fuzzy_snapshot, one_step_image_equals_the_stepwise_one_without_writes) {
    fuzzy_fixture f;
    for (int i = 0; i < 50; ++i) {
        f.create("/n" + std::to_string(i));
    }
    tree::snapshot_builder b(f.live);
    while (!b.step(f.live, 7)) {
    }
    EXPECT_EQ(b.finish(), tree::serialize_snapshot(f.live));
}

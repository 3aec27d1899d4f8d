// Watches against a real server: one-shot watches fire once and in order; persistent ones keep
// firing; exist watches on missing nodes.
#include "client/zookeeper/fixture.h"

namespace brook::client::zookeeper::test {
namespace {

class watches : public zk_test {};

struct tagged_event {
    std::string tag;
    watch_event event;
};

TEST_P(watches, DataWatchFiresOnceAndInOrder) {
    auto& zk = connect();
    auto& writer = connect();
    ASSERT_TRUE(zk.create("/w1", {}).get());
    ASSERT_TRUE(zk.create("/w2", {}).get());

    auto& events = make_collector<tagged_event>();
    auto tag = [&events](std::string t) { return [&events, t](const watch_event& e) { events.push({t, e}); }; };
    ASSERT_TRUE(zk.get_data("/w1", tag("w1")).get());
    ASSERT_TRUE(zk.get_data("/w2", tag("w2")).get());
    // Two registrations on one path: each is called once.
    ASSERT_TRUE(zk.exists("/w1", tag("w1-exists")).get());

    ASSERT_TRUE(writer.set_data("/w1", to_bytes("a")).get());
    ASSERT_TRUE(writer.set_data("/w2", to_bytes("b")).get());
    ASSERT_TRUE(writer.set_data("/w1", to_bytes("c")).get()); // no watch left on /w1
    // A later round trip on the watching session: every event for earlier changes precedes it.
    ASSERT_TRUE(zk.sync("/").get());
    ASSERT_TRUE(zk.get_data("/w1").get());

    auto got = events.wait_for(3);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].tag, "w1");
    EXPECT_EQ(got[0].event.type, event_type::node_data_changed);
    EXPECT_EQ(got[0].event.path, "/w1");
    EXPECT_EQ(got[1].tag, "w1-exists");
    EXPECT_EQ(got[2].tag, "w2");
    EXPECT_EQ(got[2].event.path, "/w2");
    EXPECT_EQ(events.items().size(), 3u);
}

TEST_P(watches, ChildExistAndDeleteWatches) {
    auto& zk = connect();
    auto& writer = connect();
    ASSERT_TRUE(zk.create("/c", {}).get());

    auto& child_events = make_collector<watch_event>();
    auto& exist_events = make_collector<watch_event>();
    auto& data_events = make_collector<watch_event>();
    ASSERT_TRUE(zk.get_children("/c", [&](const watch_event& e) { child_events.push(e); }).get());
    auto missing = zk.exists("/c/new", [&](const watch_event& e) { exist_events.push(e); }).get();
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing.value().has_value());

    ASSERT_TRUE(writer.create("/c/new", {}).get());
    auto ch = child_events.wait_for(1);
    ASSERT_EQ(ch.size(), 1u);
    EXPECT_EQ(ch[0].type, event_type::node_children_changed);
    EXPECT_EQ(ch[0].path, "/c");
    auto ex = exist_events.wait_for(1);
    ASSERT_EQ(ex.size(), 1u);
    EXPECT_EQ(ex[0].type, event_type::node_created);
    EXPECT_EQ(ex[0].path, "/c/new");

    ASSERT_TRUE(zk.get_data("/c/new", [&](const watch_event& e) { data_events.push(e); }).get());
    ASSERT_TRUE(writer.remove("/c/new").get());
    auto de = data_events.wait_for(1);
    ASSERT_EQ(de.size(), 1u);
    EXPECT_EQ(de[0].type, event_type::node_deleted);
    // The child watch was one-shot: the delete did not fire it again.
    ASSERT_TRUE(zk.sync("/").get());
    ASSERT_TRUE(zk.exists("/c").get());
    EXPECT_EQ(child_events.items().size(), 1u);
}

TEST_P(watches, PersistentAndRecursiveWatchesKeepFiring) {
    auto& zk = connect();
    // A second session for the recursive watch: ZooKeeper 3.8 keeps one watch mode per path and
    // session, so a recursive watch would replace a persistent one on the same path.
    auto& zk2 = connect();
    auto& writer = connect();
    ASSERT_TRUE(zk.create("/pw", {}).get());
    auto& persistent = make_collector<watch_event>();
    auto& recursive = make_collector<watch_event>();
    ASSERT_TRUE(
        zk.add_watch("/pw", add_watch_mode::persistent, [&](const watch_event& e) { persistent.push(e); }).get());
    ASSERT_TRUE(
        zk2.add_watch("/pw", add_watch_mode::persistent_recursive, [&](const watch_event& e) { recursive.push(e); })
            .get());

    ASSERT_TRUE(writer.set_data("/pw", to_bytes("1")).get());
    ASSERT_TRUE(writer.create("/pw/a", {}).get());
    ASSERT_TRUE(writer.create("/pw/a/b", {}).get());
    ASSERT_TRUE(writer.set_data("/pw/a/b", to_bytes("2")).get());
    ASSERT_TRUE(writer.remove("/pw/a/b").get());
    ASSERT_TRUE(writer.set_data("/pw", to_bytes("3")).get());

    auto p = persistent.wait_for(3);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].type, event_type::node_data_changed);
    EXPECT_EQ(p[1].type, event_type::node_children_changed);
    EXPECT_EQ(p[2].type, event_type::node_data_changed);

    auto r = recursive.wait_for(6);
    ASSERT_EQ(r.size(), 6u);
    EXPECT_EQ(r[0].type, event_type::node_data_changed);
    EXPECT_EQ(r[0].path, "/pw");
    EXPECT_EQ(r[1].type, event_type::node_created);
    EXPECT_EQ(r[1].path, "/pw/a");
    EXPECT_EQ(r[2].type, event_type::node_created);
    EXPECT_EQ(r[2].path, "/pw/a/b");
    EXPECT_EQ(r[3].type, event_type::node_data_changed);
    EXPECT_EQ(r[4].type, event_type::node_deleted);
    EXPECT_EQ(r[4].path, "/pw/a/b");
    EXPECT_EQ(r[5].path, "/pw");
}

INSTANTIATE_TEST_SUITE_P(servers, watches, ::testing::Values(zookeeper_flavor::apache, zookeeper_flavor::brook),
                         flavor_name);

} // namespace
} // namespace brook::client::zookeeper::test

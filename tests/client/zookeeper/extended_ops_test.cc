// CreateTTL, getEphemerals, getAllChildrenNumber, multiRead and removeWatches/checkWatches against both servers (Apache
// ZooKeeper 3.8 with extendedTypesEnabled=true, and brook-coordinator).
#include "client/zookeeper/fixture.h"

#include <algorithm>

namespace brook::client::zookeeper::test {
namespace {

class extended_ops : public zk_test {};

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

TEST_P(extended_ops, CreateTtlNodes) {
    auto& zk = connect();
    auto plain = zk.create_ttl("/ttl", to_bytes("t"), create_mode::persistent_with_ttl, 60s).get();
    ASSERT_TRUE(plain) << plain.error().message();
    EXPECT_EQ(plain.value().path, "/ttl");
    EXPECT_EQ(plain.value().stat.data_length, 1);
    auto got = zk.get_data("/ttl").get();
    ASSERT_TRUE(got);
    EXPECT_EQ(to_string(got.value().data), "t");

    auto seq = zk.create_ttl("/ttl/s-", {}, create_mode::persistent_sequential_with_ttl, 60s).get();
    ASSERT_TRUE(seq) << seq.error().message();
    EXPECT_EQ(seq.value().path, "/ttl/s-0000000000");

    // A TTL needs a TTL mode, and a TTL mode needs a positive TTL.
    auto wrong_mode = zk.create_ttl("/ttl/p", {}, create_mode::persistent, 60s).get();
    ASSERT_FALSE(wrong_mode);
    EXPECT_EQ(wrong_mode.error(), error_code::bad_arguments);
    auto zero = zk.create_ttl("/ttl/z", {}, create_mode::persistent_with_ttl, 0ms).get();
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error(), error_code::bad_arguments);
    auto exists = zk.create_ttl("/ttl", {}, create_mode::persistent_with_ttl, 60s).get();
    ASSERT_FALSE(exists);
    EXPECT_EQ(exists.error(), error_code::node_exists);
}

TEST_P(extended_ops, GetEphemeralsOfThisSessionByPrefix) {
    auto& zk = connect();
    ASSERT_TRUE(zk.create("/e", {}).get());
    ASSERT_TRUE(zk.create("/e/a", {}, create_mode::ephemeral).get());
    ASSERT_TRUE(zk.create("/e/b", {}).get());
    ASSERT_TRUE(zk.create("/e/b/c", {}, create_mode::ephemeral).get());
    ASSERT_TRUE(zk.create("/ex", {}, create_mode::ephemeral).get());
    ASSERT_TRUE(zk.create("/other", {}, create_mode::ephemeral).get());

    auto all = zk.get_ephemerals().get();
    ASSERT_TRUE(all) << all.error().message();
    EXPECT_EQ(sorted(all.value()), (std::vector<std::string>{"/e/a", "/e/b/c", "/ex", "/other"}));
    // A string prefix: "/e" also matches "/ex".
    auto under_e = zk.get_ephemerals("/e").get();
    ASSERT_TRUE(under_e);
    EXPECT_EQ(sorted(under_e.value()), (std::vector<std::string>{"/e/a", "/e/b/c", "/ex"}));
    auto under_b = zk.get_ephemerals("/e/b").get();
    ASSERT_TRUE(under_b);
    EXPECT_EQ(under_b.value(), (std::vector<std::string>{"/e/b/c"}));

    // Another session sees only its own.
    auto& other = connect();
    auto none = other.get_ephemerals().get();
    ASSERT_TRUE(none);
    EXPECT_TRUE(none.value().empty());

    // Under a chroot the paths are relative to it.
    client_options opts;
    opts.connect_string = server().connect_string() + "/e";
    auto& rooted = connect(opts);
    ASSERT_TRUE(rooted.create("/mine", {}, create_mode::ephemeral).get());
    auto mine = rooted.get_ephemerals().get();
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine.value(), (std::vector<std::string>{"/mine"}));
}

TEST_P(extended_ops, GetAllChildrenNumberCountsEveryDepth) {
    auto& zk = connect();
    ASSERT_TRUE(zk.create("/n", {}).get());
    auto zero = zk.get_all_children_number("/n").get();
    ASSERT_TRUE(zero) << zero.error().message();
    EXPECT_EQ(zero.value(), 0);
    ASSERT_TRUE(zk.ensure_path("/n/a/b/c").get());
    ASSERT_TRUE(zk.create("/n/d", {}).get());
    ASSERT_TRUE(zk.create("/nx", {}).get()); // a sibling sharing the name prefix is not below /n
    auto four = zk.get_all_children_number("/n").get();
    ASSERT_TRUE(four);
    EXPECT_EQ(four.value(), 4);
    auto one = zk.get_all_children_number("/n/a/b").get();
    ASSERT_TRUE(one);
    EXPECT_EQ(one.value(), 1);
    auto missing = zk.get_all_children_number("/missing").get();
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), error_code::no_node);
}

TEST_P(extended_ops, MultiReadAnswersEachReadOnItsOwn) {
    auto& zk = connect();
    ASSERT_TRUE(zk.create("/m", to_bytes("md")).get());
    ASSERT_TRUE(zk.create("/m/a", to_bytes("ad")).get());
    ASSERT_TRUE(zk.create("/m/b", {}).get());
    auto r = zk.multi_read({read_op::get_data{"/m"}, read_op::get_children{"/missing"}, read_op::get_children{"/m"},
                            read_op::get_data{"/m/a"}, read_op::get_data{"/missing"}})
                 .get();
    ASSERT_TRUE(r) << r.error().message();
    const auto& res = r.value();
    ASSERT_EQ(res.size(), 5u);
    EXPECT_FALSE(res[0].error);
    EXPECT_EQ(to_string(res[0].data), "md");
    EXPECT_EQ(res[0].stat.num_children, 2);
    EXPECT_EQ(res[1].error, error_code::no_node);
    EXPECT_FALSE(res[2].error);
    EXPECT_EQ(sorted(res[2].children), (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(res[3].error);
    EXPECT_EQ(to_string(res[3].data), "ad");
    EXPECT_EQ(res[4].error, error_code::no_node);

    auto bad = zk.multi_read({read_op::get_data{"no-slash"}}).get();
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), errc::invalid_path);
}

TEST_P(extended_ops, RemoveAndCheckWatches) {
    auto& zk = connect();
    auto& events = make_collector<watch_event>();
    auto on = [&events](const watch_event& e) { events.push(e); };
    ASSERT_TRUE(zk.create("/w", {}).get());
    ASSERT_TRUE(zk.get_data("/w", on).get());
    ASSERT_TRUE(zk.get_children("/w", on).get());
    EXPECT_TRUE(zk.check_watches("/w", watcher_type::data).get());
    EXPECT_TRUE(zk.check_watches("/w", watcher_type::children).get());
    EXPECT_EQ(zk.check_watches("/other", watcher_type::any).get().error(), error_code::no_watcher);

    ASSERT_TRUE(zk.remove_watches("/w", watcher_type::data).get());
    EXPECT_EQ(zk.check_watches("/w", watcher_type::data).get().error(), error_code::no_watcher);
    EXPECT_TRUE(zk.check_watches("/w", watcher_type::children).get());
    EXPECT_EQ(zk.remove_watches("/w", watcher_type::data).get().error(), error_code::no_watcher);
    // Only the child watch is left: events precede the reply that reflects them, so both are
    // in (or not) once create() has answered.
    ASSERT_TRUE(zk.set_data("/w", to_bytes("x")).get());
    ASSERT_TRUE(zk.create("/w/c", {}).get());
    auto got = events.wait_for(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, event_type::node_children_changed);

    ASSERT_TRUE(zk.get_data("/w", on).get());
    ASSERT_TRUE(zk.get_children("/w", on).get());
    ASSERT_TRUE(zk.remove_watches("/w", watcher_type::any).get());
    EXPECT_EQ(zk.check_watches("/w", watcher_type::any).get().error(), error_code::no_watcher);
    ASSERT_TRUE(zk.set_data("/w", to_bytes("y")).get());
    ASSERT_TRUE(zk.create("/w/d", {}).get());
    ASSERT_TRUE(zk.sync("/w").get());
    EXPECT_EQ(events.items().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(servers, extended_ops, ::testing::Values(zookeeper_flavor::apache, zookeeper_flavor::brook),
                         flavor_name);

} // namespace
} // namespace brook::client::zookeeper::test

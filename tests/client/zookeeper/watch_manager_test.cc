#include "client/zookeeper/watch_manager.h"

#include <gtest/gtest.h>

namespace brook::client::zookeeper::detail {
namespace {

struct recorder {
    std::vector<std::string> calls;
    watcher make(std::string tag) {
        return [this, tag](const watch_event&) { calls.push_back(tag); };
    }
};

void fire(watch_manager& m, event_type t, const std::string& path) {
    for (auto& w : m.collect(t, path)) {
        w(watch_event{t, path});
    }
}

TEST(watch_manager, RemoveDropsOneShotWatchesByType) {
    watch_manager m;
    recorder r;
    m.add(watch_kind::data, "/a", r.make("data"));
    m.add(watch_kind::exist, "/a", r.make("exist"));
    m.add(watch_kind::child, "/a", r.make("child"));
    m.add(watch_kind::persistent, "/a", r.make("persistent"));
    m.remove("/a", protocol::zookeeper::watcher_type::data);
    fire(m, event_type::node_deleted, "/a");
    EXPECT_EQ(r.calls, (std::vector<std::string>{"child", "persistent"}));

    r.calls.clear();
    m.add(watch_kind::data, "/b", r.make("data"));
    m.add(watch_kind::child, "/b", r.make("child"));
    m.remove("/b", protocol::zookeeper::watcher_type::children);
    fire(m, event_type::node_deleted, "/b");
    EXPECT_EQ(r.calls, (std::vector<std::string>{"data"}));

    r.calls.clear();
    m.add(watch_kind::data, "/c", r.make("data"));
    m.add(watch_kind::child, "/c", r.make("child"));
    m.remove("/c", protocol::zookeeper::watcher_type::any);
    fire(m, event_type::node_deleted, "/c");
    EXPECT_TRUE(r.calls.empty());
}

TEST(watch_manager, OneShotWatchesFireOnceByEventType) {
    watch_manager m;
    recorder r;
    m.add(watch_kind::data, "/a", r.make("data"));
    m.add(watch_kind::exist, "/b", r.make("exist"));
    m.add(watch_kind::child, "/a", r.make("child"));

    fire(m, event_type::node_children_changed, "/a");
    fire(m, event_type::node_data_changed, "/a");
    fire(m, event_type::node_data_changed, "/a");
    fire(m, event_type::node_created, "/b");
    EXPECT_EQ(r.calls, (std::vector<std::string>{"child", "data", "exist"}));
    EXPECT_TRUE(m.empty());
}

TEST(watch_manager, DeleteFiresDataExistAndChild) {
    watch_manager m;
    recorder r;
    m.add(watch_kind::child, "/a", r.make("child"));
    m.add(watch_kind::data, "/a", r.make("data"));
    fire(m, event_type::node_deleted, "/a");
    EXPECT_EQ(r.calls, (std::vector<std::string>{"data", "child"}));
}

TEST(watch_manager, PersistentAndRecursiveStay) {
    watch_manager m;
    recorder r;
    m.add(watch_kind::persistent, "/a", r.make("p"));
    m.add(watch_kind::persistent_recursive, "/", r.make("root"));
    m.add(watch_kind::persistent_recursive, "/a", r.make("rec"));
    fire(m, event_type::node_data_changed, "/a");
    fire(m, event_type::node_children_changed, "/a");
    fire(m, event_type::node_created, "/a/b/c");
    EXPECT_EQ(r.calls, (std::vector<std::string>{"p", "rec", "root", "p", "rec", "root"}));
    EXPECT_TRUE(m.has_persistent());
}

TEST(watch_manager, SnapshotListsPathsPerKind) {
    watch_manager m;
    m.add(watch_kind::data, "/d", [](const watch_event&) {});
    m.add(watch_kind::exist, "/e", [](const watch_event&) {});
    m.add(watch_kind::child, "/c", [](const watch_event&) {});
    m.add(watch_kind::persistent_recursive, "/r", [](const watch_event&) {});
    m.add(watch_kind::data, "/none", {}); // an empty watcher registers nothing
    auto s = m.snapshot(42);
    EXPECT_EQ(s.relative_zxid, 42);
    EXPECT_EQ(s.data_watches, std::vector<std::string>{"/d"});
    EXPECT_EQ(s.exist_watches, std::vector<std::string>{"/e"});
    EXPECT_EQ(s.child_watches, std::vector<std::string>{"/c"});
    EXPECT_TRUE(s.persistent_watches.empty());
    EXPECT_EQ(s.persistent_recursive_watches, std::vector<std::string>{"/r"});
    m.clear();
    EXPECT_TRUE(m.empty());
}

} // namespace
} // namespace brook::client::zookeeper::detail

// Every client operation against a real server (Apache ZooKeeper 3.8 and brook-coordinator).
#include "brook/client/zookeeper/async.h"
#include "client/zookeeper/fixture.h"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <future>

namespace brook::client::zookeeper::test {
namespace {

class operations : public zk_test {};

TEST_P(operations, CreateGetSetDeleteWithVersions) {
    auto& zk = connect();
    auto path = zk.create("/crud", to_bytes("v0")).get();
    ASSERT_TRUE(path) << path.error().message();
    EXPECT_EQ(path.value(), "/crud");

    auto again = zk.create("/crud", {}).get();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), error_code::node_exists);
    EXPECT_EQ(again.error().value(), -110);

    auto got = zk.get_data("/crud").get();
    ASSERT_TRUE(got);
    EXPECT_EQ(to_string(got.value().data), "v0");
    EXPECT_EQ(got.value().stat.version, 0);
    EXPECT_EQ(got.value().stat.data_length, 2);

    auto st = zk.set_data("/crud", to_bytes("v1"), 0).get();
    ASSERT_TRUE(st);
    EXPECT_EQ(st.value().version, 1);
    auto bad = zk.set_data("/crud", to_bytes("v2"), 0).get();
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), error_code::bad_version);

    auto del_bad = zk.remove("/crud", 7).get();
    ASSERT_FALSE(del_bad);
    EXPECT_EQ(del_bad.error(), error_code::bad_version);
    ASSERT_TRUE(zk.remove("/crud", 1).get());

    auto gone = zk.get_data("/crud").get();
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error(), error_code::no_node);
    auto ex = zk.exists("/crud").get();
    ASSERT_TRUE(ex);
    EXPECT_FALSE(ex.value().has_value());
    EXPECT_EQ(zk.remove("/crud").get().error(), error_code::no_node);
}

TEST_P(operations, Create2ChildrenSequentialAndContainer) {
    auto& zk = connect();
    auto c2 = zk.create2("/p", to_bytes("parent")).get();
    ASSERT_TRUE(c2);
    EXPECT_EQ(c2.value().path, "/p");
    EXPECT_EQ(c2.value().stat.data_length, 6);
    EXPECT_GT(c2.value().stat.czxid, 0);

    ASSERT_TRUE(zk.create("/p/b", {}).get());
    ASSERT_TRUE(zk.create("/p/a", {}).get());
    auto s1 = zk.create_sequential("/p/seq-", to_bytes("x")).get();
    auto s2 = zk.create_sequential("/p/seq-", to_bytes("y")).get();
    ASSERT_TRUE(s1 && s2);
    EXPECT_EQ(s1.value().size(), std::string("/p/seq-").size() + 10);
    EXPECT_LT(s1.value(), s2.value());

    auto kids = zk.get_children("/p").get();
    ASSERT_TRUE(kids);
    auto names = kids.value();
    std::sort(names.begin(), names.end());
    ASSERT_EQ(names.size(), 4u);
    EXPECT_EQ(names[0], "a");
    EXPECT_EQ(names[1], "b");

    auto kids2 = zk.get_children2("/p").get();
    ASSERT_TRUE(kids2);
    EXPECT_EQ(kids2.value().stat.num_children, 4);
    EXPECT_EQ(kids2.value().children.size(), 4u);

    auto not_empty = zk.remove("/p").get();
    ASSERT_FALSE(not_empty);
    EXPECT_EQ(not_empty.error(), error_code::not_empty);

    auto container = zk.create("/box", {}, create_mode::container).get();
    ASSERT_TRUE(container) << container.error().message();
    EXPECT_EQ(container.value(), "/box");

    auto eph = zk.create_ephemeral("/p/eph", {}).get();
    ASSERT_TRUE(eph);
    auto st = zk.exists("/p/eph").get();
    ASSERT_TRUE(st && st.value());
    EXPECT_EQ(st.value()->ephemeral_owner, zk.session_id());
    auto child_of_eph = zk.create("/p/eph/x", {}).get();
    ASSERT_FALSE(child_of_eph);
    EXPECT_EQ(child_of_eph.error(), error_code::no_children_for_ephemerals);
}

TEST_P(operations, InvalidPathsFailBeforeSending) {
    auto& zk = connect();
    for (const char* p : {"", "rel", "/a/", "/a//b", "/a/./b"}) {
        auto r = zk.create(p, {}).get();
        ASSERT_FALSE(r) << p;
        EXPECT_EQ(r.error(), errc::invalid_path) << p;
    }
    auto missing_parent = zk.create("/no/such/parent", {}).get();
    ASSERT_FALSE(missing_parent);
    EXPECT_EQ(missing_parent.error(), error_code::no_node);
}

TEST_P(operations, MultiIsAllOrNothing) {
    auto& zk = connect();
    ASSERT_TRUE(zk.create("/m", to_bytes("0")).get());

    auto ok = zk.multi({op::create{"/m/a", to_bytes("a")}, op::set_data{"/m", to_bytes("1"), 0}, op::check{"/m", 1},
                        op::create{"/m/s-", {}, create_mode::persistent_sequential}})
                  .get();
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_TRUE(ok.value().committed);
    ASSERT_EQ(ok.value().results.size(), 4u);
    EXPECT_EQ(ok.value().results[0].path, "/m/a");
    EXPECT_EQ(ok.value().results[1].stat.version, 1);
    EXPECT_FALSE(ok.value().results[2].error);
    EXPECT_EQ(ok.value().results[3].path.rfind("/m/s-", 0), 0u);
    EXPECT_FALSE(ok.value().first_error());

    // The second op fails: nothing of the transaction is applied.
    auto aborted = zk.multi({op::create{"/m/b", {}}, op::create{"/m/a", {}}, op::remove{"/m/a"}}).get();
    ASSERT_TRUE(aborted) << aborted.error().message();
    EXPECT_FALSE(aborted.value().committed);
    ASSERT_EQ(aborted.value().results.size(), 3u);
    EXPECT_FALSE(aborted.value().results[0].error);
    EXPECT_EQ(aborted.value().results[1].error, error_code::node_exists);
    EXPECT_EQ(aborted.value().results[2].error, error_code::runtime_inconsistency);
    EXPECT_EQ(aborted.value().first_error(), error_code::node_exists);
    auto b = zk.exists("/m/b").get();
    ASSERT_TRUE(b);
    EXPECT_FALSE(b.value().has_value());
    auto a = zk.exists("/m/a").get();
    ASSERT_TRUE(a);
    EXPECT_TRUE(a.value().has_value());

    auto bad_check = zk.multi({op::check{"/m", 0}, op::remove{"/m/a"}}).get();
    ASSERT_TRUE(bad_check);
    EXPECT_FALSE(bad_check.value().committed);
    EXPECT_EQ(bad_check.value().first_error(), error_code::bad_version);
    EXPECT_TRUE(zk.exists("/m/a").get().value().has_value());
}

TEST_P(operations, SyncAclAndAuth) {
    auto& zk = connect();
    auto synced = zk.sync("/").get();
    ASSERT_TRUE(synced) << synced.error().message();

    ASSERT_TRUE(zk.create("/open", {}).get());
    auto acl = zk.get_acl("/open").get();
    ASSERT_TRUE(acl);
    ASSERT_EQ(acl.value().acl.size(), 1u);
    EXPECT_EQ(acl.value().acl[0].id.scheme, "world");
    EXPECT_EQ(acl.value().acl[0].id.id, "anyone");
    EXPECT_EQ(acl.value().acl[0].perms, perms::all);

    auto set = zk.set_acl("/open", read_acl_unsafe(), 0).get();
    ASSERT_TRUE(set);
    EXPECT_EQ(set.value().aversion, 1);
    auto denied = zk.set_data("/open", to_bytes("x")).get();
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error(), error_code::no_auth);

    // A node only its creator's digest identity may touch.
    ASSERT_TRUE(zk.add_auth("digest", to_bytes("alice:secret")).get());
    ASSERT_TRUE(zk.create("/private", to_bytes("p"), create_mode::persistent, creator_all_acl()).get());
    auto owner_read = zk.get_data("/private").get();
    ASSERT_TRUE(owner_read) << owner_read.error().message();
    auto pacl = zk.get_acl("/private").get();
    ASSERT_TRUE(pacl);
    ASSERT_EQ(pacl.value().acl.size(), 1u);
    EXPECT_EQ(pacl.value().acl[0].id.scheme, "digest");
    EXPECT_EQ(pacl.value().acl[0].id.id.rfind("alice:", 0), 0u);

    auto& other = connect();
    auto other_read = other.get_data("/private").get();
    ASSERT_FALSE(other_read);
    EXPECT_EQ(other_read.error(), error_code::no_auth);
    ASSERT_TRUE(other.add_auth("digest", to_bytes("alice:secret")).get());
    EXPECT_TRUE(other.get_data("/private").get());
}

TEST_P(operations, EnsurePathAndDeleteRecursive) {
    auto& zk = connect();
    ASSERT_TRUE(zk.ensure_path("/deep/a/b/c").get());
    ASSERT_TRUE(zk.ensure_path("/deep/a/b/c").get()); // idempotent
    ASSERT_TRUE(zk.ensure_path("/deep/a/x").get());
    ASSERT_TRUE(zk.create("/deep/a/b/c/leaf", to_bytes("l")).get());
    EXPECT_TRUE(zk.exists("/deep/a/b/c").get().value().has_value());

    ASSERT_TRUE(zk.delete_recursive("/deep").get());
    EXPECT_FALSE(zk.exists("/deep").get().value().has_value());
    EXPECT_TRUE(zk.delete_recursive("/deep").get()); // already gone is fine
}

TEST_P(operations, ChrootAppliesToEveryPathInAndOut) {
    auto& root = connect();
    ASSERT_TRUE(root.create("/app", {}).get());

    client_options opts;
    opts.connect_string = server().connect_string() + "/app";
    auto& zk = connect(opts);
    auto p = zk.create("/node", to_bytes("in-chroot")).get();
    ASSERT_TRUE(p);
    EXPECT_EQ(p.value(), "/node");
    auto seq = zk.create_sequential("/s-", {}).get();
    ASSERT_TRUE(seq);
    EXPECT_EQ(seq.value().rfind("/s-", 0), 0u);

    auto seen = root.get_data("/app/node").get();
    ASSERT_TRUE(seen);
    EXPECT_EQ(to_string(seen.value().data), "in-chroot");
    auto kids = zk.get_children("/").get();
    ASSERT_TRUE(kids);
    EXPECT_EQ(kids.value().size(), 2u);

    auto& events = make_collector<watch_event>();
    ASSERT_TRUE(zk.get_data("/node", [&](const watch_event& e) { events.push(e); }).get());
    ASSERT_TRUE(root.set_data("/app/node", to_bytes("changed")).get());
    auto got = events.wait_for(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].path, "/node");
    EXPECT_EQ(got[0].type, event_type::node_data_changed);

    auto m = zk.multi({op::create{"/mm", {}}}).get();
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value().results.at(0).path, "/mm");
    ASSERT_TRUE(zk.ensure_path("/x/y").get());
    EXPECT_TRUE(root.exists("/app/x/y").get().value().has_value());
}

boost::asio::awaitable<std::string> coroutine_ops(client& zk) {
    auto created = co_await co(zk.create("/co", to_bytes("1")));
    if (!created) {
        co_return "create: " + created.error().message();
    }
    auto st = co_await co(zk.set_data("/co", to_bytes("2"), 0));
    if (!st) {
        co_return "set: " + st.error().message();
    }
    auto missing = co_await co(zk.get_data("/co/missing"));
    if (missing || missing.error() != error_code::no_node) {
        co_return "expected no_node";
    }
    auto got = co_await co(zk.get_data("/co"));
    co_return got ? to_string(got.value().data) : got.error().message();
}

TEST_P(operations, AwaitableAndCallbackForms) {
    auto& zk = connect();
    std::promise<std::string> done;
    boost::asio::co_spawn(io(), coroutine_ops(zk),
                          [&done](std::exception_ptr e, std::string r) { done.set_value(e ? "exception" : r); });
    auto f = done.get_future();
    ASSERT_EQ(f.wait_for(20s), std::future_status::ready);
    EXPECT_EQ(f.get(), "2");

    std::promise<result<stat>> cb;
    zk.set_data("/co", to_bytes("3")).then([&cb](result<stat> r) { cb.set_value(std::move(r)); });
    auto cf = cb.get_future();
    ASSERT_EQ(cf.wait_for(20s), std::future_status::ready);
    auto r = cf.get();
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().version, 2);
}

TEST_P(operations, RequestsIssuedBeforeConnectRunInOrder) {
    client_options opts;
    opts.connect_string = server().connect_string();
    _clients.push_back(std::make_unique<client>(io(), opts));
    auto& zk = *_clients.back();
    // Issued at once, before the handshake completes: queued, then sent in order.
    auto f1 = zk.create("/order", to_bytes("a")).future();
    auto f2 = zk.set_data("/order", to_bytes("b"), 0).future();
    auto f3 = zk.get_data("/order").future();
    ASSERT_TRUE(f1.get());
    ASSERT_TRUE(f2.get());
    auto got = f3.get();
    ASSERT_TRUE(got);
    EXPECT_EQ(to_string(got.value().data), "b");
    EXPECT_EQ(zk.state(), session_state::connected);
    EXPECT_GT(zk.negotiated_timeout().count(), 0);
}

TEST_P(operations, HostListSkipsDeadHosts) {
    client_options opts;
    opts.connect_string = "127.0.0.1:" + std::to_string(brook::test::free_port()) + "," + server().connect_string();
    opts.shuffle_hosts = false;
    opts.connect_timeout = 2s;
    auto& zk = connect(opts);
    EXPECT_EQ(zk.state(), session_state::connected);
    EXPECT_TRUE(zk.exists("/").get());
}

INSTANTIATE_TEST_SUITE_P(servers, operations, ::testing::Values(zookeeper_flavor::apache, zookeeper_flavor::brook),
                         flavor_name);

} // namespace
} // namespace brook::client::zookeeper::test

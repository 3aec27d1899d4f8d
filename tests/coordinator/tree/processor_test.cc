#include "coordinator/tree/processor.h"

#include <gtest/gtest.h>

namespace zk = brook::protocol::zookeeper;
namespace tree = brook::coordinator::tree;

namespace {

class processor_test : public ::testing::Test {
protected:
    tree::processor proc{tree::processor_options{}, 0};
    int32_t xid = 0;

    tree::client_context session() {
        auto out = proc.connect(zk::connect_request{0, 0, 10000, 0, brook::bytes(16, 0)}, 0, 1000);
        EXPECT_TRUE(out.valid);
        tree::client_context ctx;
        ctx.session = out.response.session_id;
        ctx.auth.ids.push_back(zk::acl_id{"ip", "127.0.0.1"});
        return ctx;
    }

    tree::outcome run(tree::client_context& ctx, zk::op_code op, zk::request_body body) {
        return proc.process(ctx, zk::request{zk::request_header{++xid, static_cast<int32_t>(op)}, std::move(body)}, 0,
                            1000);
    }

    static std::vector<zk::acl> open_acl() { return {zk::acl{zk::perms::all, zk::acl_id{"world", "anyone"}}}; }

    tree::outcome create(tree::client_context& ctx, const std::string& path, int32_t flags = 0) {
        return run(ctx, zk::op_code::create, zk::create_request{path, {}, open_acl(), flags});
    }

    static int32_t err(const tree::outcome& o) { return o.header.err; }
    static int32_t code(zk::error_code e) { return static_cast<int32_t>(e); }
};

} // namespace

TEST_F(processor_test, create_assigns_consecutive_zxids_and_full_stat) {
    auto c = session();
    auto a = create(c, "/a");
    ASSERT_EQ(err(a), 0);
    EXPECT_TRUE(a.txn.has_value());
    auto b = create(c, "/a/b");
    EXPECT_EQ(b.header.zxid, a.header.zxid + 1);
    const auto* node = proc.tree().find("/a");
    ASSERT_NE(node, nullptr);
    auto st = proc.tree().stat_of(*node);
    EXPECT_EQ(st.czxid, a.header.zxid);
    EXPECT_EQ(st.pzxid, b.header.zxid);
    EXPECT_EQ(st.cversion, 1);
    EXPECT_EQ(st.num_children, 1);
}

TEST_F(processor_test, path_rules) {
    auto c = session();
    for (const char* bad : {"a", "/a/", "//a", "/a/./b", "/a/../b", ""}) {
        EXPECT_EQ(err(create(c, bad)), code(zk::error_code::bad_arguments)) << bad;
    }
    EXPECT_EQ(err(create(c, "/x/y")), code(zk::error_code::no_node));
}

TEST_F(processor_test, sequential_suffix_uses_parent_cversion) {
    auto c = session();
    create(c, "/q");
    create(c, "/q/other");
    auto s = create(c, "/q/n-", static_cast<int32_t>(zk::create_mode::persistent_sequential));
    auto rsp = zk::decode<zk::create_response>(brook::bytes_view(s.body));
    ASSERT_TRUE(rsp);
    EXPECT_EQ(rsp.value().path, "/q/n-0000000001");
}

TEST_F(processor_test, ephemerals_go_with_the_session_and_fire_watches) {
    auto owner = session();
    auto watcher = session();
    create(owner, "/e", static_cast<int32_t>(zk::create_mode::ephemeral));
    EXPECT_EQ(err(create(owner, "/e/kid")), code(zk::error_code::no_children_for_ephemerals));
    run(watcher, zk::op_code::exists, zk::exists_request{"/e", true});
    auto closed = run(owner, zk::op_code::close_session, std::monostate{});
    EXPECT_TRUE(closed.close);
    EXPECT_EQ(proc.tree().find("/e"), nullptr);
    ASSERT_EQ(closed.events.size(), 1u);
    EXPECT_EQ(closed.events[0].session, watcher.session);
    EXPECT_EQ(closed.events[0].event.type, static_cast<int32_t>(zk::event_type::node_deleted));
}

TEST_F(processor_test, session_expiry_closes_it) {
    auto c = session();
    create(c, "/e", static_cast<int32_t>(zk::create_mode::ephemeral));
    auto outs = proc.tick(60000, 1000);
    ASSERT_EQ(outs.size(), 1u);
    EXPECT_EQ(outs[0].closed_session, c.session);
    EXPECT_EQ(proc.tree().find("/e"), nullptr);
}

TEST_F(processor_test, one_shot_watch_fires_once) {
    auto c = session();
    create(c, "/w");
    run(c, zk::op_code::get_data, zk::get_data_request{"/w", true});
    auto first = run(c, zk::op_code::set_data, zk::set_data_request{"/w", {1}, -1});
    auto second = run(c, zk::op_code::set_data, zk::set_data_request{"/w", {2}, -1});
    EXPECT_EQ(first.events.size(), 1u);
    EXPECT_TRUE(second.events.empty());
}

TEST_F(processor_test, persistent_recursive_watch_sees_descendants_not_child_events) {
    auto c = session();
    create(c, "/r");
    run(c, zk::op_code::add_watch, zk::add_watch_request{"/r", 1});
    auto a = create(c, "/r/a");
    ASSERT_EQ(a.events.size(), 1u);
    EXPECT_EQ(a.events[0].event.type, static_cast<int32_t>(zk::event_type::node_created));
    auto b = create(c, "/r/a/b");
    EXPECT_EQ(b.events.size(), 1u);
}

TEST_F(processor_test, multi_is_all_or_nothing_with_per_op_results) {
    auto c = session();
    create(c, "/m");
    zk::multi_request m;
    m.ops.push_back({zk::op_code::create, zk::create_request{"/m/x", {}, open_acl(), 0}});
    m.ops.push_back({zk::op_code::check, zk::check_version_request{"/m", 9}});
    m.ops.push_back({zk::op_code::remove, zk::delete_request{"/m/x", -1}});
    auto o = run(c, zk::op_code::multi, m);
    EXPECT_FALSE(o.txn.has_value());
    EXPECT_EQ(proc.tree().find("/m/x"), nullptr);
    zk::jute_reader r{brook::bytes_view(o.body)};
    auto rsp = zk::decode_multi_response(r);
    ASSERT_TRUE(rsp);
    ASSERT_EQ(rsp.value().results.size(), 3u);
    EXPECT_EQ(rsp.value().results[0].err, 0);
    EXPECT_EQ(rsp.value().results[1].err, code(zk::error_code::bad_version));
    EXPECT_EQ(rsp.value().results[2].err, code(zk::error_code::runtime_inconsistency));

    m.ops[1] = {zk::op_code::check, zk::check_version_request{"/m", 0}};
    auto ok = run(c, zk::op_code::multi, m);
    EXPECT_TRUE(ok.txn.has_value());
    EXPECT_EQ(proc.tree().find("/m/x"), nullptr); // created then deleted in one txn
    EXPECT_EQ(proc.tree().stat_of(*proc.tree().find("/m")).cversion, 2);
}

TEST_F(processor_test, digest_acl_denies_then_allows_after_addauth) {
    auto owner = session();
    run(owner, zk::op_code::auth, zk::auth_packet{0, "digest", {'u', ':', 'p'}});
    auto made = run(owner, zk::op_code::create,
                    zk::create_request{"/s", {7}, {zk::acl{zk::perms::all, zk::acl_id{"auth", ""}}}, 0});
    ASSERT_EQ(err(made), 0);
    auto other = session();
    EXPECT_EQ(err(run(other, zk::op_code::get_data, zk::get_data_request{"/s", false})), code(zk::error_code::no_auth));
    run(other, zk::op_code::auth, zk::auth_packet{0, "digest", {'u', ':', 'p'}});
    EXPECT_EQ(err(run(other, zk::op_code::get_data, zk::get_data_request{"/s", false})), 0);
    EXPECT_EQ(tree::digest_id("u:p").substr(0, 2), "u:");
}

TEST_F(processor_test, get_acl_needs_read_or_admin_and_masks_digests_without_admin) {
    auto owner = session();
    run(owner, zk::op_code::auth, zk::auth_packet{0, "digest", {'u', ':', 'p'}});
    const std::string digest = tree::digest_id("u:p");
    auto acl_of = [&](int32_t world_perms) {
        return std::vector<zk::acl>{zk::acl{zk::perms::all, zk::acl_id{"digest", digest}},
                                    zk::acl{world_perms, zk::acl_id{"world", "anyone"}}};
    };
    auto make = [&](const std::string& path, int32_t world_perms) {
        return err(run(owner, zk::op_code::create, zk::create_request{path, {}, acl_of(world_perms), 0}));
    };
    ASSERT_EQ(make("/none", zk::perms::write), 0);
    ASSERT_EQ(make("/r", zk::perms::read), 0);
    ASSERT_EQ(make("/a", zk::perms::admin), 0);
    auto other = session();
    auto get = [&](tree::client_context& c, const std::string& path) {
        return run(c, zk::op_code::get_acl, zk::get_acl_request{path});
    };
    EXPECT_EQ(err(get(other, "/none")), code(zk::error_code::no_auth));
    EXPECT_EQ(err(get(other, "/missing")), code(zk::error_code::no_node));
    // READ alone: the ACL with the digest hash masked.
    auto r = get(other, "/r");
    ASSERT_EQ(err(r), 0);
    auto masked = zk::decode<zk::get_acl_response>(brook::bytes_view(r.body)).value();
    ASSERT_EQ(masked.acl.size(), 2u);
    EXPECT_EQ(masked.acl[0].id.id, "u:x");
    // ADMIN: the ACL as stored.
    auto a = get(other, "/a");
    ASSERT_EQ(err(a), 0);
    EXPECT_EQ(zk::decode<zk::get_acl_response>(brook::bytes_view(a.body)).value().acl[0].id.id, digest);
    // The owner has every permission on all three.
    auto o = get(owner, "/none");
    ASSERT_EQ(err(o), 0);
    EXPECT_EQ(zk::decode<zk::get_acl_response>(brook::bytes_view(o.body)).value().acl[0].id.id, digest);
}

TEST_F(processor_test, ip_acl) {
    auto c = session();
    auto made = run(c, zk::op_code::create,
                    zk::create_request{"/ip", {}, {zk::acl{zk::perms::read, zk::acl_id{"ip", "127.0.0.0/8"}}}, 0});
    ASSERT_EQ(err(made), 0);
    EXPECT_EQ(err(run(c, zk::op_code::get_data, zk::get_data_request{"/ip", false})), 0);
    EXPECT_EQ(err(run(c, zk::op_code::set_data, zk::set_data_request{"/ip", {}, -1})), code(zk::error_code::no_auth));
}

TEST_F(processor_test, data_limit) {
    auto c = session();
    auto big = run(c, zk::op_code::create,
                   zk::create_request{"/big", brook::bytes(zk::default_max_buffer + 1, 0), open_acl(), 0});
    EXPECT_EQ(err(big), code(zk::error_code::bad_arguments));
}

TEST_F(processor_test, container_is_removed_once_emptied) {
    auto c = session();
    run(c, zk::op_code::create_container, zk::create_request{"/c", {}, open_acl(), 4});
    create(c, "/c/kid");
    run(c, zk::op_code::remove, zk::delete_request{"/c/kid", -1});
    auto outs = proc.tick(0, 1000);
    ASSERT_EQ(outs.size(), 1u);
    EXPECT_EQ(proc.tree().find("/c"), nullptr);
}

TEST_F(processor_test, replaying_txns_rebuilds_the_tree) {
    auto c = session();
    std::vector<brook::bytes> log;
    auto keep = [&](tree::outcome o) {
        if (o.txn) {
            log.push_back(*o.txn);
        }
    };
    keep(create(c, "/p"));
    keep(create(c, "/p/s-", 2));
    keep(run(c, zk::op_code::set_data, zk::set_data_request{"/p", {5}, 0}));
    tree::processor copy{tree::processor_options{}, 0};
    copy.replay(
        tree::decode_txn(brook::bytes_view(*proc.connect(zk::connect_request{0, 0, 10000, 0, {}}, 0, 0).txn)).value(),
        0);
    for (const auto& t : log) {
        copy.replay(tree::decode_txn(brook::bytes_view(t)).value(), 0);
    }
    ASSERT_NE(copy.tree().find("/p/s-0000000000"), nullptr);
    EXPECT_EQ(copy.tree().find("/p")->data, brook::bytes{5});
    EXPECT_EQ(copy.tree().stat_of(*copy.tree().find("/p")).version, 1);
}

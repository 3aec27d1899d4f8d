// Session life cycle against a real server: ephemerals vanish on close, the session resumes after
// the server is killed and restarted (watches re-registered), and expiry is reported.
#include "client/zookeeper/fixture.h"

namespace brook::client::zookeeper::test {
namespace {

class sessions : public zk_test {};

bool has(const std::vector<session_state>& v, session_state s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_P(sessions, EphemeralsRemovedOnClose) {
    auto& observer = connect();
    auto& deleted = make_collector<watch_event>();
    {
        client_options opts;
        opts.connect_string = server().connect_string();
        client owner(io(), opts);
        ASSERT_TRUE(owner.wait_connected().get());
        ASSERT_TRUE(owner.create_ephemeral("/eph", to_bytes("mine")).get());
        auto seq = owner.create_sequential("/eseq-", {}, true).get();
        ASSERT_TRUE(seq);
        auto st = observer.exists("/eph", [&](const watch_event& e) { deleted.push(e); }).get();
        ASSERT_TRUE(st && st.value());
        EXPECT_EQ(st.value()->ephemeral_owner, owner.session_id());
        ASSERT_TRUE(owner.close().get());
        EXPECT_EQ(owner.state(), session_state::closed);
        auto after = owner.get_data("/eph").get();
        ASSERT_FALSE(after);
        EXPECT_EQ(after.error(), errc::closed);
    }
    auto ev = deleted.wait_for(1);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::node_deleted);
    auto gone = observer.exists("/eph").get();
    ASSERT_TRUE(gone);
    EXPECT_FALSE(gone.value().has_value());
    auto kids = observer.get_children("/").get();
    ASSERT_TRUE(kids);
    for (const auto& k : kids.value()) {
        EXPECT_EQ(k.rfind("eseq-", 0), std::string::npos) << k;
    }
}

TEST_P(sessions, ResumesAfterServerKill9AndReRegistersWatches) {
    auto& states = make_collector<session_state>();
    client_options opts;
    opts.session_timeout = 30000ms; // outlasts a JVM restart on a loaded machine
    auto& zk = connect_watching(states, opts);
    const auto id = zk.session_id();
    ASSERT_NE(id, 0);
    ASSERT_TRUE(zk.create_ephemeral("/alive", {}).get());
    ASSERT_TRUE(zk.create("/watched", to_bytes("0")).get());
    auto& data_events = make_collector<watch_event>();
    auto& persistent_events = make_collector<watch_event>();
    ASSERT_TRUE(zk.get_data("/watched", [&](const watch_event& e) { data_events.push(e); }).get());
    ASSERT_TRUE(zk.add_watch("/watched", add_watch_mode::persistent, [&](const watch_event& e) {
                      persistent_events.push(e);
                  }).get());

    server().kill9();
    ASSERT_TRUE(states.wait_until([](session_state s) { return s == session_state::suspended; }));
    // While suspended, requests fail at once with connection loss.
    auto during = zk.get_data("/watched").get();
    ASSERT_FALSE(during);
    EXPECT_EQ(during.error(), error_code::connection_loss);

    ASSERT_TRUE(server().start());
    // The client may be back before start() returns: wait for a second `connected`.
    ASSERT_TRUE(states.wait_for_count([](session_state s) { return s == session_state::connected; }, 2, 40s));
    EXPECT_EQ(zk.session_id(), id);
    EXPECT_EQ(zk.state(), session_state::connected);

    // Same session: its ephemeral survived, and another session sees it owned by us.
    auto& other = connect();
    auto st = other.exists("/alive").get();
    ASSERT_TRUE(st);
    ASSERT_TRUE(st.value().has_value());
    EXPECT_EQ(st.value()->ephemeral_owner, id);

    // The watches were re-registered with the server.
    ASSERT_TRUE(other.set_data("/watched", to_bytes("1")).get());
    auto ev = data_events.wait_for(1);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::node_data_changed);
    auto pev = persistent_events.wait_for(1);
    ASSERT_EQ(pev.size(), 1u);
    ASSERT_TRUE(other.set_data("/watched", to_bytes("2")).get());
    EXPECT_EQ(persistent_events.wait_for(2).size(), 2u);
    EXPECT_FALSE(has(states.items(), session_state::expired));
}

TEST_P(sessions, PingsKeepAnIdleSessionAlive) {
    auto& states = make_collector<session_state>();
    client_options opts;
    opts.session_timeout = 2000ms;
    auto& zk = connect_watching(states, opts);
    const auto id = zk.session_id();
    ASSERT_TRUE(zk.create_ephemeral("/idle", {}).get());
    // Idle for more than two session timeouts: only pings cross the wire, and nothing may change.
    EXPECT_FALSE(states.wait_until([](session_state s) { return s != session_state::connected; },
                                   zk.negotiated_timeout() * 5 / 2));
    EXPECT_EQ(zk.state(), session_state::connected);
    EXPECT_EQ(zk.session_id(), id);
    auto& observer = connect();
    auto st = observer.exists("/idle").get();
    ASSERT_TRUE(st);
    ASSERT_TRUE(st.value().has_value());
    EXPECT_EQ(st.value()->ephemeral_owner, id);
}

TEST_P(sessions, ExpiresWhenNoServerAnswersForTheSessionTimeout) {
    auto& states = make_collector<session_state>();
    client_options opts;
    opts.session_timeout = 2000ms;
    auto& zk = connect_watching(states, opts);
    ASSERT_TRUE(zk.create_ephemeral("/short", {}).get());
    const auto timeout = zk.negotiated_timeout();
    ASSERT_GT(timeout.count(), 0);

    auto stopped = std::chrono::steady_clock::now();
    server().kill9();
    ASSERT_TRUE(states.wait_until([](session_state s) { return s == session_state::expired; }, timeout + 10s));
    auto took = std::chrono::steady_clock::now() - stopped;
    EXPECT_GE(took, timeout / 2); // the last reply may have come up to a ping interval earlier
    EXPECT_EQ(zk.state(), session_state::expired);
    auto after = zk.exists("/").get();
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error(), error_code::session_expired);
    auto seq = states.items();
    ASSERT_GE(seq.size(), 3u);
    EXPECT_EQ(seq[0], session_state::connected);
    EXPECT_EQ(seq[1], session_state::suspended);
    EXPECT_EQ(seq.back(), session_state::expired);
}

TEST_P(sessions, ServerReportedExpiryIsAnEvent) {
    // A session closed on the server, then resumed with its id and password: the server answers
    // the handshake with a zero timeout, the way it answers a client that reconnects too late.
    // (Taking over a live client's session would not do: the two connections steal it back and
    // forth, each reconnect closing the other's connection.)
    client_options first_opts;
    first_opts.session_timeout = 6000ms;
    auto& first = connect(first_opts);
    ASSERT_TRUE(first.create_ephemeral("/doomed", {}).get());
    const auto id = first.session_id();
    const auto password = first.session_password();
    ASSERT_TRUE(first.close().get());

    auto& states = make_collector<session_state>();
    client_options opts;
    opts.connect_string = server().connect_string();
    opts.session_id = id;
    opts.session_password = password;
    opts.session_timeout = 6000ms;
    opts.on_state = [&states](session_state s) { states.push(s); };
    _clients.push_back(std::make_unique<client>(io(), opts));
    auto& zk = *_clients.back();
    auto connected = zk.wait_connected().get();
    ASSERT_FALSE(connected);
    EXPECT_EQ(connected.error(), error_code::session_expired);
    ASSERT_TRUE(states.wait_until([](session_state s) { return s == session_state::expired; }));
    EXPECT_EQ(zk.state(), session_state::expired);
    auto r = zk.get_data("/doomed").get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), error_code::session_expired);
    auto& observer = connect();
    auto gone = observer.exists("/doomed").get();
    ASSERT_TRUE(gone);
    EXPECT_FALSE(gone.value().has_value());
}

INSTANTIATE_TEST_SUITE_P(servers, sessions, ::testing::Values(zookeeper_flavor::apache, zookeeper_flavor::brook),
                         flavor_name);

TEST(client_options_test, InvalidConnectStringFailsEveryOperation) {
    boost::asio::io_context io;
    client_options opts;
    opts.connect_string = "host:notaport";
    client zk(io, opts);
    auto f = zk.get_data("/x").future();
    auto w = zk.wait_connected().future();
    io.run_for(2s);
    ASSERT_EQ(f.wait_for(0s), std::future_status::ready);
    auto r = f.get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_connect_string);
    ASSERT_EQ(w.wait_for(0s), std::future_status::ready);
    EXPECT_FALSE(w.get());
}

TEST(client_options_test, UnreachableServerFailsQueuedRequestsAfterTheTimeout) {
    boost::asio::io_context io;
    client_options opts;
    opts.connect_string = "127.0.0.1:" + std::to_string(brook::test::free_port());
    opts.session_timeout = 1000ms;
    client zk(io, opts);
    auto f = zk.exists("/").future();
    io.run_for(5s);
    ASSERT_EQ(f.wait_for(0s), std::future_status::ready);
    auto r = f.get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), error_code::connection_loss);
    EXPECT_EQ(zk.state(), session_state::connecting);
}

} // namespace
} // namespace brook::client::zookeeper::test

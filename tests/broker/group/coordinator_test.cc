// The group state machine under a manual clock and an in-memory __consumer_offsets log.
#include "broker/group/coordinator.h"
#include "broker/group/records.h"

#include <gtest/gtest.h>

#include <map>

namespace brook::broker::group {
namespace {

using namespace std::chrono_literals;

class memory_log final : public offsets_log {
public:
    error_code append(int32_t partition, const std::vector<record>& records) override {
        if (fail) {
            return error_code::not_leader_or_follower;
        }
        for (const auto& r : records) {
            parts[partition].push_back(r);
        }
        return error_code::none;
    }
    error_code replay(int32_t partition,
                      const std::function<void(bytes_view, std::optional<bytes_view>)>& fn) override {
        for (const auto& r : parts[partition]) {
            if (r.value) {
                fn(r.key, bytes_view(*r.value));
            } else {
                fn(r.key, std::nullopt);
            }
        }
        return error_code::none;
    }
    std::map<int32_t, std::vector<record>> parts;
    bool fail = false;
};

struct joined {
    std::optional<join_result> result;
};

class coordinator_test : public ::testing::Test {
protected:
    coordinator_test() { make(); }

    void make() {
        coordinator_config cfg;
        cfg.num_partitions = 4;
        cfg.initial_rebalance_delay_ms = 0;
        cfg.offsets_retention_ms = 60'000;
        cfg.offsets_retention_check_interval_ms = 1000;
        coord = std::make_unique<group_coordinator>(cfg, sched, log);
        for (int32_t p = 0; p < 4; ++p) {
            EXPECT_EQ(coord->load_partition(p), error_code::none);
        }
    }

    join_request req(const std::string& member, std::optional<std::string> instance = std::nullopt,
                     std::vector<std::string> protocols = {"range"}) {
        join_request r;
        r.group_id = "g";
        r.member_id = member;
        r.group_instance_id = std::move(instance);
        r.client_id = "c";
        r.client_host = "/127.0.0.1";
        r.session_timeout_ms = 10'000;
        r.rebalance_timeout_ms = 30'000;
        r.protocol_type = "consumer";
        for (auto& p : protocols) {
            r.protocols.push_back({p, bytes{1, 2, 3}});
        }
        r.require_known_member_id = true;
        return r;
    }

    std::shared_ptr<joined> join(join_request r) {
        auto out = std::make_shared<joined>();
        coord->join(std::move(r), [out](join_result res) { out->result = std::move(res); });
        return out;
    }

    /// A dynamic member through MEMBER_ID_REQUIRED; returns its id (join still parked or done).
    std::pair<std::string, std::shared_ptr<joined>> join_new() {
        auto first = join(req(""));
        EXPECT_TRUE(first->result);
        EXPECT_EQ(first->result->error, error_code::member_id_required);
        const std::string id = first->result->member_id;
        return {id, join(req(id))};
    }

    sync_result sync(const std::string& member, int32_t gen,
                     std::vector<std::pair<std::string, bytes>> assignments = {}) {
        sync_request s;
        s.group_id = "g";
        s.generation = gen;
        s.member_id = member;
        s.assignments = std::move(assignments);
        std::optional<sync_result> out;
        coord->sync(s, [&out](sync_result r) { out = std::move(r); });
        EXPECT_TRUE(out) << "sync parked";
        return out.value_or(sync_result{error_code::unknown_server_error, {}, {}, {}});
    }

    manual_scheduler sched;
    memory_log log;
    std::unique_ptr<group_coordinator> coord;
};

TEST_F(coordinator_test, first_join_needs_member_id_then_single_member_becomes_leader) {
    auto [id, j] = join_new();
    ASSERT_TRUE(j->result);
    EXPECT_EQ(j->result->error, error_code::none);
    EXPECT_EQ(j->result->generation, 1);
    EXPECT_EQ(j->result->leader, id);
    EXPECT_EQ(j->result->protocol_name, "range");
    ASSERT_EQ(j->result->members.size(), 1u);
    auto s = sync(id, 1, {{id, bytes{9}}});
    EXPECT_EQ(s.error, error_code::none);
    EXPECT_EQ(s.assignment, bytes{9});
    EXPECT_EQ(coord->describe("g").state, "Stable");
    EXPECT_EQ(coord->heartbeat("g", id, std::nullopt, 1), error_code::none);
}

TEST_F(coordinator_test, second_member_triggers_rebalance_and_both_get_the_new_generation) {
    auto [a, ja] = join_new();
    ASSERT_EQ(sync(a, 1, {{a, bytes{1}}}).error, error_code::none);
    auto [b, jb] = join_new();
    EXPECT_FALSE(jb->result) << "b waits for a to rejoin";
    EXPECT_EQ(coord->heartbeat("g", a, std::nullopt, 1), error_code::rebalance_in_progress);
    auto ja2 = join(req(a));
    ASSERT_TRUE(ja2->result);
    ASSERT_TRUE(jb->result);
    EXPECT_EQ(ja2->result->generation, 2);
    EXPECT_EQ(jb->result->generation, 2);
    EXPECT_EQ(ja2->result->leader, a);
    EXPECT_EQ(ja2->result->members.size(), 2u);
    EXPECT_TRUE(jb->result->members.empty());
    // The follower's sync parks until the leader's arrives.
    std::optional<sync_result> fb;
    sync_request s;
    s.group_id = "g";
    s.generation = 2;
    s.member_id = b;
    coord->sync(s, [&fb](sync_result r) { fb = r; });
    EXPECT_FALSE(fb);
    EXPECT_EQ(sync(a, 2, {{a, bytes{1}}, {b, bytes{2}}}).assignment, bytes{1});
    ASSERT_TRUE(fb);
    EXPECT_EQ(fb->assignment, bytes{2});
    EXPECT_EQ(sync(a, 1).error, error_code::illegal_generation);
}

TEST_F(coordinator_test, session_expiry_removes_member_and_rebalances) {
    auto [a, ja] = join_new();
    sync(a, 1);
    auto [b, jb] = join_new();
    join(req(a));
    sync(a, 2);
    sync(b, 2);
    // a keeps heartbeating, b goes silent.
    for (int i = 0; i < 4; ++i) {
        sched.advance(3s);
        coord->heartbeat("g", a, std::nullopt, 2);
    }
    EXPECT_EQ(coord->heartbeat("g", b, std::nullopt, 2), error_code::unknown_member_id);
    EXPECT_EQ(coord->heartbeat("g", a, std::nullopt, 2), error_code::rebalance_in_progress);
    auto again = join(req(a));
    ASSERT_TRUE(again->result);
    EXPECT_EQ(again->result->generation, 3);
    EXPECT_EQ(again->result->members.size(), 1u);
}

TEST_F(coordinator_test, rebalance_timeout_drops_members_that_do_not_rejoin) {
    auto [a, ja] = join_new();
    sync(a, 1);
    auto [b, jb] = join_new();
    EXPECT_FALSE(jb->result);
    // a never rejoins (but its session would still be alive through heartbeats).
    for (int i = 0; i < 11; ++i) {
        sched.advance(3s);
        coord->heartbeat("g", a, std::nullopt, 1);
    }
    ASSERT_TRUE(jb->result);
    EXPECT_EQ(jb->result->generation, 2);
    EXPECT_EQ(jb->result->leader, b);
    EXPECT_EQ(coord->heartbeat("g", a, std::nullopt, 1), error_code::unknown_member_id);
}

TEST_F(coordinator_test, leave_group_rebalances_and_last_leave_empties) {
    auto [a, ja] = join_new();
    sync(a, 1);
    auto res = coord->leave("g", {{a, std::nullopt}, {"nobody", std::nullopt}});
    ASSERT_EQ(res.members.size(), 2u);
    EXPECT_EQ(res.members[0].error, error_code::none);
    EXPECT_EQ(res.members[1].error, error_code::unknown_member_id);
    EXPECT_EQ(coord->describe("g").state, "Empty");
    EXPECT_EQ(coord->delete_group("g"), error_code::none);
    EXPECT_EQ(coord->describe("g").state, "Dead");
}

TEST_F(coordinator_test, static_member_rejoins_without_rebalance_and_old_id_is_fenced) {
    auto j = join(req("", "inst-1"));
    ASSERT_TRUE(j->result);
    ASSERT_EQ(j->result->error, error_code::none) << "static members skip MEMBER_ID_REQUIRED";
    const std::string old_id = j->result->member_id;
    sync(old_id, 1, {{old_id, bytes{7}}});
    auto again = join(req("", "inst-1"));
    ASSERT_TRUE(again->result);
    EXPECT_EQ(again->result->error, error_code::none);
    EXPECT_EQ(again->result->generation, 1) << "no new generation";
    EXPECT_NE(again->result->member_id, old_id);
    EXPECT_EQ(coord->describe("g").state, "Stable");
    EXPECT_EQ(sync(again->result->member_id, 1).assignment, bytes{7});
    EXPECT_EQ(coord->heartbeat("g", old_id, std::string("inst-1"), 1), error_code::fenced_instance_id);
}

TEST_F(coordinator_test, protocol_selection_and_inconsistent_protocol) {
    auto a = join(req("", std::nullopt, {"range", "roundrobin"}));
    auto ja = join(req(a->result->member_id, std::nullopt, {"range", "roundrobin"}));
    ASSERT_TRUE(ja->result);
    sync(ja->result->member_id, 1);
    auto bad = join(req("", std::nullopt, {"sticky"}));
    ASSERT_TRUE(bad->result);
    EXPECT_EQ(bad->result->error, error_code::inconsistent_group_protocol);
    auto b = join(req("", std::nullopt, {"roundrobin"}));
    auto jb = join(req(b->result->member_id, std::nullopt, {"roundrobin"}));
    auto ja2 = join(req(ja->result->member_id, std::nullopt, {"range", "roundrobin"}));
    ASSERT_TRUE(jb->result);
    EXPECT_EQ(jb->result->protocol_name, "roundrobin");
}

TEST_F(coordinator_test, invalid_session_timeout_and_max_size) {
    auto r = req("");
    r.session_timeout_ms = 10;
    auto j = join(r);
    EXPECT_EQ(j->result->error, error_code::invalid_session_timeout);
}

TEST_F(coordinator_test, offsets_commit_fetch_persist_and_reload) {
    auto [a, ja] = join_new();
    sync(a, 1);
    commit_request c;
    c.group_id = "g";
    c.generation = 1;
    c.member_id = a;
    c.offsets.push_back({"t", 0, {42, 3, "meta", -1, -1}});
    auto res = coord->commit(c);
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].error, error_code::none);
    c.generation = 0;
    EXPECT_EQ(coord->commit(c)[0].error, error_code::illegal_generation);
    auto f = coord->fetch("g", std::vector<std::pair<std::string, std::vector<int32_t>>>{{"t", {0, 1}}});
    ASSERT_EQ(f.offsets.size(), 2u);
    EXPECT_EQ(f.offsets[0].value.offset, 42);
    EXPECT_EQ(f.offsets[0].value.metadata, "meta");
    EXPECT_EQ(f.offsets[0].value.leader_epoch, 3);
    EXPECT_EQ(f.offsets[1].value.offset, -1);
    // A new coordinator over the same log sees the offsets and the stable group.
    coord->shutdown();
    coord.reset();
    make();
    f = coord->fetch("g", std::nullopt);
    ASSERT_EQ(f.offsets.size(), 1u);
    EXPECT_EQ(f.offsets[0].value.offset, 42);
    auto d = coord->describe("g");
    EXPECT_EQ(d.state, "Stable");
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(coord->heartbeat("g", a, std::nullopt, 1), error_code::none);
}

TEST_F(coordinator_test, admin_commit_on_unknown_group_and_expiry) {
    commit_request c;
    c.group_id = "standalone";
    c.offsets.push_back({"t", 0, {5, -1, "", -1, -1}});
    EXPECT_EQ(coord->commit(c)[0].error, error_code::none);
    EXPECT_EQ(coord->list({}).size(), 1u);
    sched.advance(61s);
    auto f = coord->fetch("standalone", std::nullopt);
    EXPECT_TRUE(f.offsets.empty());
    EXPECT_TRUE(coord->list({}).empty());
}

TEST_F(coordinator_test, list_with_state_filter_and_delete_non_empty) {
    auto [a, ja] = join_new();
    sync(a, 1);
    EXPECT_EQ(coord->list({"stable"}).size(), 1u);
    EXPECT_TRUE(coord->list({"Empty"}).empty());
    EXPECT_EQ(coord->delete_group("g"), error_code::non_empty_group);
    EXPECT_EQ(coord->delete_group("nope"), error_code::group_id_not_found);
}

TEST_F(coordinator_test, not_coordinator_for_unloaded_partition) {
    coord->shutdown();
    coord.reset();
    coordinator_config cfg;
    cfg.num_partitions = 4;
    coord = std::make_unique<group_coordinator>(cfg, sched, log);
    auto j = join(req(""));
    EXPECT_EQ(j->result->error, error_code::not_coordinator);
}

TEST(group_records, key_value_round_trip_and_java_hash) {
    committed_offset v{10, 2, "m", 1234, -1};
    auto back = decode_offset_value(encode_offset_value(v));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->offset, 10);
    EXPECT_EQ(back->leader_epoch, 2);
    EXPECT_EQ(back->metadata, "m");
    auto k = decode_key(encode_offset_key({"g", "t", 3}));
    ASSERT_TRUE(k);
    EXPECT_EQ(std::get<offset_key>(*k).partition, 3);
    // Java: "hello".hashCode() == 99162322; "".hashCode() == 0; "polygenelubricants" == MIN_VALUE.
    EXPECT_EQ(java_string_hash("hello"), 99162322);
    EXPECT_EQ(java_string_hash(""), 0);
    EXPECT_EQ(java_string_hash("polygenelubricants"), INT32_MIN);
    EXPECT_EQ(partition_for("polygenelubricants", 50), 0);
    // Non-ASCII: U+00E9 is one UTF-16 unit (233); U+1F600 is a surrogate pair.
    EXPECT_EQ(java_string_hash("\xc3\xa9"), 233);
    EXPECT_EQ(java_string_hash("\xf0\x9f\x98\x80"), 0xD83D * 31 + 0xDE00);
}

} // namespace
} // namespace brook::broker::group

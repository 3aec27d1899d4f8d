// Timers and limits of the group coordinator: the initial rebalance delay, KIP-394 pending ids,
// the SyncGroup deadline, group.max.size, and OffsetDelete against subscribed topics.
#include "broker/group/coordinator.h"

#include <gtest/gtest.h>

#include <map>

namespace brook::broker::group {
namespace {

using namespace std::chrono_literals;

class null_log final : public offsets_log {
public:
    error_code append(int32_t, const std::vector<record>& records) override {
        appended += records.size();
        return error_code::none;
    }
    error_code replay(int32_t, const std::function<void(bytes_view, std::optional<bytes_view>)>&) override {
        return error_code::none;
    }
    size_t appended = 0;
};

/// ConsumerProtocolSubscription v0 with the given topics.
bytes subscription(const std::vector<std::string>& topics) {
    bytes b{0, 0, 0, 0, 0, static_cast<uint8_t>(topics.size())};
    for (const auto& t : topics) {
        b.push_back(0);
        b.push_back(static_cast<uint8_t>(t.size()));
        b.insert(b.end(), t.begin(), t.end());
    }
    b.insert(b.end(), {0, 0, 0, 0}); // user data: empty
    return b;
}

class timers_test : public ::testing::Test {
protected:
    void make(int32_t delay_ms, int32_t max_size = INT32_MAX) {
        coordinator_config cfg;
        cfg.num_partitions = 1;
        cfg.initial_rebalance_delay_ms = delay_ms;
        cfg.max_group_size = max_size;
        coord = std::make_unique<group_coordinator>(cfg, sched, log);
        ASSERT_EQ(coord->load_partition(0), error_code::none);
    }

    join_request req(const std::string& member, bool require_id = false) {
        join_request r;
        r.group_id = "g";
        r.member_id = member;
        r.client_id = "c";
        r.session_timeout_ms = 10'000;
        r.rebalance_timeout_ms = 20'000;
        r.protocol_type = "consumer";
        r.protocols.push_back({"range", subscription({"t1"})});
        r.require_known_member_id = require_id;
        return r;
    }

    std::shared_ptr<std::optional<join_result>> join(join_request r) {
        auto out = std::make_shared<std::optional<join_result>>();
        coord->join(std::move(r), [out](join_result res) { *out = std::move(res); });
        return out;
    }

    manual_scheduler sched;
    null_log log;
    std::unique_ptr<group_coordinator> coord;
};

TEST_F(timers_test, initial_delay_waits_and_extends_while_members_join) {
    make(3000);
    auto a = join(req(""));
    sched.advance(2s);
    auto b = join(req(""));
    sched.advance(1500ms);
    EXPECT_FALSE(*a) << "b joined during the delay: extended by another delay";
    sched.advance(3s);
    ASSERT_TRUE(*a);
    ASSERT_TRUE(*b);
    EXPECT_EQ((*a)->generation, 1);
    EXPECT_EQ((*b)->generation, 1);
    EXPECT_EQ((*a)->members.size() + (*b)->members.size(), 2u);
}

TEST_F(timers_test, pending_member_id_expires_after_session_timeout) {
    make(0);
    auto first = join(req("", true));
    ASSERT_EQ((*first)->error, error_code::member_id_required);
    sched.advance(11s);
    auto late = join(req((*first)->member_id, true));
    ASSERT_TRUE(*late);
    EXPECT_EQ((*late)->error, error_code::unknown_member_id);
}

TEST_F(timers_test, members_that_never_sync_are_removed_at_the_rebalance_timeout) {
    make(0);
    auto a = join(req(""));
    ASSERT_TRUE(*a);
    const std::string id = (*a)->member_id;
    EXPECT_EQ(coord->describe("g").state, "CompletingRebalance");
    for (int i = 0; i < 7; ++i) {
        sched.advance(3s);
        coord->heartbeat("g", id, std::nullopt, 1);
    }
    EXPECT_EQ(coord->describe("g").state, "Empty");
}

TEST_F(timers_test, group_max_size_reached) {
    make(0, 1);
    auto a = join(req(""));
    ASSERT_EQ((*a)->error, error_code::none);
    auto b = join(req(""));
    ASSERT_TRUE(*b);
    EXPECT_EQ((*b)->error, error_code::group_max_size_reached);
}

TEST_F(timers_test, offset_delete_refuses_subscribed_topics_of_a_live_group) {
    make(0);
    auto a = join(req(""));
    const std::string id = (*a)->member_id;
    sync_request s;
    s.group_id = "g";
    s.generation = 1;
    s.member_id = id;
    coord->sync(s, [](sync_result) {});
    commit_request c;
    c.group_id = "g";
    c.generation = 1;
    c.member_id = id;
    c.offsets.push_back({"t1", 0, {5, -1, "", -1, -1}});
    c.offsets.push_back({"t2", 0, {6, -1, "", -1, -1}});
    for (const auto& e : coord->commit(c)) {
        EXPECT_EQ(e.error, error_code::none);
    }
    auto res = coord->delete_offsets("g", {{"t1", 0}, {"t2", 0}});
    EXPECT_EQ(res.error, error_code::none);
    ASSERT_EQ(res.partitions.size(), 2u);
    EXPECT_EQ(res.partitions[0].error, error_code::group_subscribed_to_topic);
    EXPECT_EQ(res.partitions[1].error, error_code::none);
    auto left = coord->fetch("g", std::nullopt);
    ASSERT_EQ(left.offsets.size(), 1u);
    EXPECT_EQ(left.offsets[0].topic, "t1");
    EXPECT_EQ(coord->delete_offsets("nope", {{"t1", 0}}).error, error_code::group_id_not_found);
}

TEST_F(timers_test, leave_by_instance_id_and_fencing) {
    make(0);
    auto r = req("");
    r.group_instance_id = "i1";
    auto a = join(r);
    ASSERT_EQ((*a)->error, error_code::none);
    auto res = coord->leave("g", {{"wrong-id", std::string("i1")}});
    EXPECT_EQ(res.members[0].error, error_code::fenced_instance_id);
    res = coord->leave("g", {{"", std::string("i1")}});
    EXPECT_EQ(res.members[0].error, error_code::none);
    EXPECT_EQ(coord->describe("g").state, "Empty");
}

} // namespace
} // namespace brook::broker::group

// Group assignors and the consumer protocol's embedded formats.
#include "brook/client/kafka/assignor.h"

#include <gtest/gtest.h>

namespace brook::client::kafka {
namespace {

assignment_input two_members_one_topic(int32_t partitions) {
    assignment_input in;
    in.members["a"] = {{"t"}, {}};
    in.members["b"] = {{"t"}, {}};
    in.partitions_per_topic["t"] = partitions;
    return in;
}

TEST(Assignor, RangeGivesTheFirstMembersTheExtraPartitions) {
    auto out = assign_range(two_members_one_topic(5));
    EXPECT_EQ(out["a"]["t"], (std::vector<int32_t>{0, 1, 2}));
    EXPECT_EQ(out["b"]["t"], (std::vector<int32_t>{3, 4}));
}

TEST(Assignor, RangeWorksPerTopic) {
    assignment_input in;
    in.members["a"] = {{"x", "y"}, {}};
    in.members["b"] = {{"x", "y"}, {}};
    in.partitions_per_topic = {{"x", 1}, {"y", 1}};
    auto out = assign_range(in);
    // Range assigns each topic separately: member a gets partition 0 of both.
    EXPECT_EQ(out["a"]["x"], (std::vector<int32_t>{0}));
    EXPECT_EQ(out["a"]["y"], (std::vector<int32_t>{0}));
    EXPECT_TRUE(out["b"].empty());
}

TEST(Assignor, RoundRobinDealsAcrossTopics) {
    assignment_input in;
    in.members["a"] = {{"x", "y"}, {}};
    in.members["b"] = {{"x", "y"}, {}};
    in.partitions_per_topic = {{"x", 1}, {"y", 1}};
    auto out = assign_round_robin(in);
    EXPECT_EQ(out["a"]["x"], (std::vector<int32_t>{0}));
    EXPECT_EQ(out["b"]["y"], (std::vector<int32_t>{0}));
}

TEST(Assignor, RoundRobinSkipsMembersNotSubscribed) {
    assignment_input in;
    in.members["a"] = {{"x"}, {}};
    in.members["b"] = {{"y"}, {}};
    in.partitions_per_topic = {{"x", 2}, {"y", 2}};
    auto out = assign_round_robin(in);
    EXPECT_EQ(out["a"]["x"], (std::vector<int32_t>{0, 1}));
    EXPECT_EQ(out["b"]["y"], (std::vector<int32_t>{0, 1}));
}

TEST(Assignor, CooperativeStickyBalancesAFreshGroup) {
    auto out = assign_cooperative_sticky(two_members_one_topic(4));
    EXPECT_EQ(out["a"]["t"].size(), 2U);
    EXPECT_EQ(out["b"]["t"].size(), 2U);
}

TEST(Assignor, CooperativeStickyKeepsOwnedPartitionsAndRevokesBeforeMoving) {
    // "a" owns everything; "b" just joined. a keeps its quota (2), the other two are withheld this
    // round (a must revoke them first), so b gets nothing yet.
    assignment_input in;
    in.members["a"] = {{"t"}, {{"t", {0, 1, 2, 3}}}};
    in.members["b"] = {{"t"}, {}};
    in.partitions_per_topic["t"] = 4;
    auto first = assign_cooperative_sticky(in);
    EXPECT_EQ(first["a"]["t"], (std::vector<int32_t>{0, 1}));
    EXPECT_TRUE(first["b"]["t"].empty());
    // Next generation: a reports only what it kept; the revoked ones go to b.
    in.members["a"].owned = first["a"];
    auto second = assign_cooperative_sticky(in);
    EXPECT_EQ(second["a"]["t"], (std::vector<int32_t>{0, 1}));
    EXPECT_EQ(second["b"]["t"], (std::vector<int32_t>{2, 3}));
}

TEST(ConsumerProtocol, SubscriptionRoundTrips) {
    subscription s{{"a", "b"}, {{"a", {1, 2}}}};
    auto d = decode_subscription(encode_subscription(s));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().topics, s.topics);
    EXPECT_EQ(d.value().owned, s.owned);
}

TEST(ConsumerProtocol, AssignmentRoundTripsAndEmptyMeansNone) {
    partition_map m{{"t", {0, 3}}};
    auto d = decode_assignment(encode_assignment(m));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value(), m);
    auto empty = decode_assignment({});
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty.value().empty());
}

TEST(ConsumerProtocol, TruncatedSubscriptionIsAnError) {
    auto bytes = encode_subscription({{"topic"}, {}});
    bytes.resize(5);
    EXPECT_FALSE(decode_subscription(bytes));
}

TEST(ConsumerProtocol, ReadsAVersionZeroSubscription) {
    // int16 0, one topic "t", null user data (as version-0 writers produce).
    const bytes v0{0, 0, 0, 0, 0, 1, 0, 1, 't', 0xff, 0xff, 0xff, 0xff};
    auto d = decode_subscription(v0);
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().topics, std::vector<std::string>{"t"});
    EXPECT_TRUE(d.value().owned.empty());
}

} // namespace
} // namespace brook::client::kafka

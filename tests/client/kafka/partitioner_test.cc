// murmur2 and partition choice, against values of the Java client's algorithm (Utils.murmur2,
// whose test vectors these include) and the sticky partitioner's contract.
#include "brook/client/kafka/partitioner.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace brook::client::kafka {
namespace {

int32_t hash(std::string_view s) {
    return murmur2(as_bytes(s));
}

TEST(Murmur2, MatchesJavaClientVectors) {
    EXPECT_EQ(hash("21"), -973932308);
    EXPECT_EQ(hash("foobar"), -790332482);
    EXPECT_EQ(hash("a-little-bit-long-string"), -985981536);
    EXPECT_EQ(hash("a-little-bit-longer-string"), -1486304829);
    EXPECT_EQ(hash("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
    EXPECT_EQ(hash("abc"), 479470107);
}

TEST(Murmur2, EveryTailLength) {
    // Lengths 0..3 mod 4 take each branch of the tail mixing.
    EXPECT_EQ(hash(""), 275646681);
    EXPECT_EQ(murmur2(as_bytes(std::string_view("\0", 1))), 375494588);
    EXPECT_EQ(hash("key-1"), 193331640);
    EXPECT_EQ(hash("hello world"), 1221641059);
}

TEST(Partitioner, KeyedRecordsUseToPositiveModulo) {
    EXPECT_EQ(partition_for_key(as_bytes("foobar"), 10), 6);
    EXPECT_EQ(partition_for_key(as_bytes("a-little-bit-longer-string"), 10), 9);
    EXPECT_EQ(partition_for_key(as_bytes("abc"), 3), 0);
    EXPECT_EQ(partition_for_key(as_bytes("hello world"), 3), 1);
    EXPECT_EQ(to_positive(-1), 0x7fffffff);
    EXPECT_EQ(to_positive(std::numeric_limits<int32_t>::min()), 0);
}

TEST(Partitioner, StickyKeepsThePartitionUntilTheBatchCloses) {
    sticky_partitioner s;
    const int32_t first = s.current(8);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(s.current(8), first);
    }
    s.batch_closed(8);
    EXPECT_NE(s.current(8), first);
}

TEST(Partitioner, StickyVisitsEveryPartitionOverManyBatches) {
    sticky_partitioner s;
    std::set<int32_t> seen;
    for (int i = 0; i < 500; ++i) {
        const int32_t p = s.current(5);
        ASSERT_GE(p, 0);
        ASSERT_LT(p, 5);
        seen.insert(p);
        s.batch_closed(5);
    }
    EXPECT_EQ(seen.size(), 5U);
}

TEST(Partitioner, StickyWithOnePartitionStaysOnIt) {
    sticky_partitioner s;
    EXPECT_EQ(s.current(1), 0);
    s.batch_closed(1);
    EXPECT_EQ(s.current(1), 0);
}

} // namespace
} // namespace brook::client::kafka

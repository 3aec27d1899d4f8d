// The fetch session cache (KIP-227): creation, epochs, incremental updates, news-only responses,
// eviction.
#include "broker/fetch_session.h"

#include <gtest/gtest.h>

namespace brook::broker {
namespace {

using kafka_error = protocol::kafka::error_code;
using namespace std::chrono_literals;

partition_fetch_state part(const std::string& topic, int32_t p, int64_t offset = 0) {
    return partition_fetch_state{session_partition_key{topic, {}, p}, offset, 1024};
}

struct fake_clock {
    std::chrono::steady_clock::time_point now{};
    fetch_session_cache::clock_fn fn() {
        return [this] { return now; };
    }
};

TEST(fetch_session_cache, open_then_incremental_epochs) {
    fetch_session_cache cache({});
    auto s = cache.open(0, {part("a", 0), part("a", 1)}, false);
    ASSERT_NE(s.session_id, 0);
    EXPECT_EQ(cache.partition_count(s.session_id), 2u);

    auto bad_epoch = cache.update(s.session_id, 2, false, {}, {});
    EXPECT_EQ(bad_epoch.error, kafka_error::invalid_fetch_session_epoch);
    auto unknown = cache.update(s.session_id + 1, 1, false, {}, {});
    EXPECT_EQ(unknown.error, kafka_error::fetch_session_id_not_found);
    auto ids = cache.update(s.session_id, 1, true, {}, {});
    EXPECT_EQ(ids.error, kafka_error::fetch_session_topic_id_error);

    auto first = cache.update(s.session_id, 1, false, {}, {});
    ASSERT_EQ(first.error, kafka_error::none);
    ASSERT_EQ(first.partitions.size(), 2u);
    // The same epoch again is stale now.
    EXPECT_EQ(cache.update(s.session_id, 1, false, {}, {}).error, kafka_error::invalid_fetch_session_epoch);
    EXPECT_EQ(cache.update(s.session_id, 2, false, {}, {}).error, kafka_error::none);
}

TEST(fetch_session_cache, add_update_and_forget_partitions) {
    fetch_session_cache cache({});
    auto s = cache.open(0, {part("a", 0, 5), part("a", 1, 7)}, false);
    std::vector<partition_fetch_state> changed{part("a", 0, 50), part("b", 0, 3)};
    std::vector<session_partition_key> gone{{"a", {}, 1}, {"zzz", {}, 9}};
    auto r = cache.update(s.session_id, 1, false, changed, gone);
    ASSERT_EQ(r.error, kafka_error::none);
    ASSERT_EQ(r.partitions.size(), 2u);
    EXPECT_EQ(r.partitions[0].key.topic, "a");
    EXPECT_EQ(r.partitions[0].fetch_offset, 50);
    EXPECT_EQ(r.partitions[1].key.topic, "b");
    EXPECT_EQ(r.partitions[1].fetch_offset, 3);
}

TEST(fetch_session_cache, only_partitions_with_news_are_answered) {
    fetch_session_cache cache({});
    auto s = cache.open(0, {part("a", 0), part("a", 1)}, false);
    const session_partition_key a0{"a", {}, 0}, a1{"a", {}, 1};
    partition_response_state quiet{10, 10, 0, false, 0};
    EXPECT_TRUE(cache.note_response(s.session_id, a0, quiet)); // first time: always
    EXPECT_TRUE(cache.note_response(s.session_id, a1, quiet));
    EXPECT_FALSE(cache.note_response(s.session_id, a0, quiet));
    EXPECT_FALSE(cache.note_response(s.session_id, a1, quiet));
    partition_response_state moved = quiet;
    moved.high_watermark = 11;
    EXPECT_TRUE(cache.note_response(s.session_id, a0, moved));
    EXPECT_FALSE(cache.note_response(s.session_id, a0, moved));
    partition_response_state start_moved = moved;
    start_moved.log_start_offset = 4;
    EXPECT_TRUE(cache.note_response(s.session_id, a0, start_moved));
    partition_response_state data = start_moved;
    data.has_records = true;
    EXPECT_TRUE(cache.note_response(s.session_id, a0, data));
    partition_response_state error = start_moved;
    error.error_code = 1;
    EXPECT_TRUE(cache.note_response(s.session_id, a0, error));
    EXPECT_TRUE(cache.note_response(s.session_id, a0, error)); // errors every time
}

TEST(fetch_session_cache, partitions_with_records_move_to_the_end) {
    fetch_session_cache cache({});
    auto s = cache.open(0, {part("a", 0), part("a", 1), part("a", 2)}, false);
    cache.note_response(s.session_id, {"a", {}, 0}, {1, 1, 0, true, 0});
    auto r = cache.update(s.session_id, 1, false, {}, {});
    ASSERT_EQ(r.partitions.size(), 3u);
    EXPECT_EQ(r.partitions[0].key.partition, 1);
    EXPECT_EQ(r.partitions[1].key.partition, 2);
    EXPECT_EQ(r.partitions[2].key.partition, 0);
}

TEST(fetch_session_cache, reopen_and_close) {
    fetch_session_cache cache({});
    auto s1 = cache.open(0, {part("a", 0)}, false);
    auto s2 = cache.open(s1.session_id, {part("a", 0)}, false);
    EXPECT_NE(s2.session_id, 0);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.update(s1.session_id, 1, false, {}, {}).error, kafka_error::fetch_session_id_not_found);
    cache.close(s2.session_id);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.update(s2.session_id, 1, false, {}, {}).error, kafka_error::fetch_session_id_not_found);
}

TEST(fetch_session_cache, eviction_when_full) {
    fake_clock clock;
    fetch_session_cache cache({2, 120s}, clock.fn());
    auto big = cache.open(0, {part("a", 0), part("a", 1), part("a", 2)}, false);
    auto small = cache.open(0, {part("a", 0)}, false);
    ASSERT_NE(big.session_id, 0);
    ASSERT_NE(small.session_id, 0);
    // Full, nobody idle long, the new session is not larger than the smallest: no session.
    EXPECT_EQ(cache.open(0, {part("b", 0)}, false).session_id, 0);
    // A larger new session evicts the smallest one.
    auto larger = cache.open(0, {part("b", 0), part("b", 1)}, false);
    EXPECT_NE(larger.session_id, 0);
    EXPECT_FALSE(cache.partition_count(small.session_id));
    EXPECT_TRUE(cache.partition_count(big.session_id));
    // After the eviction time, the least recently used session gives way to any new one.
    clock.now += 100s;
    ASSERT_EQ(cache.update(larger.session_id, 1, false, {}, {}).error, kafka_error::none);
    clock.now += 30s;
    auto any = cache.open(0, {part("c", 0)}, false);
    EXPECT_NE(any.session_id, 0);
    EXPECT_FALSE(cache.partition_count(big.session_id));
    EXPECT_TRUE(cache.partition_count(larger.session_id));
}

TEST(fetch_session_cache, zero_slots_disable_sessions) {
    fetch_session_cache cache({0, 120s});
    EXPECT_EQ(cache.open(0, {part("a", 0)}, false).session_id, 0);
}

} // namespace
} // namespace brook::broker

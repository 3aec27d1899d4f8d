#include "brook/log/partition_log.h"
#include "harness/test_dirs.h"
#include "log_test_util.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

namespace brook::log::test {
namespace {

namespace pk = protocol::kafka;

struct compaction_fixture : ::testing::Test {
    brook::test::temp_dir tmp{"brook-compact"};
    file_cache files{64};
    fake_clock clock;

    std::shared_ptr<partition_log> make(log_config cfg) {
        cfg.cleanup_compact = true;
        cfg.cleanup_delete = false;
        cfg.segment_bytes = 600;
        auto r = partition_log::create(tmp / "users-0", {"users", 0}, cfg, files, clock.fn());
        EXPECT_TRUE(r);
        return r.value();
    }
};

TEST_F(compaction_fixture, KeepsNewestRecordPerKeyAndPreservesOffsets) {
    auto log = make({});
    int64_t now = clock.now->load();
    std::map<std::string, std::pair<int64_t, std::string>> expected;
    for (int i = 0; i < 30; ++i) {
        std::string key = std::string("user").append(std::to_string(i % 5));
        std::string value = std::string("v").append(std::to_string(i));
        auto a = append_ok(*log, make_batch({{key, value}}, now));
        expected[key] = {a.base_offset.value(), value};
    }
    ASSERT_GT(log->segment_count(), 3u);
    auto before = read_all(*log);
    auto st = log->compact(now);
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_TRUE(st.value().ran);
    EXPECT_GT(st.value().records_removed, 0);
    EXPECT_LT(st.value().bytes_after, st.value().bytes_before);
    auto after = read_all(*log);
    EXPECT_LT(after.size(), before.size());
    // Each surviving record keeps its offset and is either the newest of its key or in the active segment.
    std::map<int64_t, read_record> by_offset;
    for (const auto& r : before) {
        by_offset[r.offset] = r;
    }
    // The cleaner covers the non-active segments only (as Kafka's), so "newest" is within them.
    auto active_base = log->segment_bases().back().value();
    std::map<std::string, int64_t> newest_cleanable;
    for (const auto& r : before) {
        if (r.offset < active_base) {
            newest_cleanable[*r.key] = r.offset;
        }
    }
    for (const auto& r : after) {
        ASSERT_TRUE(by_offset.count(r.offset));
        EXPECT_EQ(by_offset[r.offset].value, r.value);
        if (r.offset < active_base) {
            EXPECT_EQ(newest_cleanable[*r.key], r.offset) << *r.key;
        }
    }
    for (size_t i = 1; i < after.size(); ++i) {
        EXPECT_GT(after[i].offset, after[i - 1].offset);
    }
    // The newest value of every key is still readable.
    for (const auto& [key, e] : expected) {
        bool found = false;
        for (const auto& r : after) {
            found = found || (r.offset == e.first && r.value == e.second);
        }
        EXPECT_TRUE(found) << key;
    }
    EXPECT_EQ(log->log_end_offset(), offset(30));
    auto a = append_ok(*log, make_batch({{"user1", "new"}}, now));
    EXPECT_EQ(a.base_offset, offset(30));
}

TEST_F(compaction_fixture, FiltersRecordsInsideCompressedBatches) {
    auto log = make({});
    int64_t now = clock.now->load();
    append_ok(*log, make_batch({{"a", "1"}, {"b", "1"}, {"c", "1"}}, now, pk::compression_type::lz4));
    append_ok(*log, make_batch({{"a", "2"}, {"d", "1"}}, now, pk::compression_type::zstd));
    for (int i = 0; i < 6; ++i) {
        append_ok(*log, make_batch({{"b", std::string(100, 'x')}}, now));
    }
    ASSERT_TRUE(log->compact(now, true));
    auto after = read_all(*log);
    std::map<int64_t, std::string> keys;
    for (const auto& r : after) {
        keys[r.offset] = *r.key;
    }
    EXPECT_FALSE(keys.count(0)); // a@0 superseded by a@3
    EXPECT_FALSE(keys.count(1)); // b superseded
    EXPECT_EQ(keys[2], "c");
    EXPECT_EQ(keys[3], "a");
    EXPECT_EQ(keys[4], "d");
}

TEST_F(compaction_fixture, TombstonesDroppedOnlyAfterDeleteRetention) {
    log_config cfg;
    cfg.delete_retention_ms = 10'000;
    auto log = make(cfg);
    int64_t now = clock.now->load();
    append_ok(*log, make_batch({{"gone", "value"}}, now));
    append_ok(*log, make_batch({{"gone", std::nullopt}}, now)); // tombstone
    for (int i = 0; i < 6; ++i) {
        append_ok(*log, make_batch({{std::string("other").append(std::to_string(i)), std::string(150, 'y')}}, now));
    }
    ASSERT_TRUE(log->compact(now, true));
    auto mid = read_all(*log);
    bool tombstone_seen = false;
    for (const auto& r : mid) {
        EXPECT_NE(r.offset, 0); // the old value is gone at once
        tombstone_seen = tombstone_seen || (r.offset == 1 && !r.value);
    }
    EXPECT_TRUE(tombstone_seen);
    ASSERT_TRUE(log->compact(now + 20'000, true));
    for (const auto& r : read_all(*log)) {
        EXPECT_NE(r.offset, 1);
    }
}

TEST_F(compaction_fixture, RespectsMinCleanableDirtyRatio) {
    log_config cfg;
    cfg.min_cleanable_dirty_ratio = 0.5;
    auto log = make(cfg);
    int64_t now = clock.now->load();
    for (int i = 0; i < 10; ++i) {
        append_ok(*log, make_batch({{"k", std::to_string(i) + std::string(150, 'z')}}, now));
    }
    auto first = log->compact(now);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first.value().ran);
    // Right after cleaning, nothing is dirty: the next run is skipped.
    auto second = log->compact(now);
    ASSERT_TRUE(second);
    EXPECT_FALSE(second.value().ran);
}

TEST_F(compaction_fixture, CompactionDoesNotBlockConcurrentAppendsAndReads) {
    auto log = make({});
    int64_t now = clock.now->load();
    for (int i = 0; i < 40; ++i) {
        append_ok(*log, make_batch({{std::string("k").append(std::to_string(i % 4)), std::string(100, 'q')}}, now));
    }
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; i < 200 && !stop; ++i) {
            auto b = make_batch({{std::string("w").append(std::to_string(i % 3)), "x"}}, now);
            EXPECT_TRUE(log->append_as_leader(b, leader_epoch(0)));
        }
    });
    for (int round = 0; round < 5; ++round) {
        ASSERT_TRUE(log->compact(now, true));
        auto recs = read_all(*log);
        for (size_t i = 1; i < recs.size(); ++i) {
            ASSERT_GT(recs[i].offset, recs[i - 1].offset);
        }
    }
    stop = true;
    writer.join();
}

} // namespace
} // namespace brook::log::test

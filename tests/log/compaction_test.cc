#include "brook/log/partition_log.h"
#include "harness/test_dirs.h"
#include "log_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// (record timestamp, key, value) of every record, and the headers of their batches.
struct raw_view {
    std::vector<pk::record_batch_header> batches;
    std::map<int64_t, int64_t> timestamp_of; // offset -> record timestamp
    std::map<int64_t, bool> tombstone_at;    // offset -> record has a null value
};

raw_view read_raw(partition_log& log) {
    raw_view v;
    bytes buf;
    for (offset next = log.log_start_offset(); next < log.log_end_offset();) {
        buf.clear();
        auto r = log.read_into(next, 1 << 20, offset::max(), buf);
        EXPECT_TRUE(r);
        if (!r || r.value().region.length == 0) {
            break;
        }
        auto split = pk::split_record_batches(buf, false);
        EXPECT_TRUE(split);
        for (auto b : split.value()) {
            auto d = pk::decoded_record_batch::decode(b, 1 << 26, true);
            EXPECT_TRUE(d);
            v.batches.push_back(d.value().header());
            auto records = d.value().all_records();
            EXPECT_TRUE(records);
            for (const auto& rec : records.value()) {
                int64_t off = d.value().header().base_offset + rec.offset_delta;
                v.timestamp_of[off] = d.value().header().base_timestamp + rec.timestamp_delta;
                v.tombstone_at[off] = !rec.value;
            }
        }
        next = r.value().next_offset;
    }
    return v;
}

TEST_F(compaction_fixture, TombstoneKeptForDeleteRetentionAfterItsFirstCleaning) {
    // Kafka's delete horizon (KIP-534): the tombstone's own timestamp does not matter, only when
    // the cleaner first saw it. Here it is 30 days old, far past delete.retention.ms.
    log_config cfg;
    cfg.delete_retention_ms = 10'000;
    auto log = make(cfg);
    int64_t now = clock.now->load();
    int64_t old_ts = now - 30LL * 24 * 3600 * 1000;
    append_ok(*log, make_batch({{"gone", "value"}}, old_ts));
    append_ok(*log, make_batch({{"other", "x"}, {"gone", std::nullopt}}, old_ts + 5)); // tombstone at 2
    for (int i = 0; i < 6; ++i) {
        append_ok(*log, make_batch({{std::string("k").append(std::to_string(i)), std::string(150, 'y')}}, now));
    }
    auto first = log->compact(now);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first.value().ran);
    auto v = read_raw(*log);
    EXPECT_FALSE(v.timestamp_of.count(0)); // the old value goes at once
    ASSERT_TRUE(v.tombstone_at.count(2));
    EXPECT_TRUE(v.tombstone_at[2]);
    EXPECT_EQ(v.timestamp_of[2], old_ts + 5); // record timestamps survive the re-encoding
    EXPECT_EQ(v.timestamp_of[1], old_ts + 5);
    bool stamped = false;
    for (const auto& h : v.batches) {
        if (h.base_offset == 1) {
            stamped = true;
            EXPECT_TRUE(h.has_delete_horizon());
            EXPECT_EQ(h.base_timestamp, now + 10'000);
            EXPECT_EQ(h.max_timestamp, old_ts + 5);
        } else {
            EXPECT_FALSE(h.has_delete_horizon()) << h.base_offset;
        }
    }
    EXPECT_TRUE(stamped);
    // Before the horizon nothing is due (nothing dirty either); a forced run keeps it too.
    EXPECT_FALSE(log->compact(now + 9'999).value().ran);
    ASSERT_TRUE(log->compact(now + 9'999, true));
    EXPECT_TRUE(read_raw(*log).tombstone_at.count(2));
    // At the horizon a cleaning is due even though nothing is dirty, and the tombstone goes.
    auto last = log->compact(now + 10'000);
    ASSERT_TRUE(last);
    EXPECT_TRUE(last.value().ran);
    v = read_raw(*log);
    EXPECT_FALSE(v.tombstone_at.count(2));
    EXPECT_TRUE(v.tombstone_at.count(1)); // its batch neighbour stays
    EXPECT_EQ(log->log_end_offset(), offset(9));
    // Nothing left to do.
    EXPECT_FALSE(log->compact(now + 20'000).value().ran);
}

// Newest offset per key among the records of the non-active segments.
std::map<std::string, int64_t> newest_below(const std::vector<read_record>& recs, int64_t active_base) {
    std::map<std::string, int64_t> out;
    for (const auto& r : recs) {
        if (r.offset < active_base && r.key) {
            out[*r.key] = r.offset;
        }
    }
    return out;
}

TEST_F(compaction_fixture, KeyMapIsBoundedByDedupeBufferAndCleansInPasses) {
    // Each entry costs 64 bytes + its key (6 bytes here); 240 bytes at load factor 0.9 hold 3.
    log_config small;
    small.dedupe_buffer_bytes = 240;
    auto log = make(small);
    auto ref = partition_log::create(
        tmp / "ref-0", {"ref", 0},
        [] {
            log_config c;
            c.cleanup_compact = true;
            c.cleanup_delete = false;
            c.segment_bytes = 600;
            return c;
        }(),
        files, clock.fn());
    ASSERT_TRUE(ref);
    int64_t now = clock.now->load();
    for (int i = 0; i < 40; ++i) {
        std::string key = std::string("key-").append(std::to_string(10 + (i * 7) % 12));
        std::string value = std::string("v").append(std::to_string(i)).append(90, 'p');
        append_ok(*log, make_batch({{key, value}}, now));
        append_ok(*ref.value(), make_batch({{key, value}}, now));
    }
    ASSERT_EQ(log->segment_bases(), ref.value()->segment_bases());
    auto before = read_all(*log);
    auto active_base = log->segment_bases().back().value();
    auto st = log->compact(now, true);
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_GT(st.value().passes, 2);
    EXPECT_LE(st.value().max_map_keys, 3u);
    auto unbounded = ref.value()->compact(now, true);
    ASSERT_TRUE(unbounded);
    EXPECT_EQ(unbounded.value().passes, 1);
    EXPECT_EQ(unbounded.value().max_map_keys, 12u);
    // Same result as with an unbounded map: exactly the newest record of each key below the
    // active segment, plus the active segment untouched.
    auto after = read_all(*log);
    auto newest = newest_below(before, active_base);
    std::vector<int64_t> expected;
    for (const auto& [k, off] : newest) {
        expected.push_back(off);
    }
    for (const auto& r : before) {
        if (r.offset >= active_base) {
            expected.push_back(r.offset);
        }
    }
    std::sort(expected.begin(), expected.end());
    std::vector<int64_t> got;
    for (const auto& r : after) {
        got.push_back(r.offset);
    }
    EXPECT_EQ(got, expected);
    std::vector<int64_t> got_ref;
    for (const auto& r : read_all(*ref.value())) {
        got_ref.push_back(r.offset);
    }
    EXPECT_EQ(got, got_ref);
    EXPECT_EQ(log->cleaner_checkpoint(), offset(active_base));
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

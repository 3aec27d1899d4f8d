#include "brook/log/errc.h"
#include "brook/log/partition_log.h"
#include "harness/test_dirs.h"
#include "log/segment.h"
#include "log_test_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace brook::log::test {
namespace {

namespace fs = std::filesystem;

struct log_fixture : ::testing::Test {
    brook::test::temp_dir tmp{"brook-log"};
    file_cache files{64};
    fake_clock clock;
    topic_partition tp{"orders", 3};

    std::shared_ptr<partition_log> make(const log_config& cfg) {
        auto r = partition_log::create(tmp / "orders-3", tp, cfg, files, clock.fn());
        EXPECT_TRUE(r) << r.error().message();
        return r.value();
    }
    std::shared_ptr<partition_log> reopen(const log_config& cfg, load_options opts, recovery_stats* st = nullptr) {
        auto r = partition_log::load(tmp / "orders-3", tp, cfg, files, clock.fn(), opts, st);
        EXPECT_TRUE(r) << r.error().message();
        return r ? r.value() : nullptr;
    }
};

TEST_F(log_fixture, LeaderAppendAssignsOffsetsAndEpoch) {
    auto log = make({});
    auto a = append_ok(*log, make_batch(3, 10, 1000), leader_epoch(5));
    EXPECT_EQ(a.base_offset, offset(0));
    EXPECT_EQ(a.last_offset, offset(2));
    auto b = append_ok(*log, make_batch(2, 10, 1000), leader_epoch(5));
    EXPECT_EQ(b.base_offset, offset(3));
    EXPECT_EQ(log->log_end_offset(), offset(5));
    auto recs = read_all(*log);
    ASSERT_EQ(recs.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(recs[size_t(i)].offset, i);
    }
    EXPECT_EQ(log->epochs().latest_epoch(), leader_epoch(5));
}

TEST_F(log_fixture, FileNamesFollowKafkaLayout) {
    log_config cfg;
    cfg.segment_bytes = 600;
    auto log = make(cfg);
    for (int i = 0; i < 4; ++i) {
        append_ok(*log, make_batch(2, 100, 1000));
    }
    EXPECT_TRUE(fs::exists(tmp / "orders-3" / "00000000000000000000.log"));
    EXPECT_TRUE(fs::exists(tmp / "orders-3" / "00000000000000000000.index"));
    EXPECT_TRUE(fs::exists(tmp / "orders-3" / "00000000000000000000.timeindex"));
    auto bases = log->segment_bases();
    ASSERT_GE(bases.size(), 2u);
    EXPECT_TRUE(fs::exists(segment_file(tmp / "orders-3", bases[1], ".log")));
}

// Large appends allocate their blocks before writing: exactly the bytes written, never beyond the
// file's end (sizes and contents as without it).
TEST_F(log_fixture, LargeAppendsAllocateNoMoreThanTheyWrite) {
    log_config cfg;
    cfg.max_batch_bytes = 4 * 1024 * 1024;
    auto log = make(cfg);
    append_ok(*log, make_batch(3, 100, 1000));    // small: not preallocated
    append_ok(*log, make_batch(700, 1000, 1000)); // about 700 KiB, unaligned start
    append_ok(*log, make_batch(400, 1000, 1000));
    auto path = tmp / "orders-3" / "00000000000000000000.log";
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(uint64_t(st.st_size), log->size_bytes());
    EXPECT_LE(uint64_t(st.st_blocks) * 512, (uint64_t(st.st_size) + 4095) / 4096 * 4096 + 64 * 1024);
    EXPECT_EQ(read_all(*log).size(), 1103u);
}

TEST_F(log_fixture, LogAppendTimeStampsBatches) {
    log_config cfg;
    cfg.log_append_time = true;
    auto log = make(cfg);
    auto a = append_ok(*log, make_batch(1, 10, 5));
    EXPECT_EQ(a.append_time_ms, clock.now->load());
    bytes buf;
    ASSERT_TRUE(log->read_into(offset(0), 1 << 20, offset::max(), buf));
    auto h = protocol::kafka::validate_record_batch(buf);
    ASSERT_TRUE(h);
    EXPECT_EQ(h.value().max_timestamp, clock.now->load());
    EXPECT_TRUE(h.value().ts_type() == protocol::kafka::timestamp_type::log_append_time);
}

TEST_F(log_fixture, LeaderAppendRejectsCorruptBatch) {
    auto log = make({});
    auto b = make_batch(2, 10, 1000);
    b[b.size() - 1] ^= 0x40;
    auto r = log->append_as_leader(b, leader_epoch(0));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::corrupt_batch);
    auto truncated = make_batch(2, 10, 1000);
    truncated.resize(truncated.size() - 3);
    EXPECT_FALSE(log->append_as_leader(truncated, leader_epoch(0)));
    EXPECT_EQ(log->log_end_offset(), offset(0));
}

TEST_F(log_fixture, LeaderAppendChecksRecordFramingOfCompressedBatches) {
    auto log = make({});
    auto good = make_batch({{"a", "1"}, {"b", "2"}}, 1000, protocol::kafka::compression_type::gzip);
    append_ok(*log, good);
    auto bad = make_batch({{"a", "1"}, {"b", "2"}}, 1000, protocol::kafka::compression_type::gzip);
    bad[bad.size() - 3] ^= 0x55; // the gzip trailer's length; the batch CRC is then made to match
    protocol::kafka::update_record_batch_crc(bad);
    auto r = log->append_as_leader(bad, leader_epoch(0));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_batch);
    EXPECT_EQ(log->log_end_offset(), offset(2));
}

TEST_F(log_fixture, RollsBySize) {
    log_config cfg;
    cfg.segment_bytes = 1000;
    auto log = make(cfg);
    for (int i = 0; i < 10; ++i) {
        append_ok(*log, make_batch(1, 300, 1000));
    }
    auto bases = log->segment_bases();
    EXPECT_EQ(bases.size(), 5u); // batches of ~370 bytes: two fit in 1000 bytes, a third does not
    EXPECT_LE(log->size_bytes(), 5u * 1000u);
    for (size_t i = 1; i < bases.size(); ++i) {
        EXPECT_GT(bases[i], bases[i - 1]);
    }
    EXPECT_EQ(read_all(*log).size(), 10u);
}

TEST_F(log_fixture, RollsByTime) {
    // As in Kafka, segment.ms is measured from the first batch's timestamp to the incoming one.
    log_config cfg;
    cfg.segment_ms = 1000;
    auto log = make(cfg);
    append_ok(*log, make_batch(1, 10, clock.now->load()));
    clock.advance(999);
    append_ok(*log, make_batch(1, 10, clock.now->load()));
    EXPECT_EQ(log->segment_count(), 1u);
    clock.advance(1);
    append_ok(*log, make_batch(1, 10, clock.now->load()));
    EXPECT_EQ(log->segment_count(), 2u);
    EXPECT_EQ(log->segment_bases()[1], offset(2));
    clock.advance(999);
    ASSERT_TRUE(log->maybe_roll_by_time(clock.now->load()));
    EXPECT_EQ(log->segment_count(), 2u);
    clock.advance(1);
    ASSERT_TRUE(log->maybe_roll_by_time(clock.now->load()));
    EXPECT_EQ(log->segment_count(), 3u);
}

TEST_F(log_fixture, RollByTimeIsNotPostponedByARestart) {
    log_config cfg;
    cfg.segment_ms = 10'000;
    for (bool clean : {true, false}) {
        SCOPED_TRACE(clean ? "clean" : "unclean");
        auto dir = tmp / (clean ? "clean-0" : "unclean-0");
        auto open = [&] {
            auto r = partition_log::load(dir, tp, cfg, files, clock.fn(),
                                         {.clean_shutdown = clean, .recovery_point = offset(0)});
            EXPECT_TRUE(r);
            return r ? r.value() : nullptr;
        };
        auto log = partition_log::create(dir, tp, cfg, files, clock.fn()).value();
        append_ok(*log, make_batch(1, 10, clock.now->load()));
        ASSERT_TRUE(log->close());
        log.reset();
        clock.advance(6'000);
        log = open();
        ASSERT_TRUE(log);
        clock.advance(4'000); // 10 s after the first batch, 4 s after the restart
        append_ok(*log, make_batch(1, 10, clock.now->load()));
        EXPECT_EQ(log->segment_count(), 2u);
        // The periodic check counts from the first batch too.
        ASSERT_TRUE(log->close());
        log.reset();
        clock.advance(6'000);
        log = open();
        ASSERT_TRUE(log);
        clock.advance(4'000);
        ASSERT_TRUE(log->maybe_roll_by_time(clock.now->load()));
        EXPECT_EQ(log->segment_count(), 3u);
    }
}

TEST_F(log_fixture, OldTimestampsRollOncePerSegmentMs) {
    // A replay of old data rolls at the first append (Kafka's rule) but the periodic check does not
    // roll every fresh segment again before segment.ms of wall-clock time.
    log_config cfg;
    cfg.segment_ms = 10'000;
    auto log = make(cfg);
    append_ok(*log, make_batch(1, 10, 1000));
    append_ok(*log, make_batch(1, 10, 1000));
    EXPECT_EQ(log->segment_count(), 1u);
    append_ok(*log, make_batch(1, 10, 20'000)); // 19 s of record time after the first batch
    EXPECT_EQ(log->segment_count(), 2u);
    ASSERT_TRUE(log->maybe_roll_by_time(clock.now->load()));
    EXPECT_EQ(log->segment_count(), 2u);
    clock.advance(10'000);
    ASSERT_TRUE(log->maybe_roll_by_time(clock.now->load()));
    EXPECT_EQ(log->segment_count(), 3u);
}

TEST_F(log_fixture, EpochCheckpointLostInACrashIsRebuiltFromBatches) {
    // The append path writes leader-epoch-checkpoint without fsync: a crash may leave it empty or
    // torn. Recovery then rebuilds every entry from the batches of all segments.
    for (const char* damage : {"", "0\n5\n1 0\n", "garbage"}) {
        SCOPED_TRACE(damage);
        auto dir = tmp / (std::string("epochs-") + std::to_string(std::strlen(damage)));
        auto log = partition_log::create(dir, tp, {}, files, clock.fn()).value();
        append_ok(*log, make_batch(2, 10, 1000), leader_epoch(1));
        ASSERT_TRUE(log->flush()); // epoch 1 durable, recovery point 2
        append_ok(*log, make_batch(3, 10, 1000), leader_epoch(4));
        append_ok(*log, make_batch(1, 10, 1000), leader_epoch(7));
        log.reset(); // no close: a crash
        {
            std::ofstream out(dir / "leader-epoch-checkpoint", std::ios::trunc);
            out << damage;
        }
        bool garbage = std::string(damage) == "garbage";
        for (bool clean : {false, true}) {
            if (clean && !garbage) {
                continue; // only an unreadable file forces a scan after a clean shutdown
            }
            auto r = partition_log::load(dir, tp, {}, files, clock.fn(),
                                         {.clean_shutdown = clean, .recovery_point = offset(2)});
            ASSERT_TRUE(r) << r.error().message();
            auto e = r.value()->epochs().entries();
            std::vector<epoch_entry> want{
                {leader_epoch(1), offset(0)}, {leader_epoch(4), offset(2)}, {leader_epoch(7), offset(5)}};
            EXPECT_EQ(e, want) << clean;
            r.value().reset();
            {
                std::ofstream out(dir / "leader-epoch-checkpoint", std::ios::trunc);
                out << damage;
            }
        }
    }
}

TEST_F(log_fixture, RollsWhenIndexIsFull) {
    log_config cfg;
    cfg.index_interval_bytes = 1;
    cfg.max_index_bytes = 24; // three offset-index entries, two time-index entries
    auto log = make(cfg);
    for (int i = 0; i < 12; ++i) {
        append_ok(*log, make_batch(1, 10, 1000 + i));
    }
    EXPECT_GE(log->segment_count(), 3u);
    EXPECT_EQ(read_all(*log).size(), 12u);
}

TEST_F(log_fixture, ReadsAcrossSegmentBoundaries) {
    log_config cfg;
    cfg.segment_bytes = 2048;
    cfg.index_interval_bytes = 256;
    auto log = make(cfg);
    for (int i = 0; i < 60; ++i) {
        append_ok(*log, make_batch(3, 40, 1000));
    }
    EXPECT_GT(log->segment_count(), 5u);
    auto all = read_all(*log);
    ASSERT_EQ(all.size(), 180u);
    for (size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].offset, int64_t(i));
    }
    // Every offset can be a starting point; the batch holding it comes first.
    for (int64_t o = 0; o < 180; o += 7) {
        bytes buf;
        auto r = log->read_into(offset(o), 1, offset::max(), buf);
        ASSERT_TRUE(r);
        auto recs = decode_records(buf);
        ASSERT_EQ(recs.size(), 3u); // one whole batch although max_bytes is 1
        EXPECT_LE(recs.front().offset, o);
        EXPECT_GE(recs.back().offset, o);
    }
}

TEST_F(log_fixture, ReadReturnsFirstBatchWholeAndRespectsLimits) {
    auto log = make({});
    auto big = make_batch(1, 5000, 1000);
    append_ok(*log, big);
    append_ok(*log, make_batch(1, 10, 1000));
    append_ok(*log, make_batch(1, 10, 1000));
    auto r = log->read(offset(0), 100);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().region.length, big.size());
    EXPECT_EQ(r.value().next_offset, offset(1));
    auto r2 = log->read(offset(1), 1 << 20, offset(2));
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2.value().next_offset, offset(2)); // stops at the upper bound
    auto r3 = log->read(offset(2), 1 << 20, offset(2));
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3.value().region.length, 0u);
    auto at_end = log->read(offset(3), 100);
    ASSERT_TRUE(at_end);
    EXPECT_EQ(at_end.value().region.length, 0u);
    auto beyond = log->read(offset(4), 100);
    ASSERT_FALSE(beyond);
    EXPECT_EQ(beyond.error(), errc::offset_out_of_range);
}

TEST_F(log_fixture, FileRegionCanBeReadWithPread) {
    auto log = make({});
    auto b = make_batch(2, 30, 1000);
    append_ok(*log, b);
    auto r = log->read(offset(0), 1 << 20);
    ASSERT_TRUE(r);
    bytes got(r.value().region.length);
    ASSERT_EQ(::pread(r.value().region.file->fd(), got.data(), got.size(), off_t(r.value().region.position)),
              ssize_t(got.size()));
    EXPECT_EQ(decode_records(got).size(), 2u);
}

TEST_F(log_fixture, OffsetForTimestamp) {
    log_config cfg;
    cfg.segment_bytes = 1500;
    cfg.index_interval_bytes = 100;
    auto log = make(cfg);
    for (int i = 0; i < 40; ++i) {
        append_ok(*log, make_batch(2, 50, 10'000 + int64_t(i) * 100)); // batch i: offsets 2i, 2i+1
    }
    ASSERT_GT(log->segment_count(), 3u);
    for (int i = 0; i < 40; ++i) {
        auto r = log->offset_for_timestamp(10'000 + int64_t(i) * 100 - 50);
        ASSERT_TRUE(r);
        ASSERT_TRUE(r.value());
        EXPECT_EQ(r.value()->batch_base_offset, offset(2 * i)) << i;
    }
    auto exact = log->offset_for_timestamp(10'500);
    ASSERT_TRUE(exact && exact.value());
    EXPECT_EQ(exact.value()->batch_base_offset, offset(10));
    auto none = log->offset_for_timestamp(99'999);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none.value());
    auto first = log->offset_for_timestamp(0);
    ASSERT_TRUE(first && first.value());
    EXPECT_EQ(first.value()->batch_base_offset, offset(0));
}

TEST_F(log_fixture, RetentionByTimeDeletesOldSegmentsButNeverTheActiveOne) {
    log_config cfg;
    cfg.segment_bytes = 800;
    cfg.retention_ms = 60'000;
    auto log = make(cfg);
    int64_t now = clock.now->load();
    for (int i = 0; i < 6; ++i) {
        append_ok(*log, make_batch(1, 300, now - 120'000)); // old
    }
    for (int i = 0; i < 6; ++i) {
        append_ok(*log, make_batch(1, 300, now)); // fresh
    }
    size_t before = log->segment_count();
    auto deleted = log->apply_retention(now);
    ASSERT_TRUE(deleted);
    EXPECT_GT(deleted.value(), 0);
    EXPECT_EQ(log->segment_count(), before - size_t(deleted.value()));
    EXPECT_EQ(log->log_start_offset(), log->segment_bases().front());
    auto recs = read_all(*log);
    EXPECT_GE(recs.size(), 6u);
    EXPECT_LE(recs.size(), 7u);
    for (const auto& e : fs::directory_iterator(tmp / "orders-3")) {
        EXPECT_FALSE(e.path().string().ends_with(".deleted")) << e.path();
    }
    // Everything expired: all but the active segment go.
    auto later = log->apply_retention(now + 10 * 60'000);
    ASSERT_TRUE(later);
    EXPECT_EQ(log->segment_count(), 1u);
    auto old_read = log->read(offset(0), 100);
    ASSERT_FALSE(old_read);
    EXPECT_EQ(old_read.error(), errc::offset_out_of_range);
}

TEST_F(log_fixture, RetentionBySize) {
    log_config cfg;
    cfg.segment_bytes = 1000;
    cfg.retention_bytes = 2500;
    auto log = make(cfg);
    for (int i = 0; i < 20; ++i) {
        append_ok(*log, make_batch(1, 300, clock.now->load()));
    }
    ASSERT_TRUE(log->apply_retention(clock.now->load()));
    EXPECT_LE(log->size_bytes(), 2500u + 1000u);
    EXPECT_GE(log->size_bytes(), 2500u - 1000u);
    EXPECT_EQ(log->log_start_offset(), log->segment_bases().front());
}

TEST_F(log_fixture, DeleteRecordsMovesLogStart) {
    log_config cfg;
    cfg.segment_bytes = 1000;
    auto log = make(cfg);
    for (int i = 0; i < 10; ++i) {
        append_ok(*log, make_batch(1, 300, 1000));
    }
    auto r = log->delete_records(offset(5));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value(), offset(5));
    EXPECT_EQ(log->log_start_offset(), offset(5));
    EXPECT_LE(log->segment_bases().front(), offset(5));
    EXPECT_FALSE(log->read(offset(4), 100));
    auto recs = read_all(*log);
    ASSERT_FALSE(recs.empty());
    EXPECT_EQ(recs.back().offset, 9);
    EXPECT_FALSE(log->delete_records(offset(11)));
}

TEST_F(log_fixture, TruncateToRemovesTailAcrossSegments) {
    log_config cfg;
    cfg.segment_bytes = 1000;
    auto log = make(cfg);
    for (int i = 0; i < 10; ++i) {
        append_ok(*log, make_batch(2, 150, 1000), leader_epoch(i < 5 ? 1 : 2));
    }
    ASSERT_TRUE(log->truncate_to(offset(8)));
    EXPECT_EQ(log->log_end_offset(), offset(8));
    EXPECT_EQ(read_all(*log).size(), 8u);
    EXPECT_EQ(log->epochs().latest_epoch(), leader_epoch(1));
    auto a = append_ok(*log, make_batch(2, 10, 1000), leader_epoch(3));
    EXPECT_EQ(a.base_offset, offset(8));
    EXPECT_EQ(read_all(*log).size(), 10u);
    ASSERT_TRUE(log->truncate_to(offset(1))); // inside the first batch: the whole batch goes
    EXPECT_EQ(log->log_end_offset(), offset(0));
    EXPECT_EQ(log->segment_count(), 1u);
}

TEST_F(log_fixture, TruncateFullyStartsEmptyAtOffset) {
    auto log = make({});
    append_ok(*log, make_batch(5, 10, 1000));
    ASSERT_TRUE(log->truncate_fully(offset(100)));
    EXPECT_EQ(log->log_start_offset(), offset(100));
    EXPECT_EQ(log->log_end_offset(), offset(100));
    auto r = log->append_as_follower(make_batch(2, 10, 1000)); // base offset 0 < 100
    EXPECT_FALSE(r);
    bytes b = make_batch(2, 10, 1000);
    protocol::kafka::set_base_offset(b, 100);
    ASSERT_TRUE(log->append_as_follower(b));
    EXPECT_EQ(log->log_end_offset(), offset(102));
    EXPECT_TRUE(fs::exists(tmp / "orders-3" / "00000000000000000100.log"));
}

TEST_F(log_fixture, FollowerKeepsOffsetsAndEpochs) {
    auto log = make({});
    bytes b1 = make_batch(3, 10, 1000);
    protocol::kafka::set_base_offset(b1, 0);
    protocol::kafka::set_partition_leader_epoch(b1, 4);
    bytes b2 = make_batch(2, 10, 1000);
    protocol::kafka::set_base_offset(b2, 10); // a gap, as after compaction on the leader
    protocol::kafka::set_partition_leader_epoch(b2, 6);
    bytes both = b1;
    both.insert(both.end(), b2.begin(), b2.end());
    auto r = log->append_as_follower(both);
    ASSERT_TRUE(r);
    EXPECT_EQ(log->log_end_offset(), offset(12));
    auto e = log->epochs().entries();
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[1], (epoch_entry{leader_epoch(6), offset(10)}));
    EXPECT_EQ(log->end_offset_for_epoch(leader_epoch(4)), (leader_epoch_cache::epoch_end{leader_epoch(4), offset(10)}));
    EXPECT_EQ(log->end_offset_for_epoch(leader_epoch(5)), (leader_epoch_cache::epoch_end{leader_epoch(4), offset(10)}));
    EXPECT_EQ(log->end_offset_for_epoch(leader_epoch(6)), (leader_epoch_cache::epoch_end{leader_epoch(6), offset(12)}));
    EXPECT_EQ(log->end_offset_for_epoch(leader_epoch(7)), (leader_epoch_cache::epoch_end{}));
    EXPECT_EQ(log->end_offset_for_epoch(leader_epoch(2)), (leader_epoch_cache::epoch_end{leader_epoch(2), offset(0)}));
    auto recs = read_all(*log);
    ASSERT_EQ(recs.size(), 5u);
    EXPECT_EQ(recs[3].offset, 10);
}

TEST_F(log_fixture, CleanReopenDoesNotScan) {
    log_config cfg;
    cfg.segment_bytes = 1000;
    {
        auto log = make(cfg);
        for (int i = 0; i < 10; ++i) {
            append_ok(*log, make_batch(1, 300, 1000 + i));
        }
        ASSERT_TRUE(log->close());
    }
    recovery_stats st;
    auto log = reopen(cfg, {.clean_shutdown = true}, &st);
    ASSERT_TRUE(log);
    EXPECT_EQ(st.segments_scanned, 0);
    EXPECT_EQ(log->log_end_offset(), offset(10));
    EXPECT_EQ(read_all(*log).size(), 10u);
    auto ts = log->offset_for_timestamp(1005);
    ASSERT_TRUE(ts && ts.value());
    EXPECT_EQ(ts.value()->batch_base_offset, offset(5));
    append_ok(*log, make_batch(1, 10, 2000));
    EXPECT_EQ(log->log_end_offset(), offset(11));
}

TEST_F(log_fixture, UncleanReopenScansFromRecoveryPoint) {
    log_config cfg;
    cfg.segment_bytes = 1000;
    offset rp;
    {
        auto log = make(cfg);
        for (int i = 0; i < 10; ++i) {
            append_ok(*log, make_batch(1, 300, 1000));
        }
        ASSERT_TRUE(log->flush());
        rp = log->recovery_point();
        EXPECT_EQ(rp, offset(10));
        for (int i = 0; i < 3; ++i) {
            append_ok(*log, make_batch(1, 300, 1000));
        }
        // No close: as if the process died.
    }
    recovery_stats st;
    auto log = reopen(cfg, {.clean_shutdown = false, .recovery_point = rp}, &st);
    ASSERT_TRUE(log);
    EXPECT_GE(st.segments_scanned, 1);
    EXPECT_LT(st.segments_scanned, int(log->segment_count()));
    EXPECT_EQ(log->log_end_offset(), offset(13));
    EXPECT_EQ(read_all(*log).size(), 13u);
}

TEST_F(log_fixture, MissingIndexIsRebuilt) {
    log_config cfg;
    cfg.segment_bytes = 2000;
    cfg.index_interval_bytes = 100;
    {
        auto log = make(cfg);
        for (int i = 0; i < 20; ++i) {
            append_ok(*log, make_batch(1, 300, 1000 + i));
        }
        ASSERT_TRUE(log->close());
    }
    fs::remove(tmp / "orders-3" / "00000000000000000000.index");
    fs::remove(tmp / "orders-3" / "00000000000000000000.timeindex");
    auto log = reopen(cfg, {.clean_shutdown = true});
    ASSERT_TRUE(log);
    EXPECT_EQ(read_all(*log).size(), 20u);
    auto ts = log->offset_for_timestamp(1003);
    ASSERT_TRUE(ts && ts.value());
    EXPECT_EQ(ts.value()->batch_base_offset, offset(3));
    EXPECT_GT(fs::file_size(tmp / "orders-3" / "00000000000000000000.index"), 0u);
}

} // namespace
} // namespace brook::log::test

namespace brook::log::test {
namespace {

TEST_F(log_fixture, OffsetForTimestampFindsTheRecordInsideTheBatch) {
    auto log = make({});
    protocol::kafka::record_batch_builder b;
    b.append(100, "a", "1").append(200, "b", "2").append(300, "c", "3");
    append_ok(*log, b.build().value());
    auto r = log->offset_for_timestamp(150);
    ASSERT_TRUE(r && r.value());
    EXPECT_EQ(r.value()->batch_base_offset, offset(0));
    EXPECT_EQ(r.value()->record_offset, offset(1));
    EXPECT_EQ(r.value()->record_timestamp, 200);
}

// Readers racing with appends, rolls and retention only ever get whole batches with valid CRCs
// and offsets that line up with what they asked for.
TEST_F(log_fixture, ConcurrentReadsNeverSeeTornBatches) {
    log_config cfg;
    cfg.segment_bytes = 4000;
    cfg.retention_bytes = 40'000;
    auto log = make(cfg);
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 600; ++i) {
            append_ok(*log, make_batch(1 + i % 3, 50 + i % 200, 1000));
            if (i % 50 == 0) {
                EXPECT_TRUE(log->apply_retention(clock.now->load()));
            }
        }
        done = true;
    });
    std::vector<std::thread> readers;
    std::atomic<int> reads{0};
    for (int t = 0; t < 2; ++t) {
        readers.emplace_back([&, t] {
            std::mt19937 rng{uint32_t(t)};
            while (!done) {
                offset end = log->log_end_offset();
                offset start = log->log_start_offset();
                if (end == start) {
                    continue;
                }
                offset from = start + int64_t(rng() % uint64_t((end - start.value()).value()));
                bytes buf;
                auto r = log->read_into(from, 8192, offset::max(), buf);
                if (!r) {
                    EXPECT_EQ(r.error(), errc::offset_out_of_range); // retention moved the start
                    continue;
                }
                auto recs = decode_records(buf); // checks every CRC
                ASSERT_FALSE(recs.empty());
                EXPECT_LE(recs.front().offset, from.value());
                EXPECT_GE(recs.back().offset, from.value());
                ++reads;
            }
        });
    }
    writer.join();
    for (auto& r : readers) {
        r.join();
    }
    EXPECT_GT(reads.load(), 0);
}

} // namespace
} // namespace brook::log::test

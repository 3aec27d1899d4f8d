// partition_log::max_timestamp_offset (ListOffsets MAX_TIMESTAMP): the first record holding the
// largest timestamp, across segments, inside batches, and after a clean reopen (cached values).
#include "brook/log/partition_log.h"
#include "harness/test_dirs.h"
#include "log_test_util.h"

#include <gtest/gtest.h>

namespace brook::log::test {
namespace {

struct max_ts_fixture : ::testing::Test {
    brook::test::temp_dir tmp{"brook-log-maxts"};
    file_cache files{64};
    fake_clock clock;
    topic_partition tp{"events", 0};

    std::shared_ptr<partition_log> make(const log_config& cfg) {
        auto r = partition_log::create(tmp / "events-0", tp, cfg, files, clock.fn());
        EXPECT_TRUE(r) << r.error().message();
        return r.value();
    }
    std::shared_ptr<partition_log> reopen(const log_config& cfg) {
        auto r = partition_log::load(tmp / "events-0", tp, cfg, files, clock.fn(), {.clean_shutdown = true});
        EXPECT_TRUE(r) << r.error().message();
        return r ? r.value() : nullptr;
    }
};

bytes batch_with_timestamps(const std::vector<int64_t>& ts,
                            protocol::kafka::compression_type codec = protocol::kafka::compression_type::none) {
    protocol::kafka::record_batch_builder b;
    b.compression(codec);
    for (size_t i = 0; i < ts.size(); ++i) {
        b.append(ts[i], std::string(1, char('a' + i % 26)), std::string(200, 'v'));
    }
    auto out = b.build();
    EXPECT_TRUE(out) << out.error().message();
    return std::move(out.value());
}

TEST_F(max_ts_fixture, EmptyLogHasNone) {
    auto log = make({});
    auto r = log->max_timestamp_offset();
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.value());
}

TEST_F(max_ts_fixture, FindsTheRecordInsideTheBatchNotItsBase) {
    auto log = make({});
    append_ok(*log, batch_with_timestamps({100, 200}));      // offsets 0-1
    append_ok(*log, batch_with_timestamps({150, 900, 300})); // offsets 2-4: max at 3
    append_ok(*log, batch_with_timestamps({400, 500}));      // offsets 5-6
    auto r = log->max_timestamp_offset();
    ASSERT_TRUE(r && r.value());
    EXPECT_EQ(r.value()->record_offset, offset(3));
    EXPECT_EQ(r.value()->record_timestamp, 900);
    EXPECT_EQ(r.value()->batch_base_offset, offset(2));
}

TEST_F(max_ts_fixture, AcrossSegmentsTiesGoToTheFirstRecord) {
    log_config cfg;
    cfg.segment_bytes = 700; // about two batches of three 200-byte records per segment... one, in fact
    auto log = make(cfg);
    append_ok(*log, batch_with_timestamps({10, 20, 30}));     // 0-2
    append_ok(*log, batch_with_timestamps({40, 5000, 5000})); // 3-5: first max at 4
    append_ok(*log, batch_with_timestamps({60, 70, 80}));     // 6-8
    append_ok(*log, batch_with_timestamps({5000, 90, 100}));  // 9-11: a later tie
    append_ok(*log, batch_with_timestamps({110}));            // 12
    ASSERT_GE(log->segment_count(), 3u);
    auto r = log->max_timestamp_offset();
    ASSERT_TRUE(r && r.value());
    EXPECT_EQ(r.value()->record_offset, offset(4));
    EXPECT_EQ(r.value()->record_timestamp, 5000);

    // After a clean close, segments are only described (max timestamp from the time index).
    ASSERT_TRUE(log->close());
    log.reset();
    auto again = reopen(cfg);
    ASSERT_TRUE(again);
    auto r2 = again->max_timestamp_offset();
    ASSERT_TRUE(r2 && r2.value());
    EXPECT_EQ(r2.value()->record_offset, offset(4));
    EXPECT_EQ(r2.value()->record_timestamp, 5000);

    // A larger timestamp appended later wins.
    append_ok(*again, batch_with_timestamps({1, 6000}));
    auto r3 = again->max_timestamp_offset();
    ASSERT_TRUE(r3 && r3.value());
    EXPECT_EQ(r3.value()->record_offset, offset(14));
    EXPECT_EQ(r3.value()->record_timestamp, 6000);
}

TEST_F(max_ts_fixture, CompressedBatchIsDecoded) {
    auto log = make({});
    append_ok(*log, batch_with_timestamps({100, 200}));
    append_ok(*log, batch_with_timestamps({300, 700, 700, 400}, protocol::kafka::compression_type::zstd)); // 2-5
    auto r = log->max_timestamp_offset();
    ASSERT_TRUE(r && r.value());
    EXPECT_EQ(r.value()->record_offset, offset(3));
    EXPECT_EQ(r.value()->record_timestamp, 700);
}

TEST_F(max_ts_fixture, RecordsBelowTheLogStartAreNotAnswered) {
    log_config cfg;
    cfg.segment_bytes = 700;
    auto log = make(cfg);
    append_ok(*log, batch_with_timestamps({10, 9000, 30})); // 0-2
    append_ok(*log, batch_with_timestamps({40, 50, 60}));   // 3-5
    append_ok(*log, batch_with_timestamps({70, 800, 80}));  // 6-8
    ASSERT_TRUE(log->delete_records(offset(3)));
    auto r = log->max_timestamp_offset();
    ASSERT_TRUE(r && r.value());
    EXPECT_EQ(r.value()->record_offset, offset(7));
    EXPECT_EQ(r.value()->record_timestamp, 800);
}

} // namespace
} // namespace brook::log::test

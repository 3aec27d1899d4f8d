#include "brook/log/checkpoint.h"
#include "brook/log/errc.h"
#include "brook/log/leader_epoch_cache.h"
#include "harness/test_dirs.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace brook::log {
namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(checkpoint, OffsetCheckpointUsesKafkaTextFormat) {
    brook::test::temp_dir tmp;
    offset_map m{{{"orders", 0}, offset(42)}, {{"my-topic", 11}, offset(7)}};
    ASSERT_TRUE(write_offset_checkpoint(tmp / "recovery-point-offset-checkpoint", m));
    EXPECT_EQ(slurp(tmp / "recovery-point-offset-checkpoint"), "0\n2\nmy-topic 11 7\norders 0 42\n");
    auto back = read_offset_checkpoint(tmp / "recovery-point-offset-checkpoint");
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value(), m);
    EXPECT_FALSE(std::filesystem::exists(tmp / "recovery-point-offset-checkpoint.tmp"));
}

TEST(checkpoint, MissingFileIsEmptyAndBadFileIsRejected) {
    brook::test::temp_dir tmp;
    auto empty = read_offset_checkpoint(tmp / "nope");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty.value().empty());
    std::ofstream(tmp / "bad") << "0\n3\nt 0 1\n";
    auto bad = read_offset_checkpoint(tmp / "bad");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), errc::bad_checkpoint);
    std::ofstream(tmp / "v1") << "1\n0\n";
    EXPECT_FALSE(read_offset_checkpoint(tmp / "v1"));
}

TEST(checkpoint, TopicPartitionDirNames) {
    EXPECT_EQ((topic_partition{"a-b", 12}).dir_name(), "a-b-12");
    auto tp = topic_partition::from_dir_name("a-b-12");
    ASSERT_TRUE(tp);
    EXPECT_EQ(tp->topic, "a-b");
    EXPECT_EQ(tp->partition, 12);
    EXPECT_FALSE(topic_partition::from_dir_name("nodash"));
    EXPECT_FALSE(topic_partition::from_dir_name("t-x"));
}

TEST(checkpoint, PartitionMetadataAndTopicId) {
    brook::test::temp_dir tmp;
    topic_id id{};
    for (size_t i = 0; i < id.size(); ++i) {
        id[i] = uint8_t(i * 17 + 3);
    }
    ASSERT_TRUE(write_partition_metadata(tmp / "partition.metadata", id));
    auto text = slurp(tmp / "partition.metadata");
    EXPECT_TRUE(text.starts_with("version: 0\ntopic_id: "));
    EXPECT_EQ(text.size(), std::string("version: 0\ntopic_id: \n").size() + 22);
    auto back = read_partition_metadata(tmp / "partition.metadata");
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value(), id);
    // A known value: Kafka prints Uuid(0, 1) as AAAAAAAAAAAAAAAAAAAAAQ.
    topic_id one{};
    one[15] = 1;
    EXPECT_EQ(encode_topic_id(one), "AAAAAAAAAAAAAAAAAAAAAQ");
}

TEST(checkpoint, MetaProperties) {
    brook::test::temp_dir tmp;
    ASSERT_TRUE(write_meta_properties(tmp / "meta.properties", {7, "abc-XYZ"}));
    auto m = read_meta_properties(tmp / "meta.properties");
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value().broker_id, 7);
    EXPECT_EQ(m.value().cluster_id, "abc-XYZ");
}

TEST(leader_epoch_cache_test, EndOffsetForEpochFollowsKafka) {
    brook::test::temp_dir tmp;
    leader_epoch_cache c(tmp / "leader-epoch-checkpoint");
    EXPECT_EQ(c.end_offset_for(leader_epoch(0), offset(10)), (leader_epoch_cache::epoch_end{}));
    EXPECT_TRUE(c.assign(leader_epoch(1), offset(0)));
    EXPECT_FALSE(c.assign(leader_epoch(1), offset(5))); // same epoch: ignored
    EXPECT_TRUE(c.assign(leader_epoch(3), offset(20)));
    EXPECT_TRUE(c.assign(leader_epoch(6), offset(50)));
    EXPECT_FALSE(c.assign(leader_epoch(4), offset(60))); // older epoch: ignored
    using ee = leader_epoch_cache::epoch_end;
    EXPECT_EQ(c.end_offset_for(leader_epoch(6), offset(70)), (ee{leader_epoch(6), offset(70)}));
    EXPECT_EQ(c.end_offset_for(leader_epoch(3), offset(70)), (ee{leader_epoch(3), offset(50)}));
    EXPECT_EQ(c.end_offset_for(leader_epoch(4), offset(70)), (ee{leader_epoch(3), offset(50)}));
    EXPECT_EQ(c.end_offset_for(leader_epoch(2), offset(70)), (ee{leader_epoch(1), offset(20)}));
    EXPECT_EQ(c.end_offset_for(leader_epoch(0), offset(70)), (ee{leader_epoch(0), offset(0)}));
    EXPECT_EQ(c.end_offset_for(leader_epoch(9), offset(70)), (ee{}));

    ASSERT_TRUE(c.persist());
    std::ifstream in(tmp / "leader-epoch-checkpoint");
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "0\n3\n1 0\n3 20\n6 50\n");

    c.truncate_from_end(offset(50));
    EXPECT_EQ(c.latest_epoch(), leader_epoch(3));
    c.truncate_from_start(offset(25));
    auto e = c.entries();
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0], (epoch_entry{leader_epoch(3), offset(25)}));

    leader_epoch_cache reloaded(tmp / "leader-epoch-checkpoint");
    ASSERT_TRUE(reloaded.load());
    EXPECT_EQ(reloaded.entries().size(), 3u); // only persist() writes
}

} // namespace
} // namespace brook::log

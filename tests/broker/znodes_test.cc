#include "broker/zk/znodes.h"
#include "brook/log/checkpoint.h"

#include <gtest/gtest.h>

namespace brook::broker::zk {
namespace {

TEST(znodes, topic_id_is_kafka_base64url_without_padding) {
    topic_id id{};
    for (size_t i = 0; i < id.size(); ++i) {
        id[i] = static_cast<uint8_t>(0xf0 + i);
    }
    auto text = log::encode_topic_id(id);
    EXPECT_EQ(text.size(), 22u);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(log::decode_topic_id(text), id);
    EXPECT_EQ(log::encode_topic_id(topic_id{}), "AAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_FALSE(log::decode_topic_id("short"));
    EXPECT_FALSE(log::decode_topic_id("AAAAAAAAAAAAAAAAAAAA!A"));
}

TEST(znodes, topic_assignment_round_trips) {
    topic_metadata t;
    t.name = "t";
    t.id = random_topic_id();
    t.partitions = {{0, 0, {0}, {0}}, {0, 0, {0}, {0}}};
    topic_metadata back;
    ASSERT_TRUE(parse_topic(topic_json(t), back));
    EXPECT_EQ(back.id, t.id);
    ASSERT_EQ(back.partitions.size(), 2u);
    EXPECT_EQ(back.partitions[1].replicas, std::vector<int32_t>{0});
    EXPECT_FALSE(parse_topic(R"({"version":3,"partitions":{"x":[0]}})", back));
    EXPECT_FALSE(parse_topic("not json", back));
}

TEST(znodes, kafka_payloads_parse) {
    partition_assignment a;
    ASSERT_TRUE(
        parse_partition_state(R"({"controller_epoch":4,"leader":2,"version":1,"leader_epoch":7,"isr":[2,1]})", a));
    EXPECT_EQ(a.leader, 2);
    EXPECT_EQ(a.leader_epoch, 7);
    EXPECT_EQ(a.isr, (std::vector<int32_t>{2, 1}));
    EXPECT_EQ(parse_controller(R"({"version":1,"brokerid":5,"timestamp":"1"})"), 5);
    EXPECT_EQ(parse_cluster_id(R"({"version":"1","id":"abc"})"), "abc");
    auto cfg = parse_topic_config(topic_config_json({{"retention.ms", "10"}}));
    ASSERT_TRUE(cfg);
    EXPECT_EQ(cfg->at("retention.ms"), "10");
    auto b = parse_broker(1, broker_json({{"PLAINTEXT", "h", 9}}, std::nullopt));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "h");
    EXPECT_EQ(b->port, 9);
}

} // namespace
} // namespace brook::broker::zk

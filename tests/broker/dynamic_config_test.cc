// Topic and dynamic broker configs: validation, precedence and the resulting log settings; the
// coordinator session file.
#include "broker/dynamic_config.h"
#include "broker/zk/session_file.h"
#include "broker/zk/znodes.h"
#include "brook/broker/config.h"
#include "harness/test_dirs.h"

#include <gtest/gtest.h>

#include <fstream>

namespace brook::broker {
namespace {

config_values static_config(std::vector<std::string> overrides) {
    auto loaded = load_config_text(broker_config_registry(), "", "test.properties", overrides);
    EXPECT_TRUE(loaded.errors.empty());
    return std::move(*loaded.values);
}

TEST(dynamic_config, topic_configs_are_checked_by_name_type_and_range) {
    EXPECT_FALSE(check_topic_config("retention.ms", "-1"));
    EXPECT_FALSE(check_topic_config("cleanup.policy", "compact,delete"));
    EXPECT_TRUE(check_topic_config("retention.ms", "-2"));
    EXPECT_TRUE(check_topic_config("retention.ms", "12x"));
    EXPECT_TRUE(check_topic_config("cleanup.policy", "shred"));
    EXPECT_TRUE(check_topic_config("segment.bytes", "13"));
    EXPECT_TRUE(check_topic_config("min.cleanable.dirty.ratio", "1.5"));
    EXPECT_TRUE(check_topic_config("compression.type", "brotli"));
    auto unknown = check_topic_config("retention.minutes", "1");
    ASSERT_TRUE(unknown);
    EXPECT_NE(unknown->find("Unknown topic config"), std::string::npos);
}

TEST(dynamic_config, only_synonyms_of_topic_configs_are_dynamic_broker_configs) {
    EXPECT_TRUE(is_dynamic_broker_config("log.retention.ms"));
    EXPECT_TRUE(is_dynamic_broker_config("log.segment.bytes"));
    EXPECT_TRUE(is_dynamic_broker_config("message.max.bytes"));
    EXPECT_FALSE(is_dynamic_broker_config("broker.id"));
    EXPECT_FALSE(is_dynamic_broker_config("no.such.key"));
    EXPECT_FALSE(check_broker_config("log.retention.ms", "1000"));
    EXPECT_TRUE(check_broker_config("log.retention.ms", "x"));
    EXPECT_TRUE(check_broker_config("listeners", "PLAINTEXT://:1"));
}

TEST(dynamic_config, precedence_is_topic_then_broker_then_default_then_static) {
    auto cfg = static_config({"log.retention.ms=1000", "log.segment.bytes=5000"});
    dynamic_broker_configs dyn;
    dyn.cluster_default = {{"log.retention.ms", "2000"}, {"log.segment.bytes", "6000"}};
    dyn.this_broker = {{"log.retention.ms", "3000"}};
    auto effective = effective_broker_config(cfg, dyn);
    auto settings = topic_log_config(effective, {});
    EXPECT_EQ(settings.retention_ms, 3000);
    EXPECT_EQ(settings.segment_bytes, 6000u);
    settings = topic_log_config(effective, {{"retention.ms", "4000"},
                                            {"cleanup.policy", "compact"},
                                            {"max.message.bytes", "777"},
                                            {"message.timestamp.type", "LogAppendTime"}});
    EXPECT_EQ(settings.retention_ms, 4000);
    EXPECT_TRUE(settings.cleanup_compact);
    EXPECT_FALSE(settings.cleanup_delete);
    EXPECT_EQ(settings.max_batch_bytes, 777u);
    EXPECT_TRUE(settings.log_append_time);
    EXPECT_EQ(broker_config_source(cfg, dyn, "log.retention.ms"), config_source::dynamic_broker);
    EXPECT_EQ(broker_config_source(cfg, dyn, "log.segment.bytes"), config_source::dynamic_default_broker);
    EXPECT_EQ(broker_config_source(cfg, {}, "log.segment.bytes"), config_source::static_broker);
    EXPECT_EQ(broker_config_source(cfg, {}, "log.retention.bytes"), config_source::default_config);
}

TEST(session_file, round_trips_and_rejects_garbage) {
    brook::test::temp_dir dir{"brook-session"};
    const auto file = dir / "sub" / "coordinator-session";
    ASSERT_TRUE(zk::write_session_file(file, {0x1234abcdLL, bytes{1, 2, 0xfe, 0xff}}));
    auto back = zk::read_session_file(file);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id, 0x1234abcdLL);
    EXPECT_EQ(back->password, (bytes{1, 2, 0xfe, 0xff}));
    std::ofstream(file) << "session.id=zz\nsession.password=01\n";
    EXPECT_FALSE(zk::read_session_file(file));
    EXPECT_FALSE(zk::read_session_file(dir / "absent"));
}

TEST(config_znodes, change_notifications_use_kafkas_version_2_layout) {
    EXPECT_EQ(zk::config_change_json("topics/t"), R"({"version":2,"entity_path":"topics/t"})");
    EXPECT_EQ(zk::parse_config_change(R"({"version":2,"entity_path":"brokers/<default>"})"), "brokers/<default>");
    EXPECT_FALSE(zk::parse_config_change("{}"));
    EXPECT_EQ(zk::topic_config_json({{"retention.ms", "5"}}), R"({"version":1,"config":{"retention.ms":"5"}})");
}

} // namespace
} // namespace brook::broker

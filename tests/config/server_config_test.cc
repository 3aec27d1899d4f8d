// The broker's and coordinator's registries accept the shipped sample files and apply Kafka's and
// ZooKeeper's derived defaults.
#include "brook/broker/config.h"
#include "brook/coordinator/config.h"

#include <gtest/gtest.h>

namespace brook {
namespace {

TEST(broker_config, sample_file_loads_without_warnings) {
    auto r =
        load_config(broker::broker_config_registry(), std::string(BROOK_SOURCE_DIR) + "/config/server.properties", {});
    ASSERT_TRUE(r.errors.empty()) << r.errors[0].to_string();
    EXPECT_TRUE(r.warnings.empty()) << r.warnings[0].to_string();
    const auto& v = *r.values;
    EXPECT_EQ(v.get_list("listeners"), std::vector<std::string>{"PLAINTEXT://:9092"});
    EXPECT_EQ(v.get_list("log.dirs"), std::vector<std::string>{"data/kafka-logs"});
    EXPECT_EQ(v.get_int("num.partitions"), 1);
    EXPECT_EQ(broker::effective_retention_ms(v), 168LL * 3600 * 1000);
    EXPECT_EQ(broker::embedded_coordinator_data_dir(v), "data/kafka-logs-coordinator");
    EXPECT_EQ(v.get_int("coordinator.embedded.port"), 2181);
}

TEST(broker_config, retention_precedence_follows_kafka) {
    auto r =
        load_config_text(broker::broker_config_registry(), "log.retention.hours=1\nlog.retention.minutes=5\n", "f", {});
    ASSERT_TRUE(r.errors.empty());
    EXPECT_EQ(broker::effective_retention_ms(*r.values), 5 * 60'000);
    r = load_config_text(broker::broker_config_registry(), "log.retention.minutes=5\n", "f", {"log.retention.ms=-1"});
    EXPECT_EQ(broker::effective_retention_ms(*r.values), -1);
}

TEST(broker_config, embedded_port_range_is_checked) {
    auto r =
        load_config_text(broker::broker_config_registry(), "coordinator.embedded.port=70000\n", "s.properties", {});
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].origin.line, 1u);
    EXPECT_EQ(r.errors[0].key, "coordinator.embedded.port");
}

TEST(coordinator_config, sample_file_loads_and_derives_session_bounds) {
    auto r = load_config(coordinator::coordinator_config_registry(),
                         std::string(BROOK_SOURCE_DIR) + "/config/coordinator.properties", {});
    ASSERT_TRUE(r.errors.empty()) << r.errors[0].to_string();
    EXPECT_TRUE(r.warnings.empty()) << r.warnings[0].to_string();
    const auto& v = *r.values;
    EXPECT_EQ(v.get_int("clientPort"), 2181);
    EXPECT_EQ(v.get_string("dataDir"), "data/coordinator");
    EXPECT_EQ(coordinator::effective_min_session_timeout(v), 4000);
    EXPECT_EQ(coordinator::effective_max_session_timeout(v), 40000);
}

TEST(coordinator_config, ensemble_members_are_prefix_keys) {
    auto r = load_config_text(coordinator::coordinator_config_registry(),
                              "dataDir=/d\nserver.1=a:2888:3888\nserver.2=b:2888:3888\nserver.3=c:2888:3888\n",
                              "zoo.cfg", {});
    ASSERT_TRUE(r.errors.empty());
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(r.values->with_prefix("server.").size(), 3u);
}

} // namespace
} // namespace brook

// The admin APIs of a whole broker in-process: AlterConfigs, IncrementalAlterConfigs (topic and
// dynamic broker configs, validation, validateOnly, live application, restart), CreatePartitions,
// DeleteRecords, OffsetForLeaderEpoch, DescribeLogDirs, and CreateTopics answered after the
// coordinator write.
#include "broker/broker_fixture.h"
#include "brook/protocol/kafka/error_code.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <thread>

namespace brook::broker {
namespace {

namespace kafka = protocol::kafka;
using kafka::error_code;

constexpr int8_t topic_resource = 2;
constexpr int8_t broker_resource = 4;

int16_t code(error_code e) {
    return static_cast<int16_t>(e);
}

class admin_apis_test : public test::broker_fixture {
protected:
    admin_apis_test() : broker_fixture("brook-admin", 3) {
        _extra_overrides = {"num.network.threads=1", "log.retention.check.interval.ms=100"};
    }

    /// One request on a connection of its own.
    template<class Response, class Request>
    Response call(const Request& body, int16_t version) {
        test::raw_client c(_port);
        return test::call<Response>(c, body, version);
    }

    int16_t create(const std::string& topic, int32_t partitions = 1,
                   std::vector<std::pair<std::string, std::string>> configs = {}) {
        test::raw_client c(_port);
        auto resp = test::create_topic(c, topic, partitions, configs);
        EXPECT_EQ(resp.topics.size(), 1u);
        return resp.topics.empty() ? -1 : resp.topics[0].error_code;
    }

    void produce(const std::string& topic, int n, int32_t partition = 0, size_t value_size = 10) {
        auto resp =
            call<kafka::produce_response>(test::produce_of(topic, partition, test::batch_of(n, "", value_size)), 9);
        ASSERT_EQ(resp.responses.size(), 1u);
        ASSERT_EQ(resp.responses[0].partition_responses.at(0).error_code, 0);
    }

    /// Every config of a resource: name -> (value, source).
    std::map<std::string, std::pair<std::string, int8_t>> describe(int8_t type, const std::string& name,
                                                                   int16_t* error = nullptr) {
        kafka::describe_configs_request req;
        req.resources.push_back({type, name, std::nullopt, {}});
        auto resp = call<kafka::describe_configs_response>(req, 4);
        std::map<std::string, std::pair<std::string, int8_t>> out;
        if (resp.results.size() != 1) {
            ADD_FAILURE() << "no DescribeConfigs result";
            return out;
        }
        if (error) {
            *error = resp.results[0].error_code;
        }
        for (const auto& e : resp.results[0].configs) {
            out[e.name] = {e.value.value_or(""), e.config_source};
        }
        return out;
    }

    using op = std::tuple<std::string, int8_t, std::optional<std::string>>;
    kafka::incremental_alter_configs_response incremental(int8_t type, const std::string& name, std::vector<op> ops,
                                                          bool validate_only = false) {
        kafka::incremental_alter_configs_request req;
        kafka::incremental_alter_configs_request::alter_configs_resource res;
        res.resource_type = type;
        res.resource_name = name;
        for (auto& [k, o, v] : ops) {
            kafka::incremental_alter_configs_request::alterable_config c;
            c.name = k;
            c.config_operation = o;
            c.value = v;
            res.configs.push_back(c);
        }
        req.resources.push_back(res);
        req.validate_only = validate_only;
        return call<kafka::incremental_alter_configs_response>(req, 1);
    }

    size_t segment_files(const std::string& dir_name) {
        size_t n = 0;
        for (const auto& e : std::filesystem::directory_iterator(_dir / "logs" / dir_name)) {
            n += e.path().extension() == ".log" ? 1 : 0;
        }
        return n;
    }
};

TEST_F(admin_apis_test, alter_configs_replaces_the_override_set_and_survives_a_restart) {
    ASSERT_EQ(create("t1", 1, {{"retention.ms", "1234"}, {"cleanup.policy", "compact"}}), 0);
    kafka::alter_configs_request req;
    kafka::alter_configs_request::alter_configs_resource res;
    res.resource_type = topic_resource;
    res.resource_name = "t1";
    res.configs.push_back({"retention.bytes", std::string("99999")});
    req.resources.push_back(res);
    auto resp = call<kafka::alter_configs_response>(req, 2);
    ASSERT_EQ(resp.responses.size(), 1u);
    EXPECT_EQ(resp.responses[0].error_code, 0) << resp.responses[0].error_message.value_or("");
    EXPECT_EQ(resp.responses[0].resource_name, "t1");
    auto configs = describe(topic_resource, "t1");
    EXPECT_EQ(configs["retention.bytes"], std::make_pair(std::string("99999"), int8_t{1}));
    // The whole set was replaced: the earlier overrides are back to their defaults.
    EXPECT_EQ(configs["cleanup.policy"].first, "delete");
    EXPECT_EQ(configs["cleanup.policy"].second, 5);
    EXPECT_NE(configs["retention.ms"].first, "1234");
    stop();
    start();
    configs = describe(topic_resource, "t1");
    EXPECT_EQ(configs["retention.bytes"].first, "99999");
    EXPECT_EQ(configs["retention.bytes"].second, 1);
}

TEST_F(admin_apis_test, alter_configs_rejects_unknown_keys_bad_values_and_unknown_topics) {
    ASSERT_EQ(create("t2"), 0);
    kafka::alter_configs_request req;
    req.resources.push_back({topic_resource, "t2", {{"no.such.config", std::string("1")}}});
    req.resources.push_back({topic_resource, "t2", {{"retention.ms", std::string("soon")}}});
    req.resources.push_back({topic_resource, "t2", {{"cleanup.policy", std::string("shred")}}});
    req.resources.push_back({topic_resource, "absent", {{"retention.ms", std::string("1")}}});
    req.resources.push_back({broker_resource, "42", {{"log.retention.ms", std::string("1")}}});
    req.resources.push_back({broker_resource, "3", {{"broker.id", std::string("9")}}});
    auto resp = call<kafka::alter_configs_response>(req, 1);
    ASSERT_EQ(resp.responses.size(), 6u);
    EXPECT_EQ(resp.responses[0].error_code, code(error_code::invalid_config));
    EXPECT_EQ(resp.responses[1].error_code, code(error_code::invalid_config));
    EXPECT_EQ(resp.responses[2].error_code, code(error_code::invalid_config));
    EXPECT_EQ(resp.responses[3].error_code, code(error_code::unknown_topic_or_partition));
    EXPECT_EQ(resp.responses[4].error_code, code(error_code::invalid_request));
    EXPECT_EQ(resp.responses[5].error_code, code(error_code::invalid_config));
    EXPECT_TRUE(resp.responses[0].error_message.has_value());
}

TEST_F(admin_apis_test, incremental_alter_sets_deletes_appends_and_subtracts) {
    ASSERT_EQ(create("t3"), 0);
    auto r = incremental(topic_resource, "t3", {{"retention.ms", 0, "5000"}, {"cleanup.policy", 2, "compact"}});
    ASSERT_EQ(r.responses.at(0).error_code, 0) << r.responses[0].error_message.value_or("");
    auto configs = describe(topic_resource, "t3");
    EXPECT_EQ(configs["retention.ms"], std::make_pair(std::string("5000"), int8_t{1}));
    EXPECT_EQ(configs["cleanup.policy"].first, "delete,compact");
    r = incremental(topic_resource, "t3", {{"cleanup.policy", 3, "delete"}, {"retention.ms", 1, std::nullopt}});
    ASSERT_EQ(r.responses.at(0).error_code, 0);
    configs = describe(topic_resource, "t3");
    EXPECT_EQ(configs["cleanup.policy"].first, "compact");
    EXPECT_EQ(configs["retention.ms"].second, 5); // back to the default
    // APPEND on a non-list config, duplicate keys, a bad value.
    r = incremental(topic_resource, "t3", {{"retention.ms", 2, "1"}});
    EXPECT_EQ(r.responses.at(0).error_code, code(error_code::invalid_config));
    r = incremental(topic_resource, "t3", {{"retention.ms", 0, "1"}, {"retention.ms", 0, "2"}});
    EXPECT_EQ(r.responses.at(0).error_code, code(error_code::invalid_request));
    r = incremental(topic_resource, "t3", {{"segment.bytes", 0, "1"}});
    EXPECT_EQ(r.responses.at(0).error_code, code(error_code::invalid_config));
    // validateOnly checks without storing.
    r = incremental(topic_resource, "t3", {{"retention.ms", 0, "777"}}, true);
    EXPECT_EQ(r.responses.at(0).error_code, 0);
    EXPECT_NE(describe(topic_resource, "t3")["retention.ms"].first, "777");
}

TEST_F(admin_apis_test, dynamic_broker_configs_layer_under_topic_overrides) {
    ASSERT_EQ(create("t4"), 0);
    auto r = incremental(broker_resource, "", {{"log.retention.ms", 0, "111111"}});
    ASSERT_EQ(r.responses.at(0).error_code, 0) << r.responses[0].error_message.value_or("");
    auto configs = describe(topic_resource, "t4");
    EXPECT_EQ(configs["retention.ms"], std::make_pair(std::string("111111"), int8_t{3}));
    r = incremental(broker_resource, "3", {{"log.retention.ms", 0, "222222"}});
    ASSERT_EQ(r.responses.at(0).error_code, 0);
    configs = describe(topic_resource, "t4");
    EXPECT_EQ(configs["retention.ms"], std::make_pair(std::string("222222"), int8_t{2}));
    auto broker = describe(broker_resource, "3");
    EXPECT_EQ(broker["log.retention.ms"], std::make_pair(std::string("222222"), int8_t{2}));
    auto defaults = describe(broker_resource, "");
    EXPECT_EQ(defaults["log.retention.ms"], std::make_pair(std::string("111111"), int8_t{3}));
    r = incremental(broker_resource, "3", {{"num.network.threads", 0, "4"}});
    EXPECT_EQ(r.responses.at(0).error_code, code(error_code::invalid_config));
    r = incremental(broker_resource, "3", {{"log.segment.bytes", 0, "-5"}});
    EXPECT_EQ(r.responses.at(0).error_code, code(error_code::invalid_config));
    stop();
    start();
    configs = describe(topic_resource, "t4");
    EXPECT_EQ(configs["retention.ms"], std::make_pair(std::string("222222"), int8_t{2}));
}

TEST_F(admin_apis_test, segment_bytes_change_applies_to_the_live_log) {
    // Records carry 2023 timestamps: no retention, or the retention thread would delete them.
    ASSERT_EQ(create("t5", 1, {{"retention.ms", "-1"}}), 0);
    produce("t5", 5, 0, 200);
    EXPECT_EQ(segment_files("t5-0"), 1u);
    auto r = incremental(topic_resource, "t5", {{"segment.bytes", 0, "1024"}});
    ASSERT_EQ(r.responses.at(0).error_code, 0);
    for (int i = 0; i < 4; ++i) {
        produce("t5", 5, 0, 200);
    }
    EXPECT_GE(segment_files("t5-0"), 3u);
}

TEST_F(admin_apis_test, retention_ms_change_deletes_old_segments) {
    ASSERT_EQ(create("t6", 1, {{"segment.bytes", "1024"}, {"retention.ms", "-1"}}), 0);
    for (int i = 0; i < 4; ++i) {
        produce("t6", 5, 0, 200); // timestamps of 2023: older than any retention below
    }
    ASSERT_GE(segment_files("t6-0"), 3u);
    auto r = incremental(topic_resource, "t6", {{"retention.ms", 0, "60000"}});
    ASSERT_EQ(r.responses.at(0).error_code, 0);
    // The retention thread runs every 100 ms; bounded wait for its effect.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (segment_files("t6-0") > 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(segment_files("t6-0"), 1u);
}

TEST_F(admin_apis_test, create_partitions_grows_topics_and_refuses_shrinking) {
    ASSERT_EQ(create("t7", 2), 0);
    kafka::create_partitions_request req;
    req.topics.push_back({"t7", 5, std::nullopt});
    req.topics.push_back({"absent", 3, std::nullopt});
    auto resp = call<kafka::create_partitions_response>(req, 3);
    ASSERT_EQ(resp.results.size(), 2u);
    EXPECT_EQ(resp.results[0].error_code, 0) << resp.results[0].error_message.value_or("");
    EXPECT_EQ(resp.results[1].error_code, code(error_code::unknown_topic_or_partition));
    produce("t7", 3, 4);
    kafka::create_partitions_request shrink;
    shrink.topics.push_back({"t7", 3, std::nullopt});
    EXPECT_EQ(call<kafka::create_partitions_response>(shrink, 1).results.at(0).error_code,
              code(error_code::invalid_partitions));
    kafka::create_partitions_request check;
    check.topics.push_back({"t7", 9, std::nullopt});
    check.validate_only = true;
    EXPECT_EQ(call<kafka::create_partitions_response>(check, 2).results.at(0).error_code, 0);
    kafka::create_partitions_request bad;
    bad.topics.push_back({"t7", 7, std::vector<kafka::create_partitions_request::create_partitions_assignment>{{{3}}}});
    EXPECT_EQ(call<kafka::create_partitions_response>(bad, 2).results.at(0).error_code,
              code(error_code::invalid_replica_assignment));
    kafka::metadata_request md;
    md.topics = std::vector<kafka::metadata_request::metadata_request_topic>{{{}, std::string("t7")}};
    auto meta = call<kafka::metadata_response>(md, 12);
    ASSERT_EQ(meta.topics.size(), 1u);
    EXPECT_EQ(meta.topics[0].partitions.size(), 5u);
    stop();
    start();
    meta = call<kafka::metadata_response>(md, 12);
    ASSERT_EQ(meta.topics.size(), 1u);
    EXPECT_EQ(meta.topics[0].partitions.size(), 5u);
}

TEST_F(admin_apis_test, delete_records_moves_the_low_watermark) {
    ASSERT_EQ(create("t8"), 0);
    produce("t8", 10);
    auto del = [&](int64_t offset) {
        kafka::delete_records_request req;
        req.timeout_ms = 1000;
        req.topics.push_back({"t8", {{0, offset}, {5, 0}}});
        auto resp = call<kafka::delete_records_response>(req, 2);
        EXPECT_EQ(resp.topics.size(), 1u);
        EXPECT_EQ(resp.topics.at(0).partitions.at(1).error_code, code(error_code::unknown_topic_or_partition));
        return resp.topics.at(0).partitions.at(0);
    };
    auto r = del(4);
    EXPECT_EQ(r.error_code, 0);
    EXPECT_EQ(r.low_watermark, 4);
    r = del(11);
    EXPECT_EQ(r.error_code, code(error_code::offset_out_of_range));
    r = del(-1);
    EXPECT_EQ(r.error_code, 0);
    EXPECT_EQ(r.low_watermark, 10);
    kafka::list_offsets_request lo;
    lo.replica_id = -1;
    lo.topics.push_back({"t8", {{0, -1, -2, 1}}});
    auto offsets = call<kafka::list_offsets_response>(lo, 7);
    EXPECT_EQ(offsets.topics.at(0).partitions.at(0).offset, 10);
}

TEST_F(admin_apis_test, offset_for_leader_epoch_answers_from_the_epoch_cache) {
    ASSERT_EQ(create("t9"), 0);
    produce("t9", 7);
    kafka::offset_for_leader_epoch_request req;
    req.replica_id = -1;
    req.topics.push_back({"t9", {{0, 0, 0}, {0, 3, 0}, {1, -1, 0}}});
    req.topics.push_back({"absent", {{0, -1, 0}}});
    auto resp = call<kafka::offset_for_leader_epoch_response>(req, 4);
    ASSERT_EQ(resp.topics.size(), 2u);
    const auto& p = resp.topics[0].partitions;
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].error_code, 0);
    EXPECT_EQ(p[0].leader_epoch, 0);
    EXPECT_EQ(p[0].end_offset, 7);
    EXPECT_EQ(p[1].error_code, code(error_code::unknown_leader_epoch));
    EXPECT_EQ(p[2].error_code, code(error_code::unknown_topic_or_partition));
    EXPECT_EQ(resp.topics[1].partitions.at(0).error_code, code(error_code::unknown_topic_or_partition));
}

TEST_F(admin_apis_test, describe_log_dirs_reports_sizes_and_space) {
    ASSERT_EQ(create("t10", 2), 0);
    produce("t10", 5, 1, 100);
    kafka::describe_log_dirs_request req;
    req.topics = std::nullopt;
    auto resp = call<kafka::describe_log_dirs_response>(req, 4);
    ASSERT_EQ(resp.results.size(), 1u);
    const auto& dir = resp.results[0];
    EXPECT_EQ(dir.error_code, 0);
    EXPECT_EQ(std::filesystem::path(dir.log_dir), std::filesystem::absolute(_dir / "logs"));
    EXPECT_GT(dir.total_bytes, 0);
    EXPECT_GT(dir.usable_bytes, 0);
    std::map<int32_t, int64_t> sizes;
    for (const auto& t : dir.topics) {
        if (t.name == "t10") {
            for (const auto& p : t.partitions) {
                sizes[p.partition_index] = p.partition_size;
            }
        }
    }
    ASSERT_EQ(sizes.size(), 2u);
    EXPECT_EQ(sizes[0], 0);
    EXPECT_GT(sizes[1], 500);
    kafka::describe_log_dirs_request one;
    one.topics = std::vector<kafka::describe_log_dirs_request::describable_log_dir_topic>{{"t10", {1}}};
    auto only = call<kafka::describe_log_dirs_response>(one, 1);
    ASSERT_EQ(only.results.at(0).topics.size(), 1u);
    EXPECT_EQ(only.results[0].topics[0].partitions.size(), 1u);
}

TEST_F(admin_apis_test, api_versions_advertises_the_admin_apis_with_full_ranges) {
    kafka::api_versions_request req;
    auto resp = call<kafka::api_versions_response>(req, 3);
    std::map<int16_t, std::pair<int16_t, int16_t>> ranges;
    for (const auto& a : resp.api_keys) {
        ranges[a.api_key] = {a.min_version, a.max_version};
    }
    EXPECT_EQ(ranges[21], std::make_pair(int16_t{0}, int16_t{2}));
    EXPECT_EQ(ranges[23], std::make_pair(int16_t{0}, int16_t{4}));
    EXPECT_EQ(ranges[33], std::make_pair(int16_t{0}, int16_t{2}));
    EXPECT_EQ(ranges[35], std::make_pair(int16_t{0}, int16_t{4}));
    EXPECT_EQ(ranges[37], std::make_pair(int16_t{0}, int16_t{3}));
    EXPECT_EQ(ranges[44], std::make_pair(int16_t{0}, int16_t{1}));
}

} // namespace
} // namespace brook::broker

// DescribeConfigs synonyms (v1+) and documentation (v3+) against a whole broker in-process: each
// layer (topic override, this broker's dynamic configs, the cluster-wide dynamic defaults,
// server.properties, built-in defaults) appears in Kafka's order, the entry's source is its first
// synonym's, and v0 reports is_default.
#include "broker/broker_fixture.h"
#include "brook/protocol/kafka/error_code.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

namespace brook::broker {
namespace {

namespace kafka = protocol::kafka;

constexpr int8_t topic_resource = 2;
constexpr int8_t broker_resource = 4;
constexpr int8_t dynamic_topic = 1;
constexpr int8_t dynamic_broker = 2;
constexpr int8_t dynamic_default = 3;
constexpr int8_t static_broker = 4;
constexpr int8_t default_config = 5;

using entry = kafka::describe_configs_response::describe_configs_resource_result;
using syn = std::tuple<std::string, std::string, int8_t>;

std::vector<syn> synonyms_of(const entry& e) {
    std::vector<syn> out;
    for (const auto& s : e.synonyms) {
        out.emplace_back(s.name, s.value.value_or("<null>"), s.source);
    }
    return out;
}

class describe_configs_test : public test::broker_fixture {
protected:
    describe_configs_test() : broker_fixture("brook-describe-configs", 3) {
        _extra_overrides = {"num.network.threads=1", "log.segment.bytes=2000000", "log.retention.ms=86400000"};
    }

    template<class Response, class Request>
    Response call(const Request& body, int16_t version) {
        test::raw_client c(_port);
        return test::call<Response>(c, body, version);
    }

    void set(int8_t type, const std::string& name, const std::string& key, const std::string& value) {
        kafka::incremental_alter_configs_request req;
        kafka::incremental_alter_configs_request::alter_configs_resource res;
        res.resource_type = type;
        res.resource_name = name;
        kafka::incremental_alter_configs_request::alterable_config c;
        c.name = key;
        c.config_operation = 0;
        c.value = value;
        res.configs.push_back(c);
        req.resources.push_back(res);
        auto resp = call<kafka::incremental_alter_configs_response>(req, 1);
        ASSERT_EQ(resp.responses.at(0).error_code, 0) << resp.responses[0].error_message.value_or("");
    }

    std::map<std::string, entry> describe(int8_t type, const std::string& name, int16_t version, bool synonyms,
                                          bool documentation) {
        kafka::describe_configs_request req;
        req.resources.push_back({type, name, std::nullopt, {}});
        req.include_synonyms = synonyms;
        req.include_documentation = documentation;
        auto resp = call<kafka::describe_configs_response>(req, version);
        std::map<std::string, entry> out;
        if (resp.results.size() != 1) {
            ADD_FAILURE() << "no DescribeConfigs result";
            return out;
        }
        EXPECT_EQ(resp.results[0].error_code, 0);
        for (auto& e : resp.results[0].configs) {
            out[e.name] = e;
        }
        return out;
    }

    void SetUp() override {
        broker_fixture::SetUp();
        test::raw_client c(_port);
        auto created = test::create_topic(c, "dc", 1, {{"retention.ms", "1234"}});
        ASSERT_EQ(created.topics.at(0).error_code, 0);
        set(broker_resource, "3", "log.retention.bytes", "5000");
        set(broker_resource, "", "message.max.bytes", "2000000");
    }
};

TEST_F(describe_configs_test, topic_synonyms_list_every_layer_most_specific_first) {
    auto configs = describe(topic_resource, "dc", 4, true, true);
    const auto& retention = configs.at("retention.ms");
    EXPECT_EQ(retention.value, "1234");
    EXPECT_EQ(retention.config_source, dynamic_topic);
    // log.retention.ms leads, so the default of log.retention.hours (its synonym) follows it.
    EXPECT_EQ(synonyms_of(retention), (std::vector<syn>{{"retention.ms", "1234", dynamic_topic},
                                                        {"log.retention.ms", "86400000", static_broker},
                                                        {"log.retention.hours", "168", default_config}}));

    const auto& segment = configs.at("segment.bytes");
    EXPECT_EQ(segment.value, "2000000");
    EXPECT_EQ(segment.config_source, static_broker);
    EXPECT_EQ(synonyms_of(segment), (std::vector<syn>{{"log.segment.bytes", "2000000", static_broker},
                                                      {"log.segment.bytes", "1073741824", default_config}}));

    const auto& bytes = configs.at("retention.bytes");
    EXPECT_EQ(bytes.value, "5000");
    EXPECT_EQ(bytes.config_source, dynamic_broker);
    EXPECT_EQ(synonyms_of(bytes), (std::vector<syn>{{"log.retention.bytes", "5000", dynamic_broker},
                                                    {"log.retention.bytes", "-1", default_config}}));

    const auto& max = configs.at("max.message.bytes");
    EXPECT_EQ(max.value, "2000000");
    EXPECT_EQ(max.config_source, dynamic_default);
    EXPECT_EQ(synonyms_of(max), (std::vector<syn>{{"message.max.bytes", "2000000", dynamic_default},
                                                  {"message.max.bytes", "1048588", default_config}}));

    const auto& policy = configs.at("cleanup.policy");
    EXPECT_EQ(policy.config_source, default_config);
    EXPECT_EQ(synonyms_of(policy), (std::vector<syn>{{"log.cleanup.policy", "delete", default_config}}));

    // Kafka's broker key of a topic config this broker has no key for, and a config without one.
    EXPECT_EQ(synonyms_of(configs.at("file.delete.delay.ms")),
              (std::vector<syn>{{"log.segment.delete.delay.ms", "60000", default_config}}));
    EXPECT_TRUE(configs.at("remote.storage.enable").synonyms.empty());
    EXPECT_EQ(configs.at("remote.storage.enable").config_source, default_config);

    ASSERT_TRUE(retention.documentation);
    EXPECT_FALSE(retention.documentation->empty());
    EXPECT_EQ(retention.config_type, 5); // LONG
}

TEST_F(describe_configs_test, without_the_flags_sources_stay_and_details_go) {
    auto configs = describe(topic_resource, "dc", 4, false, false);
    EXPECT_TRUE(configs.at("retention.ms").synonyms.empty());
    EXPECT_EQ(configs.at("retention.ms").config_source, dynamic_topic);
    EXPECT_EQ(configs.at("segment.bytes").config_source, static_broker);
    EXPECT_EQ(configs.at("retention.bytes").config_source, dynamic_broker);
    EXPECT_FALSE(configs.at("retention.ms").documentation);

    // v2 has no documentation field; v1 carries synonyms.
    auto v1 = describe(topic_resource, "dc", 1, true, true);
    EXPECT_EQ(v1.at("segment.bytes").synonyms.size(), 2u);
    EXPECT_EQ(v1.at("segment.bytes").config_source, static_broker);
}

TEST_F(describe_configs_test, v0_reports_is_default) {
    auto configs = describe(topic_resource, "dc", 0, false, false);
    EXPECT_FALSE(configs.at("retention.ms").is_default);
    EXPECT_FALSE(configs.at("segment.bytes").is_default);
    EXPECT_FALSE(configs.at("retention.bytes").is_default);
    EXPECT_TRUE(configs.at("cleanup.policy").is_default);
    EXPECT_TRUE(configs.at("remote.storage.enable").is_default);
}

TEST_F(describe_configs_test, broker_synonyms_cover_dynamic_static_and_default_layers) {
    auto configs = describe(broker_resource, "3", 4, true, true);
    const auto& bytes = configs.at("log.retention.bytes");
    EXPECT_EQ(bytes.value, "5000");
    EXPECT_EQ(bytes.config_source, dynamic_broker);
    EXPECT_EQ(synonyms_of(bytes), (std::vector<syn>{{"log.retention.bytes", "5000", dynamic_broker},
                                                    {"log.retention.bytes", "-1", default_config}}));
    EXPECT_FALSE(bytes.read_only);

    // log.retention.ms is set by any of .ms/.minutes/.hours: the hours default follows.
    EXPECT_EQ(synonyms_of(configs.at("log.retention.ms")),
              (std::vector<syn>{{"log.retention.ms", "86400000", static_broker},
                                {"log.retention.hours", "168", default_config}}));
    EXPECT_EQ(configs.at("message.max.bytes").config_source, dynamic_default);

    const auto& id = configs.at("broker.id");
    EXPECT_EQ(id.config_source, static_broker);
    EXPECT_TRUE(id.read_only);
    ASSERT_TRUE(id.documentation);
    EXPECT_FALSE(id.documentation->empty());

    // The cluster-wide defaults list only their own layer.
    set(broker_resource, "3", "message.max.bytes", "3000000");
    auto defaults = describe(broker_resource, "", 4, true, false);
    const auto& max = defaults.at("message.max.bytes");
    EXPECT_EQ(max.value, "2000000");
    EXPECT_EQ(max.config_source, dynamic_default);
    EXPECT_EQ(synonyms_of(max), (std::vector<syn>{{"message.max.bytes", "2000000", dynamic_default}}));
    auto mine = describe(broker_resource, "3", 4, true, false);
    EXPECT_EQ(mine.at("message.max.bytes").value, "3000000");
    EXPECT_EQ(synonyms_of(mine.at("message.max.bytes")).size(), 3u);
}

} // namespace
} // namespace brook::broker

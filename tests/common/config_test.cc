#include "brook/common/config.h"

#include <gtest/gtest.h>

namespace brook {
namespace {

config_registry sample_registry() {
    config_registry r;
    r.define({"num.partitions", config_type::int32, "1", "partitions", 1, std::nullopt, {}, false})
        .define({"retention.ms", config_type::int64, "604800000", "retention", -1, std::nullopt, {}, false})
        .define({"enabled", config_type::boolean, "true", "flag", std::nullopt, std::nullopt, {}, false})
        .define({"ratio", config_type::float64, "0.5", "ratio", 0, 1, {}, false})
        .define(
            {"policy", config_type::list, "delete", "policy", std::nullopt, std::nullopt, {"delete", "compact"}, false})
        .define({"name", config_type::string, std::nullopt, "no default", std::nullopt, std::nullopt, {}, false})
        .define({"server.", config_type::string, std::nullopt, "prefix", std::nullopt, std::nullopt, {}, true});
    return r;
}

TEST(config_registry, defaults_apply_when_unset) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "", "x.properties", {});
    ASSERT_TRUE(r.errors.empty());
    const auto& v = *r.values;
    EXPECT_EQ(v.get_int("num.partitions"), 1);
    EXPECT_EQ(v.get_long("retention.ms"), 604800000);
    EXPECT_TRUE(v.get_bool("enabled"));
    EXPECT_DOUBLE_EQ(v.get_double("ratio"), 0.5);
    EXPECT_EQ(v.get_list("policy"), std::vector<std::string>{"delete"});
    EXPECT_FALSE(v.is_set("num.partitions"));
    EXPECT_FALSE(v.has("name"));
}

TEST(config_registry, file_values_are_typed) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "num.partitions=6\nenabled=FALSE\npolicy=compact, delete\nname= x \n", "f", {});
    ASSERT_TRUE(r.errors.empty());
    const auto& v = *r.values;
    EXPECT_EQ(v.get_int("num.partitions"), 6);
    EXPECT_FALSE(v.get_bool("enabled"));
    EXPECT_EQ(v.get_list("policy"), (std::vector<std::string>{"compact", "delete"}));
    EXPECT_EQ(v.get_string("name"), "x");
}

TEST(config_registry, overrides_win_over_the_file) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "num.partitions=6\n", "f", {"num.partitions=9", "name=a=b"});
    ASSERT_TRUE(r.errors.empty());
    EXPECT_EQ(r.values->get_int("num.partitions"), 9);
    EXPECT_EQ(r.values->get_string("name"), "a=b");
}

TEST(config_registry, range_error_names_file_line_and_key) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "# c\nnum.partitions=0\n", "server.properties", {});
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_FALSE(r.values);
    EXPECT_EQ(r.errors[0].to_string(),
              "server.properties:2: num.partitions: value 0 is outside the valid range [1, ...]");
}

TEST(config_registry, type_errors) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "num.partitions=abc\nenabled=yes\nratio=2\npolicy=zap\nnum.partitions=99999999999\n",
                              "f", {});
    // The later num.partitions replaces the earlier one in the file, so four problems.
    ASSERT_EQ(r.errors.size(), 4u);
    EXPECT_NE(r.errors[0].reason.find("32-bit"), std::string::npos);
    EXPECT_NE(r.errors[1].reason.find("true or false"), std::string::npos);
    EXPECT_NE(r.errors[2].reason.find("range"), std::string::npos);
    EXPECT_NE(r.errors[3].reason.find("not one of"), std::string::npos);
}

TEST(config_registry, bad_override_syntax_is_an_error) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "", "f", {"novalue"});
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].origin.file, "--override");
}

TEST(config_registry, override_range_error) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "", "f", {"ratio=-0.1"});
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].key, "ratio");
}

TEST(config_registry, unknown_keys_warn_and_are_kept) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "mystery.key=1\n", "f", {});
    ASSERT_TRUE(r.errors.empty());
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].key, "mystery.key");
    EXPECT_EQ(r.warnings[0].origin.line, 1u);
    EXPECT_EQ(r.values->raw().at("mystery.key"), "1");
}

TEST(config_registry, prefix_keys_collect_their_entries) {
    auto reg = sample_registry();
    auto r = load_config_text(reg, "server.1=a:2888:3888\nserver.2=b:2888:3888\n", "zoo.cfg", {});
    ASSERT_TRUE(r.errors.empty());
    EXPECT_TRUE(r.warnings.empty());
    auto servers = r.values->with_prefix("server.");
    ASSERT_EQ(servers.size(), 2u);
    EXPECT_EQ(servers[1].second, "b:2888:3888");
}

TEST(config_registry, defining_a_bad_default_is_a_programming_error) {
    config_registry r;
    EXPECT_THROW(r.define({"x", config_type::int32, "notanint", "", std::nullopt, std::nullopt, {}, false}),
                 std::logic_error);
    r.define({"y", config_type::int32, "1", "", std::nullopt, std::nullopt, {}, false});
    EXPECT_THROW(r.define({"y", config_type::int32, "1", "", std::nullopt, std::nullopt, {}, false}), std::logic_error);
}

TEST(config_registry, missing_file_is_an_error) {
    auto reg = sample_registry();
    auto r = load_config(reg, "/nonexistent/dir/server.properties", {});
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].to_string().find("cannot open"), std::string::npos);
}

} // namespace
} // namespace brook

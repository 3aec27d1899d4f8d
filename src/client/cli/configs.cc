// brook configs: describe and alter topic and broker configs, like kafka-configs.
#include "brook/client/kafka/admin.h"
#include "brook/client/kafka/errc.h"
#include "common.h"
#include "output.h"

#include <iostream>

namespace brook::cli {

namespace ck = client::kafka;

namespace {

constexpr const char* usage = R"(usage: brook configs (--describe | --alter) (--topic T | --broker ID |
                     --entity-type topics|brokers --entity-name NAME) [options]

  --describe [--all]                     only overrides unless --all
  --alter --add-config k=v[,k=v...] --delete-config k[,k...]
)";

const char* source_name(int8_t s) {
    switch (s) {
    case 1:
        return "DYNAMIC_TOPIC_CONFIG";
    case 2:
        return "DYNAMIC_BROKER_CONFIG";
    case 3:
        return "DYNAMIC_DEFAULT_BROKER_CONFIG";
    case 4:
        return "STATIC_BROKER_CONFIG";
    case 5:
        return "DEFAULT_CONFIG";
    case 6:
        return "DYNAMIC_BROKER_LOGGER_CONFIG";
    default:
        return "UNKNOWN";
    }
}

} // namespace

int run_configs(int argc, char** argv) {
    command_context ctx;
    bool stop = false;
    option_spec spec{{"topic", "broker", "entity-type", "entity-name", "add-config", "delete-config"},
                     {"describe", "alter", "all"}};
    int rc = prepare(argc, argv, spec, usage, ctx, stop);
    if (stop) {
        return rc;
    }
    const auto& a = ctx.args;
    if (int(a.has("describe")) + int(a.has("alter")) != 1) {
        return bad_usage("give exactly one of --describe, --alter");
    }
    ck::resource_type type = ck::resource_type::topic;
    std::string name;
    if (auto t = a.get("topic")) {
        name = *t;
    } else if (auto b = a.get("broker")) {
        type = ck::resource_type::broker;
        name = *b;
    } else if (auto et = a.get("entity-type")) {
        if (*et == "topics") {
            type = ck::resource_type::topic;
        } else if (*et == "brokers") {
            type = ck::resource_type::broker;
        } else {
            return bad_usage("--entity-type must be topics or brokers");
        }
        auto en = a.get("entity-name");
        if (!en) {
            return bad_usage("--entity-name is required with --entity-type");
        }
        name = *en;
    } else {
        return bad_usage("name the resource with --topic, --broker or --entity-type/--entity-name");
    }
    std::map<std::string, std::string> set;
    for (const auto& kv : a.all("add-config", true)) {
        auto p = split_key_value(kv);
        if (!p) {
            return bad_usage("--add-config needs key=value, got '" + kv + "'");
        }
        set[p->first] = p->second;
    }
    const auto remove = a.all("delete-config", true);
    if (a.has("alter") && set.empty() && remove.empty()) {
        return bad_usage("--alter needs --add-config or --delete-config");
    }
    if ((rc = connect(ctx)) != 0) {
        return rc;
    }
    ck::admin adm(*ctx.client);
    if (a.has("alter")) {
        if (auto r = adm.alter_configs(type, name, set, remove); !r) {
            return fail("alter configs of " + name, r.error());
        }
        if (ctx.json) {
            std::cout << "{\"altered\":" << json_string(name) << "}\n";
        } else {
            std::cout << "Completed updating config for " << (type == ck::resource_type::topic ? "topic " : "broker ")
                      << name << ".\n";
        }
        return exit_code::ok;
    }
    auto r = adm.describe_configs(type, name);
    if (!r) {
        return fail("describe configs of " + name, r.error());
    }
    const bool all = a.has("all") || type == ck::resource_type::broker;
    json_writer j;
    j.begin_array();
    table t({"NAME", "VALUE", "SOURCE", "READ-ONLY", "SENSITIVE"});
    for (const auto& c : r.value()) {
        if (!all && c.source != 1 && c.source != 2) {
            continue;
        }
        const std::string value = c.is_sensitive ? "(sensitive)" : c.value.value_or("null");
        t.add(
            {c.name, value, source_name(c.source), c.read_only ? "true" : "false", c.is_sensitive ? "true" : "false"});
        j.begin_object().key("name").value(c.name).key("value");
        c.is_sensitive ? j.null() : j.value(c.value);
        j.key("source").value(source_name(c.source)).key("read_only").value(c.read_only);
        j.key("sensitive").value(c.is_sensitive).end_object();
    }
    j.end_array();
    if (ctx.json) {
        std::cout << j.str() << "\n";
    } else {
        t.print(std::cout);
    }
    return exit_code::ok;
}

} // namespace brook::cli

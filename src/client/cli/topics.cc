// brook topics: create, list, describe, alter (partitions) and delete topics.
#include "brook/client/kafka/admin.h"
#include "brook/client/kafka/errc.h"
#include "common.h"
#include "output.h"

#include <iostream>

namespace brook::cli {

namespace ck = client::kafka;

namespace {

constexpr const char* usage = R"(usage: brook topics (--create | --list | --describe | --alter | --delete) [options]

  --create --topic T [--partitions N] [--replication-factor R] [--config k=v ...] [--if-not-exists]
  --list
  --describe [--topic T]          every topic when --topic is not given
  --alter --topic T --partitions N
  --delete --topic T [--if-exists]

  --topic accepts a comma-separated list. Common: --bootstrap-server, --json, --request-timeout-ms.
)";

std::string join_ids(const std::vector<int32_t>& v) {
    std::string s;
    for (auto id : v) {
        if (!s.empty()) {
            s += ',';
        }
        s.append(std::to_string(id));
    }
    return s;
}

std::string hex_id(const protocol::kafka::uuid& id) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (auto b : id) {
        s += digits[b >> 4U];
        s += digits[b & 0xfU];
    }
    return s;
}

int print_results(const command_context& ctx, const std::vector<ck::item_result>& results, std::string_view verb,
                  int16_t ignorable) {
    int rc = exit_code::ok;
    json_writer j;
    j.begin_array();
    for (const auto& r : results) {
        const bool ignored = r.error && r.error.value() == ignorable && ck::is_kafka_error(r.error);
        if (ctx.json) {
            j.begin_object().key("topic").value(r.name).key("error");
            if (r.error && !ignored) {
                j.value(r.error.message());
            } else {
                j.null();
            }
            j.end_object();
        } else if (r.error && !ignored) {
            std::cerr << "brook: " << verb << " " << r.name << ": " << r.error.message()
                      << (r.message.empty() ? "" : " (" + r.message + ")") << "\n";
        } else {
            std::cout << verb << " topic " << r.name << (ignored ? " (nothing to do)" : "") << "\n";
        }
        if (r.error && !ignored) {
            rc = exit_code::cluster_error;
        }
    }
    j.end_array();
    if (ctx.json) {
        std::cout << j.str() << "\n";
    }
    return rc;
}

int describe(command_context& ctx, ck::admin& adm, const std::vector<std::string>& names) {
    auto r = adm.describe_topics(names);
    if (!r) {
        return fail("describe topics", r.error());
    }
    int rc = exit_code::ok;
    json_writer j;
    j.begin_array();
    table t({"TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "TOPIC-ID"});
    for (const auto& tm : r.value()) {
        if (tm.error != 0) {
            std::cerr << "brook: topic " << tm.name << ": " << ck::kafka_error(tm.error).message() << "\n";
            rc = exit_code::cluster_error;
            continue;
        }
        j.begin_object().key("topic").value(tm.name).key("topic_id").value(hex_id(tm.topic_id));
        j.key("internal").value(tm.internal).key("partitions").begin_array();
        for (const auto& p : tm.partitions) {
            j.begin_object().key("partition").value(p.partition).key("leader").value(p.leader);
            j.key("replicas").begin_array();
            for (auto id : p.replicas) {
                j.value(id);
            }
            j.end_array().key("isr").begin_array();
            for (auto id : p.isr) {
                j.value(id);
            }
            j.end_array().end_object();
            t.add({tm.name, std::to_string(p.partition), std::to_string(p.leader), join_ids(p.replicas),
                   join_ids(p.isr), hex_id(tm.topic_id)});
        }
        j.end_array().end_object();
    }
    j.end_array();
    if (ctx.json) {
        std::cout << j.str() << "\n";
    } else {
        t.print(std::cout);
    }
    return rc;
}

} // namespace

int run_topics(int argc, char** argv) {
    command_context ctx;
    bool stop = false;
    option_spec spec{
        {"topic", "partitions", "replication-factor", "config"},
        {"create", "list", "describe", "alter", "delete", "if-not-exists", "if-exists", "exclude-internal"}};
    int rc = prepare(argc, argv, spec, usage, ctx, stop);
    if (stop) {
        return rc;
    }
    const auto& a = ctx.args;
    const int actions =
        int(a.has("create")) + int(a.has("list")) + int(a.has("describe")) + int(a.has("alter")) + int(a.has("delete"));
    if (actions != 1) {
        return bad_usage("give exactly one of --create, --list, --describe, --alter, --delete");
    }
    std::string err;
    auto partitions = a.get_int("partitions", err);
    auto rf = a.get_int("replication-factor", err);
    if (!err.empty()) {
        return bad_usage(err);
    }
    const auto topics = a.all("topic", true);
    std::map<std::string, std::string> configs;
    for (const auto& kv : a.all("config")) {
        auto p = split_key_value(kv);
        if (!p) {
            return bad_usage("--config needs key=value, got '" + kv + "'");
        }
        configs[p->first] = p->second;
    }
    if ((a.has("create") || a.has("alter") || a.has("delete")) && topics.empty()) {
        return bad_usage("--topic is required");
    }
    if (a.has("alter") && !partitions) {
        return bad_usage("--alter needs --partitions");
    }
    if ((partitions && *partitions <= 0) || (rf && (*rf <= 0 || *rf > 32767))) {
        return bad_usage("--partitions and --replication-factor must be positive");
    }
    if ((rc = connect(ctx)) != 0) {
        return rc;
    }
    ck::admin adm(*ctx.client);
    if (a.has("create")) {
        std::vector<ck::new_topic> req;
        for (const auto& name : topics) {
            req.push_back({name, partitions ? static_cast<int32_t>(*partitions) : -1,
                           rf ? static_cast<int16_t>(*rf) : int16_t(-1), configs});
        }
        auto r = adm.create_topics(req);
        if (!r) {
            return fail("create topics", r.error());
        }
        // 36 TOPIC_ALREADY_EXISTS is fine with --if-not-exists.
        return print_results(ctx, r.value(), "created", a.has("if-not-exists") ? 36 : 0);
    }
    if (a.has("delete")) {
        auto r = adm.delete_topics(topics);
        if (!r) {
            return fail("delete topics", r.error());
        }
        return print_results(ctx, r.value(), "deleted", a.has("if-exists") ? 3 : 0);
    }
    if (a.has("alter")) {
        std::map<std::string, int32_t> totals;
        for (const auto& name : topics) {
            totals[name] = static_cast<int32_t>(*partitions);
        }
        auto r = adm.create_partitions(totals);
        if (!r) {
            return fail("alter topics", r.error());
        }
        return print_results(ctx, r.value(), "altered", 0);
    }
    if (a.has("list")) {
        auto r = adm.list_topics(!a.has("exclude-internal"));
        if (!r) {
            return fail("list topics", r.error());
        }
        json_writer j;
        j.begin_array();
        for (const auto& name : r.value()) {
            if (ctx.json) {
                j.value(name);
            } else {
                std::cout << name << "\n";
            }
        }
        j.end_array();
        if (ctx.json) {
            std::cout << j.str() << "\n";
        }
        return exit_code::ok;
    }
    return describe(ctx, adm, topics);
}

} // namespace brook::cli

// brook groups: list, describe (with lag), reset offsets and delete consumer groups.
#include "brook/client/kafka/admin.h"
#include "brook/client/kafka/errc.h"
#include "common.h"
#include "output.h"

#include <iostream>

namespace brook::cli {

namespace ck = client::kafka;

namespace {

constexpr const char* usage = R"(usage: brook groups (--list | --describe | --reset-offsets | --delete) [options]

  --list
  --describe --group G [--members]       offsets and lag per partition (or the members)
  --reset-offsets --group G --topic T[:P,P...] (--to-earliest | --to-latest | --to-offset N |
                  --to-timestamp MS | --shift-by N) [--execute]   (a dry run without --execute)
  --delete --group G
  --group accepts a comma-separated list for --describe and --delete.
)";

std::string dash(int64_t v) {
    return v < 0 ? "-" : std::to_string(v);
}

int describe(command_context& ctx, ck::admin& adm, const std::vector<std::string>& groups) {
    int rc = exit_code::ok;
    json_writer j;
    j.begin_array();
    table t(
        {"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"});
    table members({"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"});
    for (const auto& g : groups) {
        auto desc = adm.describe_group(g);
        if (!desc) {
            rc = fail("describe group " + g, desc.error());
            continue;
        }
        if (desc.value().error) {
            rc = fail("describe group " + g, desc.value().error);
            continue;
        }
        auto lag = adm.group_lag(g);
        if (!lag) {
            rc = fail("offsets of group " + g, lag.error());
            continue;
        }
        j.begin_object().key("group").value(g).key("state").value(desc.value().state);
        j.key("protocol").value(desc.value().protocol).key("partitions").begin_array();
        for (const auto& row : lag.value()) {
            t.add({g, row.tp.topic, std::to_string(row.tp.partition), dash(row.committed), dash(row.log_end),
                   dash(row.lag), row.member_id.empty() ? "-" : row.member_id, row.host.empty() ? "-" : row.host,
                   row.client_id.empty() ? "-" : row.client_id});
            j.begin_object().key("topic").value(row.tp.topic).key("partition").value(row.tp.partition);
            j.key("current_offset");
            row.committed < 0 ? j.null() : j.value(row.committed);
            j.key("log_end_offset");
            row.log_end < 0 ? j.null() : j.value(row.log_end);
            j.key("lag");
            row.lag < 0 ? j.null() : j.value(row.lag);
            j.key("consumer_id").value(row.member_id).key("host").value(row.host);
            j.key("client_id").value(row.client_id).end_object();
        }
        j.end_array().key("members").begin_array();
        for (const auto& m : desc.value().members) {
            int64_t n = 0;
            for (const auto& [topic, parts] : m.assignment) {
                n += static_cast<int64_t>(parts.size());
            }
            members.add({g, m.member_id, m.client_host, m.client_id, std::to_string(n)});
            j.begin_object().key("consumer_id").value(m.member_id).key("host").value(m.client_host);
            j.key("client_id").value(m.client_id).key("partitions").value(n).end_object();
        }
        j.end_array().end_object();
        if (!ctx.json && lag.value().empty() && desc.value().members.empty()) {
            std::cerr << "Consumer group '" << g << "' has no active members and no committed offsets.\n";
        }
    }
    j.end_array();
    if (ctx.json) {
        std::cout << j.str() << "\n";
    } else if (ctx.args.has("members")) {
        members.print(std::cout);
    } else {
        t.print(std::cout);
    }
    return rc;
}

int reset(command_context& ctx, ck::admin& adm, const std::string& group) {
    const auto& a = ctx.args;
    std::string err;
    auto to_offset = a.get_int("to-offset", err);
    auto to_ts = a.get_int("to-timestamp", err);
    auto shift = a.get_int("shift-by", err);
    if (!err.empty()) {
        return bad_usage(err);
    }
    const int modes = int(a.has("to-earliest")) + int(a.has("to-latest")) + int(bool(to_offset)) + int(bool(to_ts)) +
                      int(bool(shift));
    if (modes != 1) {
        return bad_usage("give one of --to-earliest, --to-latest, --to-offset, --to-timestamp, --shift-by");
    }
    std::vector<ck::topic_partition> tps;
    for (const auto& spec : a.all("topic")) {
        auto colon = spec.find(':');
        std::string topic = spec.substr(0, colon);
        auto tm = ctx.client->topic(topic);
        if (!tm) {
            return fail("topic " + topic, tm.error());
        }
        if (colon == std::string::npos) {
            for (const auto& p : tm.value().partitions) {
                tps.push_back({topic, p.partition});
            }
            continue;
        }
        std::string list = spec.substr(colon + 1);
        size_t pos = 0;
        while (pos < list.size()) {
            auto comma = list.find(',', pos);
            auto item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            try {
                tps.push_back({topic, std::stoi(item)});
            } catch (const std::exception&) {
                return bad_usage("bad partition '" + item + "' in --topic");
            }
            pos = comma == std::string::npos ? list.size() : comma + 1;
        }
    }
    if (tps.empty()) {
        return bad_usage("--reset-offsets needs --topic");
    }
    std::map<ck::topic_partition, int64_t> target;
    if (a.has("to-earliest") || a.has("to-latest") || to_ts) {
        const int64_t ts = a.has("to-earliest") ? -2 : a.has("to-latest") ? -1 : *to_ts;
        auto r = adm.list_offsets(tps, ts);
        if (!r) {
            return fail("list offsets", r.error());
        }
        target = std::move(r.value());
        if (to_ts) {
            // No record at or after the time: the end of the partition.
            auto ends = adm.list_offsets(tps, -1);
            if (!ends) {
                return fail("list offsets", ends.error());
            }
            for (auto& [tp, off] : target) {
                if (off < 0) {
                    off = ends.value()[tp];
                }
            }
        }
    } else {
        auto committed = adm.group_offsets(group);
        if (!committed) {
            return fail("offsets of group " + group, committed.error());
        }
        auto begins = adm.list_offsets(tps, -2);
        auto ends = adm.list_offsets(tps, -1);
        if (!begins || !ends) {
            return fail("list offsets", begins ? ends.error() : begins.error());
        }
        for (const auto& tp : tps) {
            int64_t v = 0;
            if (to_offset) {
                v = *to_offset;
            } else {
                auto c = committed.value().find(tp);
                v = (c != committed.value().end() && c->second >= 0 ? c->second : begins.value()[tp]) + *shift;
            }
            // Clamped to the log, as kafka-consumer-groups does.
            target[tp] = std::clamp(v, begins.value()[tp], ends.value()[tp]);
        }
    }
    if (a.has("execute")) {
        if (auto r = adm.commit_group_offsets(group, target); !r) {
            return fail("reset offsets of group " + group, r.error());
        }
    }
    json_writer j;
    j.begin_array();
    table t({"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"});
    for (const auto& [tp, off] : target) {
        t.add({group, tp.topic, std::to_string(tp.partition), std::to_string(off)});
        j.begin_object().key("group").value(group).key("topic").value(tp.topic);
        j.key("partition").value(tp.partition).key("new_offset").value(off).end_object();
    }
    j.end_array();
    if (ctx.json) {
        std::cout << j.str() << "\n";
    } else {
        t.print(std::cout);
        if (!a.has("execute")) {
            std::cerr << "Dry run: nothing committed (add --execute).\n";
        }
    }
    return exit_code::ok;
}

} // namespace

int run_groups(int argc, char** argv) {
    command_context ctx;
    bool stop = false;
    option_spec spec{{"group", "topic", "to-offset", "to-timestamp", "shift-by"},
                     {"list", "describe", "reset-offsets", "delete", "members", "to-earliest", "to-latest", "execute",
                      "dry-run", "all-topics"}};
    int rc = prepare(argc, argv, spec, usage, ctx, stop);
    if (stop) {
        return rc;
    }
    const auto& a = ctx.args;
    const int actions =
        int(a.has("list")) + int(a.has("describe")) + int(a.has("reset-offsets")) + int(a.has("delete"));
    if (actions != 1) {
        return bad_usage("give exactly one of --list, --describe, --reset-offsets, --delete");
    }
    const auto groups = a.all("group", true);
    if (!a.has("list") && groups.empty()) {
        return bad_usage("--group is required");
    }
    if ((rc = connect(ctx)) != 0) {
        return rc;
    }
    ck::admin adm(*ctx.client);
    if (a.has("list")) {
        auto r = adm.list_groups();
        if (!r) {
            return fail("list groups", r.error());
        }
        json_writer j;
        j.begin_array();
        table t({"GROUP", "TYPE", "STATE"});
        for (const auto& g : r.value()) {
            t.add({g.group_id, g.protocol_type.empty() ? "-" : g.protocol_type, g.state.empty() ? "-" : g.state});
            j.begin_object().key("group").value(g.group_id).key("protocol_type").value(g.protocol_type);
            j.key("state").value(g.state).end_object();
        }
        j.end_array();
        if (ctx.json) {
            std::cout << j.str() << "\n";
        } else {
            t.print(std::cout);
        }
        return exit_code::ok;
    }
    if (a.has("describe")) {
        return describe(ctx, adm, groups);
    }
    if (a.has("reset-offsets")) {
        if (groups.size() != 1) {
            return bad_usage("--reset-offsets takes one --group");
        }
        return reset(ctx, adm, groups.front());
    }
    auto r = adm.delete_groups(groups);
    if (!r) {
        return fail("delete groups", r.error());
    }
    json_writer j;
    j.begin_array();
    for (const auto& g : r.value()) {
        j.begin_object().key("group").value(g.name).key("error");
        g.error ? j.value(g.error.message()) : j.null();
        j.end_object();
        if (g.error) {
            rc = fail("delete group " + g.name, g.error);
        } else if (!ctx.json) {
            std::cout << "deleted group " << g.name << "\n";
        }
    }
    j.end_array();
    if (ctx.json) {
        std::cout << j.str() << "\n";
    }
    return rc;
}

} // namespace brook::cli

// brook consume: records to stdout, like kafka-console-consumer / kcat -C.
#include "brook/client/kafka/consumer.h"
#include "brook/client/kafka/errc.h"
#include "common.h"
#include "output.h"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace brook::cli {

namespace ck = client::kafka;
namespace pk = protocol::kafka;

namespace {

constexpr const char* usage = R"(usage: brook consume --topic T [options]

  --from-beginning          start at the earliest offset (default: the end, or the group's commit)
  --offset O                earliest | latest | an offset (needs --partition)
  --timestamp MS            start at the first record at or after this time (ms since the epoch)
  --partition N             only this partition (default: all)
  --group G                 consume as group G (subscribe) and commit what was printed
  --max-messages N          exit after N records
  --timeout-ms N            exit when no record arrives for N ms
  --exit-at-end             exit once every partition is read up to its end
  --format F                kcat-style: %t topic %p partition %o offset %k key %s value %T timestamp
                            %h headers %K key length %S value length, \n \t \\ (default "%s\n")
  --property print.key=true key.separator=S print.partition=true print.offset=true
             print.timestamp=true print.headers=true   (kafka-console-consumer style)
  --json                    one JSON object per record
)";

volatile std::sig_atomic_t interrupted = 0;

void on_signal(int) {
    interrupted = 1;
}

std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[++i];
            out += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n == '0' ? '\0' : n;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string_view text(const std::optional<bytes>& b) {
    return b ? as_string_view(*b) : std::string_view{};
}

std::string headers_text(const ck::consumer_record& r) {
    std::string s;
    for (const auto& h : r.headers) {
        if (!s.empty()) {
            s += ',';
        }
        s.append(h.key).append("=");
        if (h.value) {
            s.append(as_string_view(*h.value));
        }
    }
    return s;
}

void render(std::string& out, std::string_view fmt, const ck::consumer_record& r) {
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%' || i + 1 == fmt.size()) {
            out += fmt[i];
            continue;
        }
        switch (fmt[++i]) {
        case 't':
            out += r.topic;
            break;
        case 'p':
            out += std::to_string(r.partition);
            break;
        case 'o':
            out += std::to_string(r.offset);
            break;
        case 'k':
            out += text(r.key);
            break;
        case 's':
        case 'v':
            out += text(r.value);
            break;
        case 'T':
            out += std::to_string(r.timestamp);
            break;
        case 'h':
            out += headers_text(r);
            break;
        case 'K':
            out += std::to_string(r.key ? static_cast<int64_t>(r.key->size()) : -1);
            break;
        case 'S':
            out += std::to_string(r.value ? static_cast<int64_t>(r.value->size()) : -1);
            break;
        case '%':
            out += '%';
            break;
        default:
            out += '%';
            out += fmt[i];
        }
    }
}

} // namespace

int run_consume(int argc, char** argv) {
    command_context ctx;
    bool stop = false;
    option_spec spec{
        {"topic", "offset", "timestamp", "partition", "group", "max-messages", "timeout-ms", "format", "property"},
        {"from-beginning", "exit-at-end"}};
    int rc = prepare(argc, argv, spec, usage, ctx, stop);
    if (stop) {
        return rc;
    }
    const auto& a = ctx.args;
    const auto topic = a.get("topic");
    if (!topic) {
        return bad_usage("--topic is required");
    }
    std::string err;
    auto partition = a.get_int("partition", err);
    auto timestamp = a.get_int("timestamp", err);
    auto max_messages = a.get_int("max-messages", err);
    auto timeout_ms = a.get_int("timeout-ms", err);
    if (!err.empty()) {
        return bad_usage(err);
    }
    int64_t start = a.has("from-beginning") ? ck::offsets::beginning : ck::offsets::end;
    if (auto o = a.get("offset")) {
        if (*o == "earliest" || *o == "beginning") {
            start = ck::offsets::beginning;
        } else if (*o == "latest" || *o == "end") {
            start = ck::offsets::end;
        } else {
            auto v = a.get_int("offset", err);
            if (!v || *v < 0) {
                return bad_usage("--offset must be earliest, latest or a non-negative offset");
            }
            if (!partition) {
                return bad_usage("--offset N needs --partition");
            }
            start = *v;
        }
    }
    const auto group = a.get("group");
    if (group && (a.has("offset") || timestamp)) {
        return bad_usage("--group cannot be combined with --offset or --timestamp");
    }
    std::string fmt = a.has("format") ? unescape(*a.get("format")) : "%s\n";
    if (!a.has("format")) {
        bool pk_ = false;
        bool pp = false;
        bool po = false;
        bool pt = false;
        bool ph = false;
        std::string sep = "\t";
        for (const auto& kv : a.all("property")) {
            auto p = split_key_value(kv);
            if (!p) {
                return bad_usage("--property needs key=value, got '" + kv + "'");
            }
            const bool on = p->second == "true";
            if (p->first == "print.key") {
                pk_ = on;
            } else if (p->first == "print.partition") {
                pp = on;
            } else if (p->first == "print.offset") {
                po = on;
            } else if (p->first == "print.timestamp") {
                pt = on;
            } else if (p->first == "print.headers") {
                ph = on;
            } else if (p->first == "key.separator") {
                sep = unescape(p->second);
            } else {
                return bad_usage("unknown --property " + p->first);
            }
        }
        fmt.clear();
        if (pt) {
            fmt += "CreateTime:%T" + sep;
        }
        if (pp) {
            fmt += "Partition:%p" + sep;
        }
        if (po) {
            fmt += "Offset:%o" + sep;
        }
        if (ph) {
            fmt += "%h" + sep;
        }
        if (pk_) {
            fmt += "%k" + sep;
        }
        fmt += "%s\n";
    }
    if ((rc = connect(ctx)) != 0) {
        return rc;
    }
    auto tm = ctx.client->topic(*topic);
    if (!tm) {
        return fail("topic " + *topic, tm.error());
    }
    std::vector<ck::topic_partition> tps;
    if (partition) {
        if (*partition < 0 || *partition >= static_cast<int64_t>(tm.value().partitions.size())) {
            return bad_usage("--partition " + std::to_string(*partition) + " is not a partition of " + *topic);
        }
        tps.push_back({*topic, static_cast<int32_t>(*partition)});
    } else {
        for (const auto& p : tm.value().partitions) {
            tps.push_back({*topic, p.partition});
        }
    }
    ck::consumer_config ccfg;
    if (group) {
        ccfg.group_id = *group;
        // The group commits exactly what was printed, after each batch and on exit.
        ccfg.enable_auto_commit = false;
        ccfg.auto_offset_reset = a.has("from-beginning") ? "earliest" : "latest";
    }
    ck::consumer cons(*ctx.client, ccfg);
    auto assigned =
        group && !partition ? cons.subscribe({*topic}) : cons.assign(tps, group ? ck::offsets::stored : start);
    if (!assigned) {
        return fail("assign", assigned.error());
    }
    if (timestamp) {
        if (auto r = cons.seek_to_timestamp(tps, *timestamp); !r) {
            return fail("seek to timestamp", r.error());
        }
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    uint64_t count = 0;
    auto last_record = std::chrono::steady_clock::now();
    std::string out;
    while (interrupted == 0) {
        if (max_messages && static_cast<int64_t>(count) >= *max_messages) {
            break;
        }
        auto recs = cons.poll(std::chrono::milliseconds(a.has("exit-at-end") ? 200 : 500));
        if (!recs) {
            return fail("fetch", recs.error());
        }
        out.clear();
        for (const auto& r : recs.value()) {
            if (max_messages && static_cast<int64_t>(count) >= *max_messages) {
                // Not printed: the group must not commit past it.
                (void)cons.seek({r.topic, r.partition}, r.offset);
                break;
            }
            if (ctx.json) {
                json_writer j;
                j.begin_object().key("topic").value(r.topic).key("partition").value(r.partition);
                j.key("offset").value(r.offset).key("timestamp").value(r.timestamp);
                j.key("key");
                if (r.key) {
                    j.value(as_string_view(*r.key));
                } else {
                    j.null();
                }
                j.key("value");
                if (r.value) {
                    j.value(as_string_view(*r.value));
                } else {
                    j.null();
                }
                j.key("headers").begin_object();
                for (const auto& h : r.headers) {
                    j.key(h.key);
                    if (h.value) {
                        j.value(as_string_view(*h.value));
                    } else {
                        j.null();
                    }
                }
                j.end_object().end_object();
                out += j.str();
                out += '\n';
            } else {
                render(out, fmt, r);
            }
            ++count;
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
        if (!recs.value().empty()) {
            last_record = std::chrono::steady_clock::now();
            if (group) {
                if (auto c = cons.commit_sync(); !c) {
                    return fail("commit", c.error());
                }
            }
        }
        if (timeout_ms && std::chrono::steady_clock::now() - last_record > std::chrono::milliseconds(*timeout_ms)) {
            break;
        }
        if (a.has("exit-at-end")) {
            bool at_end = true;
            for (const auto& tp : cons.assignment()) {
                auto hw = cons.high_watermark(tp);
                auto pos = cons.position(tp);
                at_end = at_end && hw && pos && pos.value() >= *hw;
            }
            if (at_end) {
                break;
            }
        }
    }
    if (group) {
        (void)cons.commit_sync();
        (void)cons.close();
    }
    if (!ctx.json) {
        std::cerr << "Processed a total of " << count << " messages\n";
    }
    return exit_code::ok;
}

} // namespace brook::cli

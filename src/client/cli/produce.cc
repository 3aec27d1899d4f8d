// brook produce: records from stdin lines, like kafka-console-producer.
#include "brook/client/kafka/errc.h"
#include "brook/client/kafka/producer.h"
#include "common.h"
#include "output.h"
#include "producer_options.h"

#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>

namespace brook::cli {

namespace ck = client::kafka;
namespace pk = protocol::kafka;

namespace {

constexpr const char* usage = R"(usage: brook produce --topic T [options] < lines

Each stdin line is one record (the trailing newline is not part of it).
  --property parse.key=true          split key and value at key.separator (default TAB)
  --property key.separator=SEP
  --property parse.headers=true      headers come first: k1:v1,k2:v2<headers.delimiter>...
  --property headers.delimiter=D     (default TAB)  headers.separator=S (default ,)
  --property headers.key.separator=K (default :)   null.marker=M (a key/value equal to M is null)
  --partition N                      all records to partition N (else murmur2 of the key / sticky)
  --acks all|-1|0|1  --compression-type none|gzip|snappy|lz4|zstd  --linger-ms N  --batch-size N
  --retries N  --max-in-flight N
)";

struct line_format {
    bool parse_key = false;
    std::string key_separator = "\t";
    bool parse_headers = false;
    std::string headers_delimiter = "\t";
    std::string headers_separator = ",";
    std::string headers_key_separator = ":";
    std::optional<std::string> null_marker;
};

std::string unescape(std::string s) {
    // "\t" and "\n" as typed on a shell command line.
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[i + 1];
            if (n == 't' || n == 'n' || n == '\\') {
                out += n == 't' ? '\t' : n == 'n' ? '\n' : '\\';
                ++i;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

} // namespace

int run_produce(int argc, char** argv) {
    command_context ctx;
    bool stop = false;
    option_spec spec{{"topic", "property", "partition"}, {}};
    spec.with_value.insert(spec.with_value.end(), producer_option_names.begin(), producer_option_names.end());
    int rc = prepare(argc, argv, spec, usage, ctx, stop);
    if (stop) {
        return rc;
    }
    const auto topic = ctx.args.get("topic");
    if (!topic) {
        return bad_usage("--topic is required");
    }
    line_format fmt;
    for (const auto& kv : ctx.args.all("property")) {
        auto p = split_key_value(kv);
        if (!p) {
            return bad_usage("--property needs key=value, got '" + kv + "'");
        }
        const auto& [k, v] = *p;
        if (k == "parse.key") {
            fmt.parse_key = v == "true";
        } else if (k == "key.separator") {
            fmt.key_separator = unescape(v);
        } else if (k == "parse.headers") {
            fmt.parse_headers = v == "true";
        } else if (k == "headers.delimiter") {
            fmt.headers_delimiter = unescape(v);
        } else if (k == "headers.separator") {
            fmt.headers_separator = unescape(v);
        } else if (k == "headers.key.separator") {
            fmt.headers_key_separator = unescape(v);
        } else if (k == "null.marker") {
            fmt.null_marker = v;
        } else {
            return bad_usage("unknown --property " + k);
        }
    }
    if (fmt.key_separator.empty() || fmt.headers_delimiter.empty() || fmt.headers_separator.empty() ||
        fmt.headers_key_separator.empty()) {
        return bad_usage("separators must not be empty");
    }
    ck::producer_config pcfg;
    pcfg.acks = -1;
    if (auto err = producer_settings(ctx.args, pcfg); !err.empty()) {
        return bad_usage(err);
    }
    std::string err;
    auto partition = ctx.args.get_int("partition", err);
    if (!err.empty()) {
        return bad_usage(err);
    }
    if ((rc = connect(ctx)) != 0) {
        return rc;
    }
    if (auto t = ctx.client->topic(*topic, true); !t) {
        return fail("topic " + *topic, t.error());
    }
    std::atomic<uint64_t> failed{0};
    std::atomic<uint64_t> delivered{0};
    std::mutex first_error_mutex;
    std::error_code first_error;
    {
        ck::producer prod(*ctx.client, pcfg);
        std::ios::sync_with_stdio(false);
        std::string line;
        uint64_t lineno = 0;
        while (std::getline(std::cin, line)) {
            ++lineno;
            std::string_view rest = line;
            std::vector<pk::record_header> headers;
            if (fmt.parse_headers) {
                auto d = rest.find(fmt.headers_delimiter);
                if (d == std::string_view::npos) {
                    std::cerr << "brook: line " << lineno << ": no headers delimiter\n";
                    return exit_code::bad_arguments;
                }
                std::string_view hs = rest.substr(0, d);
                rest.remove_prefix(d + fmt.headers_delimiter.size());
                while (!hs.empty()) {
                    auto s = hs.find(fmt.headers_separator);
                    auto h = hs.substr(0, s);
                    hs = s == std::string_view::npos ? std::string_view{} : hs.substr(s + fmt.headers_separator.size());
                    auto k = h.find(fmt.headers_key_separator);
                    pk::record_header rh;
                    rh.key = std::string(h.substr(0, k));
                    if (k != std::string_view::npos) {
                        auto v = h.substr(k + fmt.headers_key_separator.size());
                        if (!(fmt.null_marker && v == *fmt.null_marker)) {
                            rh.value = bytes(v.begin(), v.end());
                        }
                    }
                    headers.push_back(std::move(rh));
                }
            }
            ck::record_ref rec;
            if (fmt.parse_key) {
                auto s = rest.find(fmt.key_separator);
                if (s == std::string_view::npos) {
                    std::cerr << "brook: line " << lineno << ": no key separator\n";
                    return exit_code::bad_arguments;
                }
                auto key = rest.substr(0, s);
                if (!(fmt.null_marker && key == *fmt.null_marker)) {
                    rec.key = as_bytes(key);
                }
                rest.remove_prefix(s + fmt.key_separator.size());
            }
            if (!(fmt.null_marker && rest == *fmt.null_marker)) {
                rec.value = as_bytes(rest);
            }
            rec.headers = headers;
            if (partition) {
                rec.partition = static_cast<int32_t>(*partition);
            }
            auto r = prod.produce(*topic, rec, [&](std::error_code ec, const ck::delivery_report&) {
                if (ec) {
                    std::lock_guard lock(first_error_mutex);
                    if (!first_error) {
                        first_error = ec;
                    }
                    failed.fetch_add(1, std::memory_order_relaxed);
                } else {
                    delivered.fetch_add(1, std::memory_order_relaxed);
                }
            });
            if (!r) {
                return fail("produce", r.error());
            }
        }
        auto f = prod.flush(pcfg.delivery_timeout);
        if (!f) {
            return fail("flush", f.error());
        }
    }
    if (ctx.json) {
        json_writer j;
        j.begin_object().key("topic").value(*topic).key("delivered").value(delivered.load());
        j.key("failed").value(failed.load()).end_object();
        std::cout << j.str() << "\n";
    }
    if (failed.load() != 0) {
        std::cerr << "brook: " << failed.load() << " records not delivered: " << first_error.message() << "\n";
        return exit_code::cluster_error;
    }
    return exit_code::ok;
}

} // namespace brook::cli

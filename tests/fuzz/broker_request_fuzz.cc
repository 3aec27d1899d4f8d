// Fuzzes the broker's request path end to end in memory: the input is what a client writes on one
// connection (frames, each an int32 size then the request; a size past the end of the input takes
// the rest), run through the dispatcher and handlers of brook_broker_core with real logs in a
// temporary directory, a controller publishing to an in-memory metadata writer, the purgatory and
// the group coordinator on a manual clock (see tests/harness/in_memory_broker.h).
//
// Checked per input: every request gets exactly one reply once waiting operations are settled;
// "no response" only for Produce; a sent reply decodes with the protocol module at the request's
// API and version (v0 for an ApiVersions version we do not know) and carries its correlation id.
// ASan/UBSan check the rest.
//
// Bounds (resources, not correctness): CreateTopics and CreatePartitions asking for more than a
// few partitions are not sent, and the whole broker is rebuilt in a fresh directory every few
// hundred inputs or when it holds too many topics, so long runs do not grow without bound.
#include "brook/common/logging.h"
#include "brook/protocol/kafka/api.h"
#include "brook/protocol/kafka/request.h"
#include "harness/in_memory_broker.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>
#include <variant>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace kafka = brook::protocol::kafka;
using brook::bytes;
using brook::bytes_view;

constexpr int32_t max_partitions_per_request = 8;
constexpr size_t inputs_per_broker = 500;
constexpr size_t max_topics = 48;

[[noreturn]] void fail(const char* what, int16_t key, int16_t version) {
    std::fprintf(stderr, "broker_request_fuzz: %s (api %d v%d)\n", what, key, version);
    std::abort();
}

/// A responder dropped without a reply closes the connection, which the reply checks cannot tell
/// from a deliberate close; dispatcher.cc logs it, and that log line is a bug here.
class dropped_reply_sink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        if (std::string_view(msg.payload.data(), msg.payload.size()).find("dropped without a reply") !=
            std::string_view::npos) {
            fail("a handler dropped its responder", 0, 0);
        }
    }
    void flush_() override {}
};

class fuzz_state {
public:
    fuzz_state() {
        // Logs would dominate the run time; errors still show.
        brook::setup_logging("error");
        brook::get_logger("brook.broker")->sinks().push_back(std::make_shared<dropped_reply_sink>());
        const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string tmpl = (base / "brook-broker-fuzz-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            std::abort();
        }
        _root = tmpl;
    }
    ~fuzz_state() {
        _broker.reset();
        std::error_code ec;
        fs::remove_all(_root, ec);
    }

    brook::test::in_memory_broker& broker() {
        if (_broker && (_inputs >= inputs_per_broker || _broker->metadata().topics().size() > max_topics)) {
            _broker.reset();
            std::error_code ec;
            fs::remove_all(_dir, ec);
        }
        if (!_broker) {
            _dir = _root / std::to_string(_generation++);
            fs::create_directories(_dir);
            _broker = std::make_unique<brook::test::in_memory_broker>(
                _dir, std::vector<std::pair<std::string, std::string>>{
                          {"group.initial.rebalance.delay.ms", "0"},
                          {"offsets.topic.num.partitions", "3"},
                          {"transaction.state.log.num.partitions", "2"},
                          {"offsets.retention.check.interval.ms", "86400000"},
                          {"log.retention.check.interval.ms", "86400000"},
                          {"log.segment.bytes", "1048576"},
                      });
            _broker->create_topic("a", 1);
            _broker->create_topic("b", 3);
            _inputs = 0;
        }
        ++_inputs;
        return *_broker;
    }

private:
    fs::path _root;
    fs::path _dir;
    size_t _generation = 0;
    size_t _inputs = 0;
    std::unique_ptr<brook::test::in_memory_broker> _broker;
};

/// Requests that would create more partitions than a fuzz run should hold on disk.
bool too_big(bytes_view frame) {
    // Decoded as the handlers do: bytes after the body are not an error there.
    kafka::reader in(frame);
    auto header = kafka::request_header::decode(in);
    if (!header) {
        return false;
    }
    auto body = kafka::decode_request_body(header.value().api_key, header.value().api_version, in);
    if (!body) {
        return false;
    }
    if (const auto* c = std::get_if<kafka::create_topics_request>(&body.value())) {
        for (const auto& t : c->topics) {
            if (t.num_partitions > max_partitions_per_request ||
                t.assignments.size() > static_cast<size_t>(max_partitions_per_request)) {
                return true;
            }
        }
        return c->topics.size() > 4;
    }
    if (const auto* p = std::get_if<kafka::create_partitions_request>(&body.value())) {
        for (const auto& t : p->topics) {
            if (t.count > max_partitions_per_request) {
                return true;
            }
        }
        return p->topics.size() > 4;
    }
    return false;
}

struct sent {
    uint64_t sequence;
    brook::broker::request_prefix prefix;
};

using reply_kind = brook::broker::handler_reply::kind;

/// Checks the reply of an answered request and returns its kind.
reply_kind check_reply(brook::test::in_memory_broker& b, const sent& s) {
    auto reply = b.reply(s.sequence);
    if (!reply) {
        fail("request never answered", s.prefix.api_key, s.prefix.api_version);
    }
    if (reply->what == reply_kind::none && s.prefix.api_key != kafka::api_keys::produce) {
        fail("no response to a request that expects one", s.prefix.api_key, s.prefix.api_version);
    }
    if (reply->what != reply_kind::send) {
        return reply->what;
    }
    auto frame = brook::test::in_memory_broker::response_frame(s.prefix.correlation_id, reply->body);
    if (!frame) {
        fail("response file region unreadable", s.prefix.api_key, s.prefix.api_version);
    }
    int16_t version = s.prefix.api_version;
    if (s.prefix.api_key == kafka::api_keys::api_versions &&
        (version < kafka::api_versions_request::min_version || version > kafka::api_versions_request::max_version)) {
        version = 0;
    }
    auto decoded = kafka::decode_response(s.prefix.api_key, version, *frame);
    if (!decoded) {
        fail("response does not decode", s.prefix.api_key, s.prefix.api_version);
    }
    if (decoded.value().first.correlation_id != s.prefix.correlation_id) {
        fail("response carries another correlation id", s.prefix.api_key, s.prefix.api_version);
    }
    return reply_kind::send;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz_state state;
    auto& b = state.broker();
    std::vector<sent> waiting;
    bytes_view in(data, size);
    while (in.size() >= 4) {
        const uint32_t declared = (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) | in[3];
        in = in.subspan(4);
        const size_t n = std::min<size_t>(declared, in.size());
        bytes_view frame = in.subspan(0, n);
        in = in.subspan(n);
        if (frame.size() < brook::broker::request_prefix::size) {
            break; // the connection closes on a frame too short for a header
        }
        if (too_big(frame)) {
            continue;
        }
        const sent s{b.send(bytes(frame.begin(), frame.end())), *brook::broker::request_prefix::parse(frame)};
        if (!b.answered(s.sequence)) {
            waiting.push_back(s);
        } else if (check_reply(b, s) == reply_kind::close) {
            break; // the connection reads no further after a reply that closes it
        }
    }
    b.settle();
    for (const auto& s : waiting) {
        check_reply(b, s);
    }
    if (b.duplicate_replies() != 0) {
        fail("a request answered twice", 0, 0);
    }
    return 0;
}

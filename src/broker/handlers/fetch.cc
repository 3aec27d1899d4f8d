// Fetch (key 1): read from partition logs; with min_bytes not yet available, park the request in
// the purgatory until an append to one of its partitions or max_wait_ms.
//
// Record bytes are not copied: each partition's batches are a file region of its segment, sent
// with sendfile(2) (see fetch_encode.h). Fetch sessions (KIP-227, v7+) live in the broker's
// fetch_session_cache (see fetch_session.h for the rules); an incremental fetch reads every
// partition of its session and answers only those with news. Versions 0-3 get message sets
// (magic 0 for v0-1, magic 1 for v2-3) converted from the stored batches, which are copied.
#include "brook/protocol/kafka/messages/fetch.h"

#include "broker/fetch_session.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/fetch_encode.h"
#include "broker/handlers/handlers.h"
#include "brook/common/logging.h"
#include "brook/protocol/kafka/error_code.h"
#include "brook/protocol/kafka/record_errc.h"
#include "brook/protocol/kafka/record_legacy.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace brook::broker::handlers {

namespace {

/// Bound on the decompressed bytes of one partition's batches converted for an old Fetch version.
constexpr size_t max_down_convert_bytes = 256 * 1024 * 1024;

struct fetch_target {
    size_t topic_slot; // index into the response's topics
    session_partition_key key;
    int64_t offset = 0;
    int32_t max_bytes = 0;
    std::shared_ptr<broker::partition> log;
    kafka::error_code error = kafka::error_code::none;
};

struct fetch_plan {
    int16_t version = 0;
    int32_t min_bytes = 0;
    int32_t max_bytes = 0;
    /// The session this fetch belongs to (0: none); `incremental` answers only partitions with news.
    int32_t session_id = 0;
    bool incremental = false;
    fetch_session_cache* sessions = nullptr;
    std::vector<kafka::fetch_response::fetchable_topic_response> topics; // names / ids only
    std::vector<fetch_target> targets;
};

/// The partitions a request names, keyed as its version does (names before v13, ids from v13).
std::vector<partition_fetch_state> requested(const kafka::fetch_request& body, int16_t version) {
    std::vector<partition_fetch_state> out;
    for (const auto& ft : body.topics) {
        for (const auto& fp : ft.partitions) {
            partition_fetch_state s;
            if (version >= 13) {
                s.key.topic_id = ft.topic_id;
            } else {
                s.key.topic = ft.topic;
            }
            s.key.partition = fp.partition;
            s.fetch_offset = fp.fetch_offset;
            s.max_bytes = fp.partition_max_bytes;
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::vector<session_partition_key> forgotten(const kafka::fetch_request& body, int16_t version) {
    std::vector<session_partition_key> out;
    for (const auto& ft : body.forgotten_topics_data) {
        for (int32_t p : ft.partitions) {
            session_partition_key k;
            if (version >= 13) {
                k.topic_id = ft.topic_id;
            } else {
                k.topic = ft.topic;
            }
            k.partition = p;
            out.push_back(std::move(k));
        }
    }
    return out;
}

void plan_targets(broker_context& ctx, fetch_plan& plan, const std::vector<partition_fetch_state>& wanted) {
    const bool by_id = plan.version >= 13;
    std::optional<topic_metadata> topic;
    for (const auto& w : wanted) {
        // Consecutive partitions of one topic share a topic entry in the response.
        const bool same_topic = !plan.targets.empty() && plan.targets.back().key.topic == w.key.topic &&
                                plan.targets.back().key.topic_id == w.key.topic_id;
        if (!same_topic) {
            topic = by_id ? ctx.metadata.topic_by_id(w.key.topic_id) : ctx.metadata.topic(w.key.topic);
            kafka::fetch_response::fetchable_topic_response tr;
            tr.topic = w.key.topic;
            tr.topic_id = w.key.topic_id;
            plan.topics.push_back(std::move(tr));
        }
        fetch_target t{plan.topics.size() - 1, w.key, w.fetch_offset, w.max_bytes, nullptr};
        const int32_t p = w.key.partition;
        if (!topic) {
            t.error = by_id ? kafka::error_code::unknown_topic_id : kafka::error_code::unknown_topic_or_partition;
        } else if (p < 0 || static_cast<size_t>(p) >= topic->partitions.size()) {
            t.error = kafka::error_code::unknown_topic_or_partition;
        } else if (topic->partitions[static_cast<size_t>(p)].leader != ctx.settings.node_id) {
            t.error = kafka::error_code::not_leader_or_follower;
        } else {
            t.log = ctx.partitions.get(topic->name, p);
            if (!t.log) {
                t.error = kafka::error_code::unknown_topic_or_partition;
            } else if (w.fetch_offset < t.log->log_start_offset() || w.fetch_offset > t.log->log_end_offset()) {
                t.error = kafka::error_code::offset_out_of_range;
            }
        }
        plan.targets.push_back(std::move(t));
    }
}

bool has_errors(const fetch_plan& plan) {
    return std::any_of(plan.targets.begin(), plan.targets.end(),
                       [](const fetch_target& t) { return t.error != kafka::error_code::none; });
}

uint64_t bytes_available(const fetch_plan& plan) {
    uint64_t total = 0;
    for (const auto& t : plan.targets) {
        if (t.log) {
            total += std::min<uint64_t>(t.log->bytes_available_from(t.offset),
                                        static_cast<uint64_t>(std::max(t.max_bytes, 0)));
        }
    }
    return total;
}

file_region to_network(log::file_region r) {
    const int fd = r.file->fd();
    return file_region{fd, static_cast<int64_t>(r.position), static_cast<uint32_t>(r.length), std::move(r.file)};
}

/// Fetch v0-3 predate RecordBatch v2: the batches are copied and down-converted to message sets
/// of magic 0 (v0-1) or 1 (v2-3). Returns whether records were returned.
bool read_message_set(const fetch_target& t, int32_t limit, bool min_one, int16_t version,
                      kafka::fetch_response::partition_data& pd, int64_t& budget) {
    auto read = t.log->read(t.offset, limit, min_one);
    pd.error_code = static_cast<int16_t>(read.error);
    pd.high_watermark = read.high_watermark;
    pd.last_stable_offset = read.last_stable_offset;
    pd.log_start_offset = read.log_start_offset;
    pd.records = bytes();
    if (read.records.empty()) {
        return false;
    }
    budget = std::max<int64_t>(budget - static_cast<int64_t>(read.records.size()), 0);
    const int8_t magic = version <= 1 ? 0 : 1;
    auto converted = kafka::down_convert_to_message_set(read.records, magic, max_down_convert_bytes);
    if (!converted) {
        // zstd has no message-set form; Kafka answers such fetches with this error.
        pd.error_code = static_cast<int16_t>(converted.error() == kafka::record_errc::unsupported_compression
                                                 ? kafka::error_code::unsupported_compression_type
                                                 : kafka::error_code::corrupt_message);
        return false;
    }
    pd.records = std::move(converted).value();
    return !pd.records->empty();
}

response build_response(const fetch_plan& plan) {
    std::vector<kafka::fetch_response::fetchable_topic_response> topics = plan.topics;
    fetch_regions slot_regions(topics.size());
    int64_t budget = std::max(plan.max_bytes, 0);
    bool any_records = false;
    for (const auto& t : plan.targets) {
        kafka::fetch_response::partition_data pd;
        pd.partition_index = t.key.partition;
        std::optional<file_region> region;
        if (t.error != kafka::error_code::none || !t.log) {
            pd.error_code = static_cast<int16_t>(t.error);
            pd.high_watermark = -1;
            if (t.log) {
                pd.high_watermark = t.log->high_watermark();
                pd.last_stable_offset = pd.high_watermark;
                pd.log_start_offset = t.log->log_start_offset();
            }
        } else {
            auto limit = static_cast<int32_t>(std::min<int64_t>(budget, std::max(t.max_bytes, 0)));
            if (plan.version < 4) {
                any_records = read_message_set(t, limit, !any_records, plan.version, pd, budget) || any_records;
                topics[t.topic_slot].partitions.push_back(std::move(pd));
                slot_regions[t.topic_slot].push_back(std::nullopt);
                continue;
            }
            // As in Kafka (KIP-74), the first batch is returned even when larger than the limits,
            // so that a consumer can always make progress.
            auto read = t.log->read_region(t.offset, limit, !any_records);
            pd.error_code = static_cast<int16_t>(read.error);
            pd.high_watermark = read.high_watermark;
            pd.last_stable_offset = read.last_stable_offset;
            pd.log_start_offset = read.log_start_offset;
            if (read.region.length > 0) {
                any_records = true;
                budget = std::max<int64_t>(budget - static_cast<int64_t>(read.region.length), 0);
                // The records stay in the segment file and go out with sendfile(2); the region
                // holds the open file, so retention deleting the segment meanwhile is harmless.
                region = to_network(std::move(read.region));
            } else {
                pd.records = bytes();
            }
        }
        if (plan.session_id != 0) {
            partition_response_state sent{pd.high_watermark, pd.last_stable_offset, pd.log_start_offset,
                                          region.has_value(), pd.error_code};
            if (!plan.sessions->note_response(plan.session_id, t.key, sent) && plan.incremental) {
                continue; // nothing new for this partition
            }
        }
        topics[t.topic_slot].partitions.push_back(std::move(pd));
        slot_regions[t.topic_slot].push_back(std::move(region));
    }
    kafka::fetch_response resp;
    resp.session_id = plan.session_id;
    fetch_regions regions;
    for (size_t i = 0; i < topics.size(); ++i) {
        if (plan.incremental && topics[i].partitions.empty()) {
            continue; // incremental responses leave out topics without news
        }
        resp.responses.push_back(std::move(topics[i]));
        regions.push_back(std::move(slot_regions[i]));
    }
    return encode_fetch_response(resp, plan.version, regions);
}

/// A fetch waiting for min_bytes: completed by an append to one of its partitions or at max_wait.
class delayed_fetch final : public delayed_operation {
public:
    delayed_fetch(fetch_plan plan, responder reply) : _plan(std::move(plan)), _reply(std::move(reply)) {}

    bool try_complete() override {
        if (bytes_available(_plan) < static_cast<uint64_t>(_plan.min_bytes)) {
            return done();
        }
        if (claim()) {
            _reply.send(build_response(_plan));
        }
        return true;
    }
    void on_expire() override { _reply.send(build_response(_plan)); }

private:
    fetch_plan _plan;
    responder _reply;
};

response session_error(kafka::error_code e, int16_t version) {
    kafka::fetch_response resp;
    resp.error_code = static_cast<int16_t>(e);
    return encode_fetch_response(resp, version, {});
}

} // namespace

void handle_fetch(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::fetch_request>(r);
    if (!req) {
        get_logger("brook.broker")
            ->warn("Closing connection {}: malformed Fetch request: {}", r.connection ? r.connection->peer : "?",
                   req.error().message());
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    fetch_plan plan;
    plan.version = version;
    plan.min_bytes = body.min_bytes;
    plan.max_bytes = std::min(body.max_bytes, ctx.settings.fetch_max_bytes);
    plan.sessions = &ctx.fetch_sessions;
    std::vector<partition_fetch_state> wanted = requested(body, version);
    if (version >= 7 && body.session_epoch > 0) {
        auto updated = ctx.fetch_sessions.update(body.session_id, body.session_epoch, version >= 13, wanted,
                                                 forgotten(body, version));
        if (updated.error != kafka::error_code::none) {
            reply.send(session_error(updated.error, version));
            return;
        }
        wanted = std::move(updated.partitions);
        plan.session_id = body.session_id;
        plan.incremental = true;
    } else if (version >= 7 && body.session_epoch == 0) {
        plan.session_id = ctx.fetch_sessions.open(body.session_id, wanted, version >= 13).session_id;
    } else if (version >= 7 && body.session_id != 0) {
        ctx.fetch_sessions.close(body.session_id); // epoch -1: the consumer ends its session
    }
    plan_targets(ctx, plan, wanted);
    if (body.max_wait_ms <= 0 || has_errors(plan) || plan.targets.empty() ||
        bytes_available(plan) >= static_cast<uint64_t>(std::max(plan.min_bytes, 0))) {
        reply.send(build_response(plan));
        return;
    }
    std::vector<std::string> keys;
    for (const auto& t : plan.targets) {
        keys.push_back(partition_manager::key(t.log->topic(), t.key.partition));
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(body.max_wait_ms);
    ctx.waiting.park(std::make_shared<delayed_fetch>(std::move(plan), std::move(reply)), keys, deadline);
}

} // namespace brook::broker::handlers

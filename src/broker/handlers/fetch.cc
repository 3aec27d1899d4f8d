// Fetch (key 1): read from partition logs; with min_bytes not yet available, park the request in
// the purgatory until an append to one of its partitions or max_wait_ms.
//
// Fetch sessions (KIP-227): this broker never creates one. A sessionless fetch (id 0, epoch -1) is
// served; a request to open a session (id 0, epoch 0) is served in full and answered with session
// id 0, which clients take as "no session" and keep sending full fetches; an incremental fetch for
// an unknown session gets FETCH_SESSION_ID_NOT_FOUND.
#include "brook/protocol/kafka/messages/fetch.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/common/logging.h"
#include "brook/protocol/kafka/error_code.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace brook::broker::handlers {

namespace {

struct fetch_target {
    size_t topic_slot; // index into the response's topics
    int32_t partition = 0;
    int64_t offset = 0;
    int32_t max_bytes = 0;
    std::shared_ptr<broker::partition> log;
    kafka::error_code error = kafka::error_code::none;
};

struct fetch_plan {
    int16_t version = 0;
    int32_t min_bytes = 0;
    int32_t max_bytes = 0;
    std::vector<kafka::fetch_response::fetchable_topic_response> topics; // names / ids only
    std::vector<fetch_target> targets;
};

fetch_plan plan_fetch(broker_context& ctx, const kafka::fetch_request& body, int16_t version) {
    fetch_plan plan;
    plan.version = version;
    plan.min_bytes = body.min_bytes;
    plan.max_bytes = std::min(body.max_bytes, ctx.settings.fetch_max_bytes);
    const bool by_id = version >= 13;
    for (const auto& ft : body.topics) {
        std::optional<topic_metadata> topic =
            by_id ? ctx.metadata.topic_by_id(ft.topic_id) : ctx.metadata.topic(ft.topic);
        kafka::fetch_response::fetchable_topic_response tr;
        tr.topic = ft.topic;
        tr.topic_id = ft.topic_id;
        size_t slot = plan.topics.size();
        plan.topics.push_back(std::move(tr));
        for (const auto& fp : ft.partitions) {
            fetch_target t{slot, fp.partition, fp.fetch_offset, fp.partition_max_bytes, nullptr};
            if (!topic) {
                t.error = by_id ? kafka::error_code::unknown_topic_id : kafka::error_code::unknown_topic_or_partition;
            } else if (fp.partition < 0 || static_cast<size_t>(fp.partition) >= topic->partitions.size()) {
                t.error = kafka::error_code::unknown_topic_or_partition;
            } else if (topic->partitions[static_cast<size_t>(fp.partition)].leader != ctx.settings.node_id) {
                t.error = kafka::error_code::not_leader_or_follower;
            } else {
                t.log = ctx.partitions.get(topic->name, fp.partition);
                if (!t.log) {
                    t.error = kafka::error_code::unknown_topic_or_partition;
                } else if (fp.fetch_offset < t.log->log_start_offset() || fp.fetch_offset > t.log->log_end_offset()) {
                    t.error = kafka::error_code::offset_out_of_range;
                }
            }
            plan.targets.push_back(std::move(t));
        }
    }
    return plan;
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

response build_response(const fetch_plan& plan) {
    kafka::fetch_response resp;
    resp.responses = plan.topics;
    int64_t budget = std::max(plan.max_bytes, 0);
    bool any_records = false;
    for (const auto& t : plan.targets) {
        kafka::fetch_response::partition_data pd;
        pd.partition_index = t.partition;
        if (t.error != kafka::error_code::none || !t.log) {
            pd.error_code = static_cast<int16_t>(t.error);
            pd.high_watermark = -1;
            if (t.log) {
                pd.high_watermark = t.log->high_watermark();
                pd.last_stable_offset = pd.high_watermark;
                pd.log_start_offset = t.log->log_start_offset();
            }
            resp.responses[t.topic_slot].partitions.push_back(std::move(pd));
            continue;
        }
        auto limit = static_cast<int32_t>(std::min<int64_t>(budget, std::max(t.max_bytes, 0)));
        // As in Kafka (KIP-74), the first batch is returned even when larger than the limits, so
        // that a consumer can always make progress.
        auto read = t.log->read(t.offset, limit, !any_records);
        pd.error_code = static_cast<int16_t>(read.error);
        pd.high_watermark = read.high_watermark;
        pd.last_stable_offset = read.last_stable_offset;
        pd.log_start_offset = read.log_start_offset;
        if (!read.records.empty()) {
            any_records = true;
            budget -= static_cast<int64_t>(read.records.size());
            budget = std::max<int64_t>(budget, 0);
        }
        pd.records = std::move(read.records);
        resp.responses[t.topic_slot].partitions.push_back(std::move(pd));
    }
    return encode(resp, plan.version);
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

kafka::fetch_response session_error(kafka::error_code e) {
    kafka::fetch_response resp;
    resp.error_code = static_cast<int16_t>(e);
    return resp;
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
    if (version >= 7 && body.session_id != 0) {
        reply.send(encode(session_error(kafka::error_code::fetch_session_id_not_found), version));
        return;
    }
    if (version >= 7 && body.session_epoch > 0) {
        reply.send(encode(session_error(kafka::error_code::invalid_fetch_session_epoch), version));
        return;
    }
    auto plan = plan_fetch(ctx, body, version);
    if (body.max_wait_ms <= 0 || has_errors(plan) || plan.targets.empty() ||
        bytes_available(plan) >= static_cast<uint64_t>(std::max(plan.min_bytes, 0))) {
        reply.send(build_response(plan));
        return;
    }
    std::vector<std::string> keys;
    for (const auto& t : plan.targets) {
        keys.push_back(partition_manager::key(t.log->topic(), t.partition));
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(body.max_wait_ms);
    ctx.waiting.park(std::make_shared<delayed_fetch>(std::move(plan), std::move(reply)), keys, deadline);
}

} // namespace brook::broker::handlers

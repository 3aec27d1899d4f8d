// DeleteRecords (key 21): moves the log start offset of partitions up to the requested offset
// (-1: the high watermark) and answers the new low watermark.
#include "brook/protocol/kafka/messages/delete_records.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/common/logging.h"

#include <spdlog/spdlog.h>

namespace brook::broker::handlers {

namespace {

/// The high watermark: DeleteRecords' "-1" and its upper bound.
constexpr int64_t to_high_watermark = -1;

} // namespace

void handle_delete_records(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::delete_records_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    kafka::delete_records_response resp;
    for (const auto& t : req.value().body.topics) {
        kafka::delete_records_response::delete_records_topic_result tr;
        tr.name = t.name;
        auto topic = ctx.metadata.topic(t.name);
        for (const auto& p : t.partitions) {
            kafka::delete_records_response::delete_records_partition_result pr;
            pr.partition_index = p.partition_index;
            pr.low_watermark = -1;
            auto set_error = [&](kafka::error_code e) { pr.error_code = static_cast<int16_t>(e); };
            auto log = topic ? ctx.topics.log_of(t.name, p.partition_index) : nullptr;
            if (!topic || p.partition_index < 0 || static_cast<size_t>(p.partition_index) >= topic->partitions.size()) {
                set_error(kafka::error_code::unknown_topic_or_partition);
            } else if (!log) {
                set_error(kafka::error_code::not_leader_or_follower);
            } else {
                const int64_t hw = log->high_watermark().value();
                const int64_t target = p.offset == to_high_watermark ? hw : p.offset;
                if (target < 0 || target > hw) {
                    set_error(kafka::error_code::offset_out_of_range);
                } else if (auto moved = log->delete_records(brook::offset(target)); !moved) {
                    get_logger("brook.broker")
                        ->warn("DeleteRecords on {}-{} failed: {}", t.name, p.partition_index, moved.error().message());
                    set_error(kafka::error_code::kafka_storage_error);
                } else {
                    pr.low_watermark = moved.value().value();
                }
            }
            tr.partitions.push_back(pr);
        }
        resp.topics.push_back(std::move(tr));
    }
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

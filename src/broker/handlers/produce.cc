// Produce (key 0): validate each partition's record batch, append it, answer per partition.
// acks=0 sends no reply (and closes the connection when a partition failed, as Kafka does).
// Versions 0-2 carry message sets (magic 0/1): they are converted to one RecordBatch v2 (keeping
// the codec) before validation, as Kafka does for a log in the v2 format. A topic whose
// compression.type names a codec gets its batches recompressed to it when they use another one.
#include "brook/protocol/kafka/messages/produce.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "broker/produce_validation.h"
#include "brook/common/logging.h"
#include "brook/protocol/kafka/error_code.h"
#include "brook/protocol/kafka/record_legacy.h"
#include "brook/protocol/kafka/record_recompress.h"

#include <spdlog/spdlog.h>

namespace brook::broker::handlers {

namespace {

using partition_reply = kafka::produce_response::partition_produce_response;

/// The magic byte sits at the same position in a legacy message (offset, size, crc) and in a
/// RecordBatch (base offset, length, leader epoch).
constexpr size_t legacy_magic_position = 16;
/// Bound on the decompressed bytes of a message set converted to a batch.
constexpr size_t max_up_convert_bytes = 256 * 1024 * 1024;

int32_t min_insync_for(const topic_metadata& t, int32_t broker_default) {
    auto it = t.configs.find("min.insync.replicas");
    if (it == t.configs.end()) {
        return broker_default;
    }
    try {
        return std::stoi(it->second);
    } catch (const std::exception&) {
        return broker_default;
    }
}

/// The codec the topic's `compression.type` (else the broker's) stores batches with; nullopt for
/// "producer" (batches are kept as sent).
std::optional<kafka::compression_type> target_codec(broker_context& ctx, const topic_metadata& t) {
    auto it = t.configs.find("compression.type");
    const std::string& name = it != t.configs.end() ? it->second : ctx.config.get_string("compression.type");
    if (name == "uncompressed") {
        return kafka::compression_type::none;
    }
    if (name == "gzip") {
        return kafka::compression_type::gzip;
    }
    if (name == "snappy") {
        return kafka::compression_type::snappy;
    }
    if (name == "lz4") {
        return kafka::compression_type::lz4;
    }
    if (name == "zstd") {
        return kafka::compression_type::zstd;
    }
    return std::nullopt;
}

partition_reply produce_one(broker_context& ctx, const std::optional<topic_metadata>& topic, int16_t acks,
                            int16_t version, kafka::produce_request::partition_produce_data& data) {
    partition_reply out;
    out.index = data.index;
    auto fail = [&out](kafka::error_code e, std::string message = {}) {
        out.error_code = static_cast<int16_t>(e);
        out.base_offset = -1;
        if (!message.empty()) {
            out.error_message = std::move(message);
        }
        return out;
    };
    if (!topic || data.index < 0 || static_cast<size_t>(data.index) >= topic->partitions.size()) {
        return fail(kafka::error_code::unknown_topic_or_partition);
    }
    const auto& assignment = topic->partitions[static_cast<size_t>(data.index)];
    if (assignment.leader != ctx.settings.node_id) {
        return fail(kafka::error_code::not_leader_or_follower);
    }
    auto p = ctx.partitions.get(topic->name, data.index);
    if (!p) {
        return fail(kafka::error_code::unknown_topic_or_partition);
    }
    if (acks == -1 &&
        static_cast<int32_t>(assignment.isr.size()) < min_insync_for(*topic, ctx.settings.min_insync_replicas)) {
        return fail(kafka::error_code::not_enough_replicas);
    }
    if (!data.records) {
        return fail(kafka::error_code::invalid_record, "produce request has no records");
    }
    if (version <= 2 && data.records->size() > legacy_magic_position && (*data.records)[legacy_magic_position] < 2) {
        // Produce v0-2 carry message sets (magic 0/1); the log keeps RecordBatch v2 only.
        if (data.records->size() > static_cast<size_t>(ctx.settings.message_max_bytes)) {
            return fail(kafka::error_code::message_too_large);
        }
        auto converted = kafka::up_convert_message_set(*data.records, max_up_convert_bytes);
        if (!converted) {
            return fail(kafka::error_code::corrupt_message, "invalid message set: " + converted.error().message());
        }
        data.records = std::move(converted).value();
    }
    auto checked = validate_produce_records(*data.records, ctx.settings.message_max_bytes);
    if (checked.error != kafka::error_code::none) {
        return fail(checked.error, checked.message);
    }
    if (auto codec = target_codec(ctx, *topic)) {
        auto header = kafka::parse_record_batch_header(*data.records);
        if (header && !header.value().is_control() && header.value().compression() != *codec) {
            auto recompressed = kafka::recompress_record_batch(*data.records, *codec, max_up_convert_bytes);
            if (!recompressed) {
                return fail(kafka::error_code::corrupt_message, "cannot recompress: " + recompressed.error().message());
            }
            data.records = std::move(recompressed).value();
        }
    }
    auto appended = p->append(std::move(*data.records), assignment.leader_epoch);
    if (appended.error != kafka::error_code::none) {
        return fail(appended.error);
    }
    out.base_offset = appended.base_offset;
    out.log_start_offset = appended.log_start_offset;
    ctx.waiting.notify(partition_manager::key(topic->name, data.index));
    return out;
}

} // namespace

void handle_produce(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::produce_request>(r);
    if (!req) {
        get_logger("brook.broker")
            ->warn("Closing connection {}: malformed Produce request: {}", r.connection ? r.connection->peer : "?",
                   req.error().message());
        reply.close_connection();
        return;
    }
    auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    kafka::produce_response resp;
    bool any_error = false;
    const bool acks_valid = body.acks == 0 || body.acks == 1 || body.acks == -1;
    for (auto& topic_data : body.topic_data) {
        kafka::produce_response::topic_produce_response t;
        t.name = topic_data.name;
        auto topic = ctx.metadata.topic(topic_data.name);
        for (auto& data : topic_data.partition_data) {
            partition_reply pr;
            if (!acks_valid) {
                pr.index = data.index;
                pr.error_code = static_cast<int16_t>(kafka::error_code::invalid_required_acks);
                pr.base_offset = -1;
            } else {
                pr = produce_one(ctx, topic, body.acks, version, data);
            }
            any_error = any_error || pr.error_code != 0;
            t.partition_responses.push_back(std::move(pr));
        }
        resp.responses.push_back(std::move(t));
    }
    if (body.acks == 0) {
        // The client reads no reply: an error can only be signalled by closing the connection.
        if (any_error) {
            reply.close_connection();
        } else {
            reply.no_response();
        }
        return;
    }
    // With this broker alone in every ISR, acks=all is satisfied as soon as the append is done.
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

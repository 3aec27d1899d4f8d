// DescribeLogDirs (key 35): the log dir of this broker with the size and offset lag of each
// hosted partition (all of them, or those asked for), and the file system's total and usable
// bytes (v4).
#include "brook/protocol/kafka/messages/describe_log_dirs.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

#include <filesystem>
#include <set>

namespace brook::broker::handlers {

void handle_describe_log_dirs(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::describe_log_dirs_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& wanted = req.value().body.topics;
    std::vector<std::pair<std::string, std::vector<int32_t>>> selection;
    if (!wanted) {
        for (const auto& t : ctx.metadata.topics()) {
            std::vector<int32_t> all;
            for (size_t p = 0; p < t.partitions.size(); ++p) {
                all.push_back(static_cast<int32_t>(p));
            }
            selection.emplace_back(t.name, std::move(all));
        }
    } else {
        for (const auto& t : *wanted) {
            selection.emplace_back(t.topic, t.partitions);
        }
    }
    kafka::describe_log_dirs_response::describe_log_dirs_result dir;
    std::error_code ec;
    dir.log_dir = std::filesystem::absolute(ctx.topics.log_dir(), ec).string();
    auto space = std::filesystem::space(ctx.topics.log_dir(), ec);
    if (!ec) {
        dir.total_bytes = static_cast<int64_t>(space.capacity);
        dir.usable_bytes = static_cast<int64_t>(space.available);
    }
    for (const auto& [name, partitions] : selection) {
        kafka::describe_log_dirs_response::describe_log_dirs_topic out;
        out.name = name;
        for (int32_t p : std::set<int32_t>(partitions.begin(), partitions.end())) {
            auto log = ctx.topics.log_of(name, p);
            if (!log) {
                continue; // not hosted here: not in this broker's answer
            }
            kafka::describe_log_dirs_response::describe_log_dirs_partition d;
            d.partition_index = p;
            d.partition_size = static_cast<int64_t>(log->size_bytes());
            d.offset_lag = std::max<int64_t>(0, log->high_watermark().value() - log->log_end_offset().value());
            d.is_future_key = false;
            out.partitions.push_back(d);
        }
        if (!out.partitions.empty()) {
            dir.topics.push_back(std::move(out));
        }
    }
    kafka::describe_log_dirs_response resp;
    resp.results.push_back(std::move(dir));
    reply.send(encode(resp, r.prefix.api_version));
}

} // namespace brook::broker::handlers

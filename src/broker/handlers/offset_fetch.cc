// OffsetFetch (key 9): committed offsets of one group (v0-7) or several (v8+); -1 where nothing is
// committed; a null topic list (v2+) asks for every committed offset of the group.
#include "brook/protocol/kafka/messages/offset_fetch.h"

#include "broker/group/group_service.h"
#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"

namespace brook::broker::handlers {

namespace {

using topic_list = std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>>;
using resp_t = kafka::offset_fetch_response;

group::offset_fetch_result fetch_group(broker_context& ctx, const std::string& group_id, const topic_list& topics) {
    if (!ctx.groups) {
        group::offset_fetch_result out;
        out.error = kafka::error_code::coordinator_not_available;
        return out;
    }
    return ctx.groups->coordinator().fetch(group_id, topics);
}

/// Groups the flat result by topic, in first-seen order.
template<class Topic, class Partition>
std::vector<Topic> by_topic(const group::offset_fetch_result& res) {
    std::vector<Topic> out;
    for (const auto& f : res.offsets) {
        if (out.empty() || out.back().name != f.topic) {
            Topic t;
            t.name = f.topic;
            out.push_back(std::move(t));
        }
        Partition p;
        p.partition_index = f.partition;
        p.committed_offset = f.value.offset;
        p.committed_leader_epoch = f.value.leader_epoch;
        p.metadata = f.value.metadata;
        p.error_code = static_cast<int16_t>(f.error);
        out.back().partitions.push_back(std::move(p));
    }
    return out;
}

} // namespace

void handle_offset_fetch(broker_context& ctx, request r, responder reply) {
    auto req = decode<kafka::offset_fetch_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    const auto& body = req.value().body;
    const int16_t version = r.prefix.api_version;
    resp_t resp;
    if (version >= 8) {
        for (const auto& g : body.groups) {
            topic_list topics;
            if (g.topics) {
                topics.emplace();
                for (const auto& t : *g.topics) {
                    topics->emplace_back(t.name, t.partition_indexes);
                }
            }
            auto res = fetch_group(ctx, g.group_id, topics);
            resp_t::offset_fetch_response_group rg;
            rg.group_id = g.group_id;
            rg.error_code = static_cast<int16_t>(res.error);
            if (res.error == kafka::error_code::none) {
                rg.topics =
                    by_topic<resp_t::offset_fetch_response_topics, resp_t::offset_fetch_response_partitions>(res);
            }
            resp.groups.push_back(std::move(rg));
        }
        reply.send(encode(resp, version));
        return;
    }
    topic_list topics;
    if (body.topics) {
        topics.emplace();
        for (const auto& t : *body.topics) {
            topics->emplace_back(t.name, t.partition_indexes);
        }
    }
    auto res = fetch_group(ctx, body.group_id, topics);
    if (res.error != kafka::error_code::none) {
        if (version >= 2) {
            resp.error_code = static_cast<int16_t>(res.error);
        } else if (topics) {
            // v0-1 have no top-level error: each partition carries it.
            for (const auto& [name, parts] : *topics) {
                for (int32_t p : parts) {
                    res.offsets.push_back({name, p, {}, res.error});
                }
            }
        }
    }
    resp.topics = by_topic<resp_t::offset_fetch_response_topic, resp_t::offset_fetch_response_partition>(res);
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

#include "group.h"

#include "brook/client/kafka/errc.h"
#include "commit_queue.h"

#include <algorithm>
#include <iterator>
#include <thread>

namespace brook::client::kafka {

namespace pk = protocol::kafka;
using clock_type = std::chrono::steady_clock;

namespace {

// Kafka error codes the group protocol reacts to.
constexpr int16_t coordinator_load_in_progress = 14;
constexpr int16_t coordinator_not_available = 15;
constexpr int16_t not_coordinator = 16;
constexpr int16_t illegal_generation = 22;
constexpr int16_t unknown_member_id = 25;
constexpr int16_t rebalance_in_progress = 27;
constexpr int16_t member_id_required = 79;

bool coordinator_moved(int16_t code) {
    return code == coordinator_load_in_progress || code == coordinator_not_available || code == not_coordinator;
}

} // namespace

result<int32_t> find_group_coordinator(client& c, const std::string& group) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        pk::find_coordinator_request req;
        req.key = group;
        req.key_type = 0;
        req.coordinator_keys = {group};
        BOOST_OUTCOME_TRY(auto resp, c.call_as<pk::find_coordinator_response>(any_node, pk::request_body{req}));
        int16_t code = resp.error_code;
        int32_t node = resp.node_id;
        if (!resp.coordinators.empty()) {
            code = resp.coordinators.front().error_code;
            node = resp.coordinators.front().node_id;
        }
        if (code == 0) {
            if (c.metadata()->broker(node) == nullptr) {
                BOOST_OUTCOME_TRY(c.refresh_metadata(std::vector<std::string>{}));
            }
            return node;
        }
        if (!coordinator_moved(code)) {
            return kafka_error(code);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return kafka_error(coordinator_not_available);
}

result<void> commit_offsets(client& c, const std::string& group, int32_t generation, const std::string& member,
                            const std::map<topic_partition, int64_t>& offsets,
                            const std::optional<std::string>& instance) {
    if (offsets.empty()) {
        return success();
    }
    const auto req = make_offset_commit(group, generation, member, instance, offsets);
    for (int attempt = 0; attempt < 20; ++attempt) {
        BOOST_OUTCOME_TRY(auto node, find_group_coordinator(c, group));
        BOOST_OUTCOME_TRY(auto resp, c.call_as<pk::offset_commit_response>(node, pk::request_body{req}));
        const auto ec = offset_commit_error(resp);
        if (!ec) {
            return success();
        }
        if (!coordinator_moved(static_cast<int16_t>(ec.value()))) {
            return ec;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return kafka_error(coordinator_not_available);
}

result<std::map<topic_partition, int64_t>> fetch_offsets(client& c, const std::string& group,
                                                         const std::optional<std::vector<topic_partition>>& tps) {
    pk::offset_fetch_request req;
    req.group_id = group;
    pk::offset_fetch_request::offset_fetch_request_group g;
    g.group_id = group;
    if (tps) {
        req.topics.emplace();
        g.topics.emplace();
        for (const auto& tp : *tps) {
            if (req.topics->empty() || req.topics->back().name != tp.topic) {
                req.topics->emplace_back();
                req.topics->back().name = tp.topic;
                g.topics->emplace_back();
                g.topics->back().name = tp.topic;
            }
            req.topics->back().partition_indexes.push_back(tp.partition);
            g.topics->back().partition_indexes.push_back(tp.partition);
        }
    } else {
        req.topics = std::nullopt;
        g.topics = std::nullopt;
    }
    req.groups.push_back(std::move(g));
    for (int attempt = 0; attempt < 20; ++attempt) {
        BOOST_OUTCOME_TRY(auto node, find_group_coordinator(c, group));
        BOOST_OUTCOME_TRY(auto resp, c.call_as<pk::offset_fetch_response>(node, pk::request_body{req}));
        std::map<topic_partition, int64_t> out;
        int16_t code = resp.error_code;
        for (const auto& t : resp.topics) {
            for (const auto& p : t.partitions) {
                out[{t.name, p.partition_index}] = p.committed_offset;
                code = code != 0 ? code : p.error_code;
            }
        }
        for (const auto& grp : resp.groups) {
            code = code != 0 ? code : grp.error_code;
            for (const auto& t : grp.topics) {
                for (const auto& p : t.partitions) {
                    out[{t.name, p.partition_index}] = p.committed_offset;
                    code = code != 0 ? code : p.error_code;
                }
            }
        }
        if (code == 0) {
            return out;
        }
        if (!coordinator_moved(code)) {
            return kafka_error(code);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return kafka_error(coordinator_not_available);
}

group_membership::group_membership(client& c, const consumer_config& cfg, std::vector<std::string> topics)
    : _client(c), _cfg(cfg), _topics(std::move(topics)) {
    std::sort(_topics.begin(), _topics.end());
}

result<int32_t> group_membership::coordinator() {
    if (_coordinator < 0) {
        BOOST_OUTCOME_TRY(auto node, find_group_coordinator(_client, _cfg.group_id));
        _coordinator = node;
    }
    return _coordinator;
}

void group_membership::reset_coordinator_on(std::error_code ec) {
    if (!is_kafka_error(ec) || coordinator_moved(static_cast<int16_t>(ec.value()))) {
        _coordinator = -1;
    }
}

result<void> group_membership::join_and_sync() {
    // JoinGroup may wait a whole rebalance on the broker: keep it under the request timeout.
    const auto rebalance = std::min(_cfg.rebalance_timeout, _client.config().request_timeout - std::chrono::seconds(2));
    for (int attempt = 0; attempt < 30; ++attempt) {
        BOOST_OUTCOME_TRY(auto node, coordinator());
        subscription sub;
        sub.topics = _topics;
        sub.owned = _owned;
        const bytes meta = encode_subscription(sub);
        pk::join_group_request join;
        join.group_id = _cfg.group_id;
        join.session_timeout_ms = static_cast<int32_t>(_cfg.session_timeout.count());
        join.rebalance_timeout_ms = static_cast<int32_t>(rebalance.count());
        join.member_id = _member_id;
        join.group_instance_id = _cfg.group_instance_id;
        join.protocol_type = "consumer";
        for (const auto& name : _cfg.assignors) {
            join.protocols.push_back({name, meta, {}});
        }
        auto jr = _client.call_as<pk::join_group_response>(node, pk::request_body{join});
        if (!jr) {
            reset_coordinator_on(jr.error());
            if (!is_retriable(jr.error())) {
                return jr.error();
            }
            continue;
        }
        auto& j = jr.value();
        if (j.error_code == member_id_required) {
            _member_id = j.member_id;
            continue;
        }
        if (j.error_code == unknown_member_id) {
            _member_id.clear();
            continue;
        }
        if (coordinator_moved(j.error_code) || j.error_code == rebalance_in_progress) {
            reset_coordinator_on(kafka_error(j.error_code));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        if (j.error_code != 0) {
            return kafka_error(j.error_code);
        }
        _member_id = j.member_id;
        _generation = j.generation_id;
        _protocol = j.protocol_name.value_or("");
        pk::sync_group_request sync;
        sync.group_id = _cfg.group_id;
        sync.generation_id = _generation;
        sync.member_id = _member_id;
        sync.group_instance_id = _cfg.group_instance_id;
        sync.protocol_type = std::string("consumer");
        sync.protocol_name = _protocol;
        if (j.leader == _member_id) {
            assignment_input in;
            std::set<std::string> all_topics;
            for (const auto& m : j.members) {
                BOOST_OUTCOME_TRY(auto s, decode_subscription(m.metadata));
                all_topics.insert(s.topics.begin(), s.topics.end());
                in.members[m.member_id] = std::move(s);
            }
            BOOST_OUTCOME_TRY(auto meta_snapshot,
                              _client.refresh_metadata(std::vector<std::string>(all_topics.begin(), all_topics.end())));
            for (const auto& t : all_topics) {
                if (const auto* tm = meta_snapshot->topic(t)) {
                    in.partitions_per_topic[t] = static_cast<int32_t>(tm->partitions.size());
                }
            }
            for (const auto& [member, parts] : assign(_protocol, in)) {
                sync.assignments.push_back({member, encode_assignment(parts), {}});
            }
        }
        auto sr = _client.call_as<pk::sync_group_response>(node, pk::request_body{sync});
        if (!sr) {
            reset_coordinator_on(sr.error());
            if (!is_retriable(sr.error())) {
                return sr.error();
            }
            continue;
        }
        if (sr.value().error_code == unknown_member_id) {
            _member_id.clear();
            continue;
        }
        if (sr.value().error_code == rebalance_in_progress || sr.value().error_code == illegal_generation ||
            coordinator_moved(sr.value().error_code)) {
            reset_coordinator_on(kafka_error(sr.value().error_code));
            continue;
        }
        if (sr.value().error_code != 0) {
            return kafka_error(sr.value().error_code);
        }
        BOOST_OUTCOME_TRY(auto assigned, decode_assignment(sr.value().assignment));
        bool revoked = false;
        if (_protocol == "cooperative-sticky") {
            // A partition we owned that is missing was revoked: rejoin so it can move on.
            for (const auto& [t, parts] : _owned) {
                for (int32_t p : parts) {
                    auto it = assigned.find(t);
                    revoked =
                        revoked || it == assigned.end() || !std::binary_search(it->second.begin(), it->second.end(), p);
                }
            }
        }
        _owned = std::move(assigned);
        _need_join = revoked;
        _next_heartbeat = clock_type::now() + _cfg.heartbeat_interval;
        return success();
    }
    return make_error_code(errc::timed_out);
}

namespace {

std::vector<topic_partition> flatten(const partition_map& parts) {
    std::vector<topic_partition> out;
    for (const auto& [t, ps] : parts) {
        for (int32_t p : ps) {
            out.push_back({t, p});
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

result<std::optional<std::vector<topic_partition>>> group_membership::poll(const revoke_hook& before_revoke) {
    bool changed = false;
    if (!_need_join && clock_type::now() >= _next_heartbeat) {
        BOOST_OUTCOME_TRY(auto node, coordinator());
        pk::heartbeat_request hb;
        hb.group_id = _cfg.group_id;
        hb.generation_id = _generation;
        hb.member_id = _member_id;
        hb.group_instance_id = _cfg.group_instance_id;
        auto r = _client.call_as<pk::heartbeat_response>(node, pk::request_body{hb});
        if (!r) {
            reset_coordinator_on(r.error());
            if (!is_retriable(r.error())) {
                return r.error();
            }
        } else if (r.value().error_code == rebalance_in_progress || r.value().error_code == illegal_generation) {
            _need_join = true;
        } else if (r.value().error_code == unknown_member_id) {
            _member_id.clear();
            _need_join = true;
        } else if (coordinator_moved(r.value().error_code)) {
            _coordinator = -1;
        } else if (r.value().error_code != 0) {
            return kafka_error(r.value().error_code);
        }
        _next_heartbeat = clock_type::now() + _cfg.heartbeat_interval;
    }
    while (_need_join) {
        if (_protocol != "cooperative-sticky") {
            // Eager protocols give everything up before rejoining. A member the coordinator no
            // longer knows has lost its partitions already: nothing it commits would be accepted.
            if (!_owned.empty() && before_revoke && !_member_id.empty()) {
                before_revoke(flatten(_owned));
            }
            _owned.clear();
        }
        const auto before = flatten(_owned);
        BOOST_OUTCOME_TRY(join_and_sync());
        changed = true;
        if (_protocol == "cooperative-sticky" && before_revoke) {
            // Partitions taken away are handed over (committed) before the rejoin that lets
            // another member start on them.
            const auto now_owned = flatten(_owned);
            std::vector<topic_partition> revoked;
            std::set_difference(before.begin(), before.end(), now_owned.begin(), now_owned.end(),
                                std::back_inserter(revoked));
            if (!revoked.empty()) {
                before_revoke(revoked);
            }
        }
    }
    if (!changed) {
        return std::optional<std::vector<topic_partition>>{};
    }
    return std::optional<std::vector<topic_partition>>(flatten(_owned));
}

result<void> group_membership::commit(const std::map<topic_partition, int64_t>& offsets) {
    return commit_offsets(_client, _cfg.group_id, _generation, _member_id, offsets, _cfg.group_instance_id);
}

pk::offset_commit_request group_membership::commit_request(const std::map<topic_partition, int64_t>& offsets) const {
    return make_offset_commit(_cfg.group_id, _generation, _member_id, _cfg.group_instance_id, offsets);
}

result<std::map<topic_partition, int64_t>> group_membership::fetch(const std::vector<topic_partition>& tps) {
    return fetch_offsets(_client, _cfg.group_id, tps);
}

result<void> group_membership::leave() {
    if (_member_id.empty() || _coordinator < 0 || _cfg.group_instance_id) {
        return success();
    }
    pk::leave_group_request req;
    req.group_id = _cfg.group_id;
    req.member_id = _member_id;
    req.members.push_back({_member_id, std::nullopt, std::nullopt, {}});
    auto r = _client.call_as<pk::leave_group_response>(_coordinator, pk::request_body{req});
    _member_id.clear();
    _generation = -1;
    _need_join = true;
    if (!r) {
        return r.error();
    }
    if (r.value().error_code != 0) {
        return kafka_error(r.value().error_code);
    }
    return success();
}

} // namespace brook::client::kafka

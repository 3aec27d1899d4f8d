// Committed offsets, group descriptions, deletion, persistence in __consumer_offsets and loading.
#include "broker/group/coordinator.h"

#include <algorithm>
#include <cctype>

namespace brook::broker::group {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

error_code group_coordinator::append(const std::string& group_id, std::vector<offsets_log::record> records) {
    if (records.empty()) {
        return error_code::none;
    }
    auto e = _log.append(partition_of(group_id), records);
    switch (e) {
    case error_code::none:
        return e;
    case error_code::unknown_topic_or_partition:
    case error_code::not_leader_or_follower:
        return error_code::not_coordinator;
    case error_code::message_too_large:
    case error_code::record_list_too_large:
    case error_code::invalid_fetch_size:
        return error_code::invalid_commit_offset_size;
    default:
        return error_code::coordinator_not_available;
    }
}

void group_coordinator::store_group(group_data& g) {
    group_snapshot s;
    s.protocol_type = g.protocol_type.value_or("");
    s.generation = g.generation;
    s.protocol_name = g.protocol_name;
    if (!g.leader.empty()) {
        s.leader = g.leader;
    }
    s.state_timestamp = g.state_timestamp;
    for (const auto& id : g.join_order) {
        const auto& m = g.members.at(id);
        group_snapshot::member sm;
        sm.member_id = id;
        sm.group_instance_id = m.group_instance_id;
        sm.client_id = m.client_id;
        sm.client_host = m.client_host;
        sm.rebalance_timeout_ms = m.rebalance_timeout_ms;
        sm.session_timeout_ms = m.session_timeout_ms;
        if (g.protocol_name) {
            if (const bytes* meta = m.metadata_for(*g.protocol_name)) {
                sm.subscription = *meta;
            }
        }
        sm.assignment = m.assignment;
        s.members.push_back(std::move(sm));
    }
    // A failed write only costs a rebalance after a coordinator move: the group stays usable.
    (void)append(g.id, {{encode_group_key({g.id}), encode_group_value(s)}});
}

std::vector<partition_error> group_coordinator::commit(const commit_request& req) {
    std::unique_lock lock(_mutex);
    std::vector<partition_error> out;
    auto all = [&](error_code e) {
        for (const auto& o : req.offsets) {
            out.push_back({o.topic, o.partition, e});
        }
    };
    error_code e = check_group(req.group_id);
    group_data* g = e == error_code::none ? find(req.group_id) : nullptr;
    if (e == error_code::none && !g) {
        if (req.generation < 0) {
            // A group not managed by the coordinator (manual assignment, admin tools).
            auto created = std::make_unique<group_data>();
            created->id = req.group_id;
            created->state_timestamp = _sched.wall_ms();
            g = created.get();
            _groups.emplace(req.group_id, std::move(created));
        } else {
            e = error_code::illegal_generation;
        }
    }
    if (e == error_code::none) {
        if (g->is(group_state::dead)) {
            e = error_code::coordinator_not_available;
        } else if (req.generation < 0 && g->is(group_state::empty)) {
            // admin commit
        } else if (g->is(group_state::completing_rebalance)) {
            e = error_code::rebalance_in_progress;
        } else if (auto sm = g->static_member(req.group_instance_id); sm && *sm != req.member_id) {
            e = error_code::fenced_instance_id;
        } else if (!g->has_member(req.member_id)) {
            e = error_code::unknown_member_id;
        } else if (req.generation != g->generation) {
            e = error_code::illegal_generation;
        }
    }
    if (e != error_code::none) {
        all(e);
        run_deferred(lock);
        return out;
    }
    const int64_t now = _sched.wall_ms();
    std::vector<offsets_log::record> records;
    std::vector<std::pair<topic_partition_key, committed_offset>> accepted;
    for (const auto& o : req.offsets) {
        if (o.value.metadata.size() > static_cast<size_t>(_cfg.offset_metadata_max_bytes)) {
            out.push_back({o.topic, o.partition, error_code::offset_metadata_too_large});
            continue;
        }
        committed_offset v = o.value;
        v.commit_timestamp = now;
        v.expire_timestamp = req.retention_ms >= 0 ? now + req.retention_ms : -1;
        records.push_back({encode_offset_key({req.group_id, o.topic, o.partition}), encode_offset_value(v)});
        accepted.emplace_back(topic_partition_key{o.topic, o.partition}, v);
        out.push_back({o.topic, o.partition, error_code::none});
    }
    // The reply waits for the append, as with acks=all on the internal topic.
    e = append(req.group_id, std::move(records));
    for (auto& r : out) {
        if (r.error == error_code::none && e != error_code::none) {
            r.error = e;
        }
    }
    if (e == error_code::none) {
        for (auto& [k, v] : accepted) {
            g->offsets[k] = v;
        }
        if (g->has_member(req.member_id)) {
            auto& m = g->members.at(req.member_id);
            reset_heartbeat(*g, m, m.session_timeout_ms);
        }
    }
    run_deferred(lock);
    return out;
}

offset_fetch_result
group_coordinator::fetch(const std::string& group_id,
                         const std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>>& topics) {
    std::lock_guard lock(_mutex);
    offset_fetch_result out;
    out.error = check_group(group_id);
    if (out.error != error_code::none) {
        return out;
    }
    group_data* g = find(group_id);
    if (g && g->is(group_state::dead)) {
        g = nullptr;
    }
    if (!topics) {
        if (g) {
            for (const auto& [k, v] : g->offsets) {
                out.offsets.push_back({k.first, k.second, v, error_code::none});
            }
        }
        return out;
    }
    for (const auto& [topic, parts] : *topics) {
        for (int32_t p : parts) {
            fetched_offset f{topic, p, {}, error_code::none};
            if (g) {
                auto it = g->offsets.find({topic, p});
                if (it != g->offsets.end()) {
                    f.value = it->second;
                }
            }
            out.offsets.push_back(std::move(f));
        }
    }
    return out;
}

offset_delete_result group_coordinator::delete_offsets(const std::string& group_id,
                                                       const std::vector<std::pair<std::string, int32_t>>& partitions) {
    std::unique_lock lock(_mutex);
    offset_delete_result out;
    out.error = check_group(group_id);
    group_data* g = out.error == error_code::none ? find(group_id) : nullptr;
    if (out.error == error_code::none && (!g || g->is(group_state::dead))) {
        out.error = error_code::group_id_not_found;
    }
    if (out.error != error_code::none) {
        run_deferred(lock);
        return out;
    }
    std::set<std::string> subscribed;
    if (!g->is(group_state::empty)) {
        auto topics = g->subscribed_topics();
        if (!topics) {
            out.error = error_code::non_empty_group;
            run_deferred(lock);
            return out;
        }
        subscribed = std::move(*topics);
    }
    std::vector<offsets_log::record> records;
    std::vector<topic_partition_key> removed;
    for (const auto& [topic, p] : partitions) {
        if (subscribed.count(topic) != 0) {
            out.partitions.push_back({topic, p, error_code::group_subscribed_to_topic});
            continue;
        }
        out.partitions.push_back({topic, p, error_code::none});
        if (g->offsets.count({topic, p}) != 0) {
            records.push_back({encode_offset_key({group_id, topic, p}), std::nullopt});
            removed.emplace_back(topic, p);
        }
    }
    const auto e = append(group_id, std::move(records));
    if (e != error_code::none) {
        out.error = e;
        out.partitions.clear();
    } else {
        for (const auto& k : removed) {
            g->offsets.erase(k);
        }
    }
    run_deferred(lock);
    return out;
}

group_description group_coordinator::describe(const std::string& group_id) {
    std::lock_guard lock(_mutex);
    group_description d;
    d.group_id = group_id;
    d.error = check_group(group_id);
    if (d.error != error_code::none) {
        return d;
    }
    group_data* g = find(group_id);
    if (!g) {
        d.state = "Dead";
        return d;
    }
    d.state = std::string(state_name(g->state));
    d.protocol_type = g->protocol_type.value_or("");
    const bool stable = g->is(group_state::stable);
    if (stable && g->protocol_name) {
        d.protocol_data = *g->protocol_name;
    }
    for (const auto& id : g->join_order) {
        const auto& m = g->members.at(id);
        described_member dm{id, m.group_instance_id, m.client_id, m.client_host, {}, {}};
        if (stable && g->protocol_name) {
            if (const bytes* meta = m.metadata_for(*g->protocol_name)) {
                dm.metadata = *meta;
            }
            dm.assignment = m.assignment;
        }
        d.members.push_back(std::move(dm));
    }
    return d;
}

std::vector<group_listing> group_coordinator::list(const std::vector<std::string>& states) {
    std::lock_guard lock(_mutex);
    std::vector<group_listing> out;
    for (const auto& [id, g] : _groups) {
        if (g->is(group_state::dead) || _owned.count(partition_of(id)) == 0) {
            continue;
        }
        const std::string_view state = state_name(g->state);
        if (!states.empty() &&
            std::none_of(states.begin(), states.end(), [&](const std::string& s) { return iequals(s, state); })) {
            continue;
        }
        out.push_back({id, g->protocol_type.value_or(""), std::string(state)});
    }
    return out;
}

error_code group_coordinator::delete_group(const std::string& group_id) {
    std::unique_lock lock(_mutex);
    if (group_id.empty()) {
        return error_code::invalid_group_id;
    }
    if (auto e = check_group(group_id); e != error_code::none) {
        return e;
    }
    group_data* g = find(group_id);
    if (!g || g->is(group_state::dead)) {
        return error_code::group_id_not_found;
    }
    if (!g->is(group_state::empty)) {
        return error_code::non_empty_group;
    }
    std::vector<offsets_log::record> records;
    for (const auto& [k, v] : g->offsets) {
        records.push_back({encode_offset_key({group_id, k.first, k.second}), std::nullopt});
    }
    records.push_back({encode_group_key({group_id}), std::nullopt});
    if (auto e = append(group_id, std::move(records)); e != error_code::none) {
        return e;
    }
    cancel_group_timers(*g);
    set_state(*g, group_state::dead);
    _groups.erase(group_id);
    run_deferred(lock);
    return error_code::none;
}

void group_coordinator::schedule_expiry() {
    _expiry_timer =
        _sched.schedule(_sched.now() + std::chrono::milliseconds(_cfg.offsets_retention_check_interval_ms), [this] {
            expire_offsets();
            std::lock_guard l(_mutex);
            if (!_stopped) {
                schedule_expiry();
            }
        });
}

void group_coordinator::expire_offsets() {
    std::unique_lock lock(_mutex);
    if (_stopped) {
        return;
    }
    const int64_t now = _sched.wall_ms();
    std::vector<std::string> emptied;
    for (auto& [id, gp] : _groups) {
        auto& g = *gp;
        if (_owned.count(partition_of(id)) == 0 || g.is(group_state::dead)) {
            continue;
        }
        // Kafka 2.1+: offsets of an empty group expire from the time it became empty; a group
        // without the consumer protocol (manual assignment) from each commit; a live consumer group
        // keeps the offsets of the topics it subscribes to.
        std::optional<std::set<std::string>> keep;
        if (!g.is(group_state::empty)) {
            keep = g.subscribed_topics();
            if (!keep) {
                continue;
            }
        }
        std::vector<offsets_log::record> records;
        std::vector<topic_partition_key> expired;
        for (const auto& [k, v] : g.offsets) {
            if (keep && keep->count(k.first) != 0) {
                continue;
            }
            int64_t deadline = 0;
            if (v.expire_timestamp >= 0) {
                deadline = v.expire_timestamp;
            } else {
                const bool from_state = g.is(group_state::empty) && g.protocol_type && g.state_timestamp >= 0;
                deadline = (from_state ? g.state_timestamp : v.commit_timestamp) + _cfg.offsets_retention_ms;
            }
            if (now >= deadline) {
                records.push_back({encode_offset_key({id, k.first, k.second}), std::nullopt});
                expired.push_back(k);
            }
        }
        if (g.is(group_state::empty) && g.offsets.size() == expired.size() && g.members.empty() &&
            g.pending_members.empty()) {
            records.push_back({encode_group_key({id}), std::nullopt});
            emptied.push_back(id);
        }
        if (append(id, std::move(records)) != error_code::none) {
            continue;
        }
        for (const auto& k : expired) {
            g.offsets.erase(k);
        }
    }
    for (const auto& id : emptied) {
        auto it = _groups.find(id);
        if (it != _groups.end() && it->second->offsets.empty()) {
            cancel_group_timers(*it->second);
            _groups.erase(it);
        }
    }
    run_deferred(lock);
}

error_code group_coordinator::load_partition(int32_t partition) {
    std::unique_lock lock(_mutex);
    auto e = _log.replay(partition, [this, partition](bytes_view key, std::optional<bytes_view> value) {
        apply_record(partition, key, value);
    });
    if (e != error_code::none) {
        return e;
    }
    _owned.insert(partition);
    // Loaded members must heartbeat again within their session timeout or leave.
    for (auto& [id, g] : _groups) {
        if (partition_of(id) != partition) {
            continue;
        }
        for (auto& [mid, m] : g->members) {
            reset_heartbeat(*g, m, m.session_timeout_ms);
        }
    }
    run_deferred(lock);
    return error_code::none;
}

void group_coordinator::apply_record(int32_t partition, bytes_view key, std::optional<bytes_view> value) {
    auto k = decode_key(key);
    if (!k) {
        return;
    }
    if (auto* ok = std::get_if<offset_key>(&*k)) {
        if (partition_of(ok->group) != partition) {
            return;
        }
        auto& slot = _groups[ok->group];
        if (!slot) {
            slot = std::make_unique<group_data>();
            slot->id = ok->group;
        }
        if (!value) {
            slot->offsets.erase({ok->topic, ok->partition});
            if (slot->offsets.empty() && slot->members.empty() && !slot->protocol_type) {
                _groups.erase(ok->group);
            }
            return;
        }
        if (auto v = decode_offset_value(*value)) {
            slot->offsets[{ok->topic, ok->partition}] = *v;
        }
        return;
    }
    const auto& gk = std::get<group_key>(*k);
    if (partition_of(gk.group) != partition) {
        return;
    }
    if (!value) {
        _groups.erase(gk.group);
        return;
    }
    auto snap = decode_group_value(*value);
    if (!snap) {
        return;
    }
    auto& slot = _groups[gk.group];
    if (!slot) {
        slot = std::make_unique<group_data>();
        slot->id = gk.group;
    }
    auto& g = *slot;
    g.members.clear();
    g.join_order.clear();
    g.static_members.clear();
    g.generation = snap->generation;
    g.protocol_type = snap->protocol_type.empty() ? std::nullopt : std::optional<std::string>(snap->protocol_type);
    g.protocol_name = snap->protocol_name;
    g.leader = snap->leader.value_or("");
    g.state_timestamp = snap->state_timestamp;
    for (auto& sm : snap->members) {
        member_state m;
        m.member_id = sm.member_id;
        m.group_instance_id = sm.group_instance_id;
        m.client_id = sm.client_id;
        m.client_host = sm.client_host;
        m.rebalance_timeout_ms = sm.rebalance_timeout_ms;
        m.session_timeout_ms = sm.session_timeout_ms;
        m.protocol_type = snap->protocol_type;
        if (snap->protocol_name) {
            m.protocols.push_back({*snap->protocol_name, std::move(sm.subscription)});
        }
        m.assignment = std::move(sm.assignment);
        if (m.group_instance_id) {
            g.static_members[*m.group_instance_id] = m.member_id;
        }
        g.join_order.push_back(m.member_id);
        g.members.emplace(m.member_id, std::move(m));
    }
    g.state = g.members.empty() ? group_state::empty : group_state::stable;
}

} // namespace brook::broker::group

// Group membership after the join: SyncGroup, Heartbeat, LeaveGroup, member expiry.
#include "broker/group/coordinator.h"

#include <algorithm>

namespace brook::broker::group {

void group_coordinator::sync(sync_request req, sync_callback done) {
    std::unique_lock lock(_mutex);
    auto fail = [&](error_code e) {
        sync_result r;
        r.error = e;
        _deferred.push_back([done, r] { done(r); });
    };
    group_data* g = nullptr;
    if (auto e = check_group(req.group_id); e != error_code::none) {
        fail(e);
    } else if (g = find(req.group_id); !g) {
        fail(error_code::unknown_member_id);
    } else if (g->is(group_state::dead)) {
        fail(error_code::coordinator_not_available);
    } else if (auto sm = g->static_member(req.group_instance_id); sm && *sm != req.member_id) {
        fail(error_code::fenced_instance_id);
    } else if (!g->has_member(req.member_id)) {
        fail(error_code::unknown_member_id);
    } else if (req.generation != g->generation) {
        fail(error_code::illegal_generation);
    } else if ((req.protocol_type && g->protocol_type != req.protocol_type) ||
               (req.protocol_name && g->protocol_name != req.protocol_name)) {
        fail(error_code::inconsistent_group_protocol);
    } else if (g->is(group_state::empty)) {
        fail(error_code::unknown_member_id);
    } else if (g->is(group_state::preparing_rebalance)) {
        fail(error_code::rebalance_in_progress);
    } else {
        auto& m = g->members.at(req.member_id);
        g->pending_sync.erase(req.member_id);
        reset_heartbeat(*g, m, m.session_timeout_ms);
        if (g->is(group_state::stable)) {
            sync_result r{error_code::none, g->protocol_type, g->protocol_name, m.assignment};
            _deferred.push_back([done, r] { done(r); });
        } else {
            if (m.awaiting_sync) {
                sync_result r;
                r.error = error_code::rebalance_in_progress;
                _deferred.push_back([cb = std::move(m.awaiting_sync), r] { cb(r); });
            }
            m.awaiting_sync = std::move(done);
            if (req.member_id == g->leader) {
                std::map<std::string, bytes> assignments;
                for (auto& [id, a] : req.assignments) {
                    assignments[id] = std::move(a);
                }
                complete_sync(*g, std::move(assignments));
            }
        }
    }
    run_deferred(lock);
}

void group_coordinator::complete_sync(group_data& g, std::map<std::string, bytes> assignments) {
    for (auto& [id, m] : g.members) {
        auto it = assignments.find(id);
        m.assignment = it == assignments.end() ? bytes{} : std::move(it->second);
    }
    // The generation is durable before any member learns its assignment.
    store_group(g);
    set_state(g, group_state::stable);
    for (auto& [id, m] : g.members) {
        if (m.awaiting_sync) {
            sync_result r{error_code::none, g.protocol_type, g.protocol_name, m.assignment};
            _deferred.push_back([cb = std::move(m.awaiting_sync), r] { cb(r); });
            m.awaiting_sync = nullptr;
        }
    }
}

error_code group_coordinator::heartbeat(const std::string& group_id, const std::string& member_id,
                                        const std::optional<std::string>& group_instance_id, int32_t generation) {
    std::unique_lock lock(_mutex);
    if (auto e = check_group(group_id); e != error_code::none) {
        return e;
    }
    group_data* g = find(group_id);
    if (!g) {
        return error_code::unknown_member_id;
    }
    if (g->is(group_state::dead)) {
        return error_code::coordinator_not_available;
    }
    if (auto sm = g->static_member(group_instance_id); sm && *sm != member_id) {
        return error_code::fenced_instance_id;
    }
    if (!g->has_member(member_id)) {
        return error_code::unknown_member_id;
    }
    if (generation != g->generation) {
        return error_code::illegal_generation;
    }
    auto& m = g->members.at(member_id);
    switch (g->state) {
    case group_state::empty:
    case group_state::dead:
        return error_code::unknown_member_id;
    case group_state::preparing_rebalance:
        reset_heartbeat(*g, m, m.session_timeout_ms);
        return error_code::rebalance_in_progress;
    case group_state::completing_rebalance:
    case group_state::stable:
        reset_heartbeat(*g, m, m.session_timeout_ms);
        return error_code::none;
    }
    return error_code::none;
}

leave_result group_coordinator::leave(const std::string& group_id, const std::vector<leave_member>& members) {
    std::unique_lock lock(_mutex);
    leave_result out;
    if (auto e = check_group(group_id); e != error_code::none) {
        out.error = e;
        run_deferred(lock);
        return out;
    }
    group_data* g = find(group_id);
    if (g && g->is(group_state::dead)) {
        out.error = error_code::coordinator_not_available;
        run_deferred(lock);
        return out;
    }
    for (const auto& lm : members) {
        leave_member_result r{lm.member_id, lm.group_instance_id, error_code::none};
        std::string id = lm.member_id;
        if (!g) {
            r.error = error_code::unknown_member_id;
        } else if (id.empty() && lm.group_instance_id) {
            auto sm = g->static_member(lm.group_instance_id);
            if (!sm) {
                r.error = error_code::unknown_member_id;
            } else {
                id = *sm;
            }
        } else if (auto sm = g->static_member(lm.group_instance_id); sm && *sm != id) {
            r.error = error_code::fenced_instance_id;
        }
        if (g && r.error == error_code::none) {
            if (auto it = g->pending_members.find(id); it != g->pending_members.end()) {
                _sched.cancel(it->second);
                g->pending_members.erase(it);
                try_complete_join(*g);
            } else if (!g->has_member(id)) {
                r.error = error_code::unknown_member_id;
            } else {
                remove_member(*g, id);
            }
        }
        out.members.push_back(std::move(r));
    }
    run_deferred(lock);
    return out;
}

void group_coordinator::remove_member(group_data& g, const std::string& member_id) {
    auto it = g.members.find(member_id);
    if (it == g.members.end()) {
        return;
    }
    auto& m = it->second;
    _sched.cancel(m.heartbeat_timer);
    if (m.awaiting_join) {
        join_result r;
        r.error = error_code::unknown_member_id;
        r.member_id = member_id;
        _deferred.push_back([cb = std::move(m.awaiting_join), r] { cb(r); });
    }
    if (m.awaiting_sync) {
        sync_result r;
        r.error = error_code::unknown_member_id;
        _deferred.push_back([cb = std::move(m.awaiting_sync), r] { cb(r); });
    }
    if (m.group_instance_id) {
        auto sm = g.static_members.find(*m.group_instance_id);
        if (sm != g.static_members.end() && sm->second == member_id) {
            g.static_members.erase(sm);
        }
    }
    g.members.erase(it);
    g.pending_sync.erase(member_id);
    g.join_order.erase(std::remove(g.join_order.begin(), g.join_order.end(), member_id), g.join_order.end());
    if (g.leader == member_id) {
        g.leader = g.join_order.empty() ? std::string() : g.join_order.front();
    }
    switch (g.state) {
    case group_state::stable:
    case group_state::completing_rebalance:
        prepare_rebalance(g);
        try_complete_join(g);
        break;
    case group_state::preparing_rebalance:
        try_complete_join(g);
        break;
    case group_state::empty:
    case group_state::dead:
        break;
    }
}

void group_coordinator::reset_heartbeat(group_data& g, member_state& m, int64_t timeout_ms) {
    _sched.cancel(m.heartbeat_timer);
    const uint64_t epoch = ++m.heartbeat_epoch;
    const std::string gid = g.id;
    const std::string mid = m.member_id;
    m.heartbeat_timer = _sched.schedule(_sched.now() + std::chrono::milliseconds(timeout_ms), [this, gid, mid, epoch] {
        std::unique_lock l(_mutex);
        if (!_stopped) {
            on_heartbeat_expired(gid, mid, epoch);
        }
        run_deferred(l);
    });
}

void group_coordinator::on_heartbeat_expired(const std::string& group_id, const std::string& member_id,
                                             uint64_t epoch) {
    group_data* g = find(group_id);
    if (!g || !g->has_member(member_id)) {
        return;
    }
    auto& m = g->members.at(member_id);
    if (m.heartbeat_epoch != epoch) {
        return;
    }
    // A member parked in JoinGroup (not a brand-new one) or SyncGroup cannot heartbeat: the
    // rebalance and sync deadlines decide about it instead.
    if ((m.awaiting_join && !m.is_new) || m.awaiting_sync) {
        reset_heartbeat(*g, m, m.session_timeout_ms);
        return;
    }
    remove_member(*g, member_id);
}

void group_coordinator::on_pending_expired(const std::string& group_id, const std::string& member_id) {
    group_data* g = find(group_id);
    if (!g) {
        return;
    }
    if (g->pending_members.erase(member_id) != 0) {
        try_complete_join(*g);
    }
}

} // namespace brook::broker::group

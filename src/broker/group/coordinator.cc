// Group membership: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the timers behind them.
#include "broker/group/coordinator.h"

#include <algorithm>
#include <random>

namespace brook::broker::group {

namespace {

// Kafka's member id: client id, '-', a random UUID.
std::string new_member_id(const std::string& client_id) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const uint64_t hi = rng();
    const uint64_t lo = rng();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(0x4000 | (hi & 0x0fff)),
                  static_cast<unsigned>(0x8000 | (lo >> 50)), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return client_id + "-" + buf;
}

std::chrono::milliseconds ms(int64_t v) {
    return std::chrono::milliseconds(v);
}

} // namespace

group_coordinator::group_coordinator(coordinator_config cfg, scheduler& sched, offsets_log& log)
    : _cfg(cfg), _sched(sched), _log(log) {
    std::lock_guard lock(_mutex);
    schedule_expiry();
}

group_coordinator::~group_coordinator() {
    shutdown();
}

void group_coordinator::shutdown() {
    std::unique_lock lock(_mutex);
    if (_stopped) {
        return;
    }
    _stopped = true;
    _sched.cancel(_expiry_timer);
    for (auto& [id, g] : _groups) {
        cancel_group_timers(*g);
        for (auto& [mid, m] : g->members) {
            _sched.cancel(m.heartbeat_timer);
            // Parked requests answer now; clients rediscover the coordinator.
            if (m.awaiting_join) {
                join_result r;
                r.error = error_code::not_coordinator;
                r.member_id = mid;
                _deferred.push_back([cb = std::move(m.awaiting_join), r] { cb(r); });
                m.awaiting_join = nullptr;
            }
            if (m.awaiting_sync) {
                sync_result r;
                r.error = error_code::not_coordinator;
                _deferred.push_back([cb = std::move(m.awaiting_sync), r] { cb(r); });
                m.awaiting_sync = nullptr;
            }
        }
        for (auto& [pid, timer] : g->pending_members) {
            _sched.cancel(timer);
        }
    }
    run_deferred(lock);
}

int32_t group_coordinator::partition_of(std::string_view group_id) const noexcept {
    return partition_for(group_id, _cfg.num_partitions);
}

bool group_coordinator::owns(std::string_view group_id) const {
    std::lock_guard lock(_mutex);
    return _owned.count(partition_of(group_id)) != 0;
}

error_code group_coordinator::check_group(std::string_view group_id) const {
    if (_stopped) {
        return error_code::coordinator_not_available;
    }
    if (_owned.count(partition_of(group_id)) == 0) {
        return error_code::not_coordinator;
    }
    return error_code::none;
}

group_data* group_coordinator::find(const std::string& group_id) {
    auto it = _groups.find(group_id);
    return it == _groups.end() ? nullptr : it->second.get();
}

void group_coordinator::run_deferred(std::unique_lock<std::mutex>& lock) {
    deferred calls;
    calls.swap(_deferred);
    lock.unlock();
    for (auto& c : calls) {
        c();
    }
}

void group_coordinator::set_state(group_data& g, group_state s) {
    g.state = s;
    g.state_timestamp = _sched.wall_ms();
}

void group_coordinator::cancel_group_timers(group_data& g) {
    ++g.timer_epoch;
    _sched.cancel(g.join_timer);
    _sched.cancel(g.sync_timer);
    g.join_timer = 0;
    g.sync_timer = 0;
}

join_result group_coordinator::current_join_result(const group_data& g, const std::string& member_id,
                                                   error_code e) const {
    join_result r;
    r.error = e;
    r.generation = g.generation;
    r.protocol_type = g.protocol_type;
    r.protocol_name = g.protocol_name;
    r.leader = g.leader;
    r.member_id = member_id;
    if (member_id == g.leader && g.protocol_name) {
        for (const auto& id : g.join_order) {
            const auto& m = g.members.at(id);
            const bytes* meta = m.metadata_for(*g.protocol_name);
            r.members.push_back({id, m.group_instance_id, meta ? *meta : bytes{}});
        }
    }
    return r;
}

void group_coordinator::join(join_request req, join_callback done) {
    std::unique_lock lock(_mutex);
    auto fail = [&](error_code e) {
        join_result r;
        r.error = e;
        r.member_id = req.member_id;
        _deferred.push_back([done, r] { done(r); });
    };
    if (req.group_id.empty()) {
        fail(error_code::invalid_group_id);
    } else if (auto e = check_group(req.group_id); e != error_code::none) {
        fail(e);
    } else if (req.session_timeout_ms < _cfg.min_session_timeout_ms ||
               req.session_timeout_ms > _cfg.max_session_timeout_ms) {
        fail(error_code::invalid_session_timeout);
    } else {
        group_data* g = find(req.group_id);
        if (!g && !req.member_id.empty()) {
            fail(error_code::unknown_member_id);
        } else {
            if (!g) {
                auto created = std::make_unique<group_data>();
                created->id = req.group_id;
                created->state_timestamp = _sched.wall_ms();
                g = created.get();
                _groups.emplace(req.group_id, std::move(created));
            }
            if (g->is(group_state::dead)) {
                fail(error_code::coordinator_not_available);
            } else if (!g->supports(req.protocol_type, req.protocols)) {
                fail(error_code::inconsistent_group_protocol);
            } else if (req.member_id.empty()) {
                join_unknown_member(*g, req, done);
            } else {
                join_known_member(*g, req, done);
            }
            if (g->is(group_state::empty) && g->members.empty() && g->pending_members.empty() && g->offsets.empty() &&
                g->generation == 0) {
                _groups.erase(req.group_id);
            }
        }
    }
    run_deferred(lock);
}

void group_coordinator::join_unknown_member(group_data& g, join_request& req, join_callback& done) {
    const std::string id = new_member_id(req.client_id);
    if (auto old = g.static_member(req.group_instance_id); old && g.has_member(*old) && !g.is(group_state::empty)) {
        join_static_member(g, req, done, *old);
        return;
    }
    if (g.members.size() + g.pending_members.size() >= static_cast<size_t>(_cfg.max_group_size)) {
        join_result r;
        r.error = error_code::group_max_size_reached;
        _deferred.push_back([done, r] { done(r); });
        return;
    }
    if (!req.group_instance_id && req.require_known_member_id) {
        // KIP-394: the member must come back with this id; until then it only holds a place.
        const std::string gid = g.id;
        g.pending_members[id] = _sched.schedule(_sched.now() + ms(req.session_timeout_ms), [this, gid, id] {
            std::unique_lock l(_mutex);
            if (!_stopped) {
                on_pending_expired(gid, id);
            }
            run_deferred(l);
        });
        join_result r;
        r.error = error_code::member_id_required;
        r.member_id = id;
        _deferred.push_back([done, r] { done(r); });
        return;
    }
    add_member(g, req, std::move(done), id);
    maybe_prepare_rebalance(g);
}

void group_coordinator::join_known_member(group_data& g, join_request& req, join_callback& done) {
    const std::string id = req.member_id;
    auto reply = [&](error_code e) {
        join_result r;
        r.error = e;
        r.member_id = id;
        _deferred.push_back([done, r] { done(r); });
    };
    if (auto it = g.pending_members.find(id); it != g.pending_members.end()) {
        _sched.cancel(it->second);
        g.pending_members.erase(it);
        add_member(g, req, std::move(done), id);
        maybe_prepare_rebalance(g);
        return;
    }
    if (auto sm = g.static_member(req.group_instance_id); sm && *sm != id) {
        reply(error_code::fenced_instance_id);
        return;
    }
    if (!g.has_member(id)) {
        reply(error_code::unknown_member_id);
        return;
    }
    auto& m = g.members.at(id);
    switch (g.state) {
    case group_state::preparing_rebalance:
        update_member_and_rebalance(g, m, req, std::move(done));
        return;
    case group_state::completing_rebalance:
        if (m.same_protocols(req.protocols)) {
            // A retried join of this generation: answer as the first time.
            auto r = current_join_result(g, id, error_code::none);
            _deferred.push_back([done, r] { done(r); });
        } else {
            update_member_and_rebalance(g, m, req, std::move(done));
        }
        return;
    case group_state::stable:
        if (id == g.leader || !m.same_protocols(req.protocols)) {
            update_member_and_rebalance(g, m, req, std::move(done));
        } else {
            auto r = current_join_result(g, id, error_code::none);
            r.members.clear();
            _deferred.push_back([done, r] { done(r); });
        }
        return;
    case group_state::empty:
    case group_state::dead:
        reply(error_code::unknown_member_id);
        return;
    }
}

void group_coordinator::join_static_member(group_data& g, join_request& req, join_callback& done,
                                           const std::string& old_id) {
    // KIP-345: the instance id is the identity; the new member id replaces the old one, whose
    // parked requests (if any) are fenced.
    const std::string new_id = new_member_id(req.client_id);
    member_state m = std::move(g.members.at(old_id));
    g.members.erase(old_id);
    _sched.cancel(m.heartbeat_timer);
    if (m.awaiting_join) {
        join_result r;
        r.error = error_code::fenced_instance_id;
        r.member_id = old_id;
        _deferred.push_back([cb = std::move(m.awaiting_join), r] { cb(r); });
        m.awaiting_join = nullptr;
    }
    if (m.awaiting_sync) {
        sync_result r;
        r.error = error_code::fenced_instance_id;
        _deferred.push_back([cb = std::move(m.awaiting_sync), r] { cb(r); });
        m.awaiting_sync = nullptr;
    }
    m.member_id = new_id;
    std::replace(g.join_order.begin(), g.join_order.end(), old_id, new_id);
    if (g.leader == old_id) {
        g.leader = new_id;
    }
    if (g.pending_sync.erase(old_id) != 0) {
        g.pending_sync.insert(new_id);
    }
    g.static_members[*req.group_instance_id] = new_id;
    auto& placed = g.members.emplace(new_id, std::move(m)).first->second;
    placed.protocols = req.protocols;
    placed.session_timeout_ms = req.session_timeout_ms;
    placed.rebalance_timeout_ms = req.rebalance_timeout_ms;
    placed.client_id = req.client_id;
    placed.client_host = req.client_host;
    reset_heartbeat(g, placed, placed.session_timeout_ms);
    switch (g.state) {
    case group_state::stable:
        if (g.protocol_name && g.select_protocol() == *g.protocol_name) {
            // No rebalance: the member resumes the current generation and its assignment.
            store_group(g);
            auto r = current_join_result(g, new_id, error_code::none);
            r.skip_assignment = new_id == g.leader;
            if (new_id != g.leader) {
                r.members.clear();
            }
            _deferred.push_back([done, r] { done(r); });
            return;
        }
        placed.awaiting_join = std::move(done);
        prepare_rebalance(g);
        try_complete_join(g);
        return;
    case group_state::completing_rebalance:
        // The leader may be assigning to the old member id: rebalance again.
        placed.awaiting_join = std::move(done);
        prepare_rebalance(g);
        try_complete_join(g);
        return;
    case group_state::preparing_rebalance:
        placed.awaiting_join = std::move(done);
        try_complete_join(g);
        return;
    case group_state::empty:
    case group_state::dead:
        placed.awaiting_join = std::move(done);
        maybe_prepare_rebalance(g);
        return;
    }
}

member_state& group_coordinator::add_member(group_data& g, join_request& req, join_callback done,
                                            const std::string& id) {
    if (g.members.empty()) {
        g.protocol_type = req.protocol_type;
    }
    member_state m;
    m.member_id = id;
    m.group_instance_id = req.group_instance_id;
    m.client_id = req.client_id;
    m.client_host = req.client_host;
    m.session_timeout_ms = req.session_timeout_ms;
    m.rebalance_timeout_ms = req.rebalance_timeout_ms;
    m.protocol_type = req.protocol_type;
    m.protocols = std::move(req.protocols);
    m.awaiting_join = std::move(done);
    m.is_new = true;
    auto& placed = g.members.emplace(id, std::move(m)).first->second;
    g.join_order.push_back(id);
    if (g.leader.empty()) {
        g.leader = id;
    }
    if (req.group_instance_id) {
        g.static_members[*req.group_instance_id] = id;
    }
    if (g.is(group_state::preparing_rebalance) && g.initial_delay) {
        g.joined_during_delay = true;
    }
    // A new member cannot heartbeat while its join is parked; it gets the new-member timeout.
    reset_heartbeat(g, placed, _cfg.new_member_join_timeout_ms);
    return placed;
}

void group_coordinator::update_member_and_rebalance(group_data& g, member_state& m, join_request& req,
                                                    join_callback done) {
    m.protocols = std::move(req.protocols);
    m.session_timeout_ms = req.session_timeout_ms;
    m.rebalance_timeout_ms = req.rebalance_timeout_ms;
    if (m.awaiting_join) {
        join_result r;
        r.error = error_code::rebalance_in_progress;
        r.member_id = m.member_id;
        _deferred.push_back([cb = std::move(m.awaiting_join), r] { cb(r); });
    }
    m.awaiting_join = std::move(done);
    maybe_prepare_rebalance(g);
}

void group_coordinator::maybe_prepare_rebalance(group_data& g) {
    if (g.is(group_state::stable) || g.is(group_state::completing_rebalance) || g.is(group_state::empty)) {
        prepare_rebalance(g);
    }
    try_complete_join(g);
}

void group_coordinator::prepare_rebalance(group_data& g) {
    if (g.is(group_state::completing_rebalance)) {
        for (auto& [id, m] : g.members) {
            m.assignment.clear();
            if (m.awaiting_sync) {
                sync_result r;
                r.error = error_code::rebalance_in_progress;
                _deferred.push_back([cb = std::move(m.awaiting_sync), r] { cb(r); });
                m.awaiting_sync = nullptr;
            }
        }
    }
    const bool from_empty = g.is(group_state::empty);
    cancel_group_timers(g);
    g.pending_sync.clear();
    set_state(g, group_state::preparing_rebalance);
    const std::string gid = g.id;
    const uint64_t epoch = g.timer_epoch;
    auto fire = [this, gid, epoch] {
        std::unique_lock l(_mutex);
        if (!_stopped) {
            on_join_timer(gid, epoch);
        }
        run_deferred(l);
    };
    if (from_empty && _cfg.initial_rebalance_delay_ms > 0) {
        g.initial_delay = true;
        g.joined_during_delay = false;
        g.initial_delay_remaining_ms = std::max(g.max_rebalance_timeout_ms() - _cfg.initial_rebalance_delay_ms, 0);
        g.join_timer = _sched.schedule(_sched.now() + ms(_cfg.initial_rebalance_delay_ms), fire);
    } else {
        g.initial_delay = false;
        g.join_timer = _sched.schedule(_sched.now() + ms(g.max_rebalance_timeout_ms()), fire);
    }
}

void group_coordinator::on_join_timer(const std::string& group_id, uint64_t epoch) {
    group_data* g = find(group_id);
    if (!g || epoch != g->timer_epoch || !g->is(group_state::preparing_rebalance)) {
        return;
    }
    if (g->initial_delay) {
        if (g->joined_during_delay && g->initial_delay_remaining_ms > 0) {
            const int32_t delay = std::min(_cfg.initial_rebalance_delay_ms, g->initial_delay_remaining_ms);
            g->initial_delay_remaining_ms =
                std::max(g->initial_delay_remaining_ms - _cfg.initial_rebalance_delay_ms, 0);
            g->joined_during_delay = false;
            g->join_timer = _sched.schedule(_sched.now() + ms(delay), [this, group_id, epoch] {
                std::unique_lock l(_mutex);
                if (!_stopped) {
                    on_join_timer(group_id, epoch);
                }
                run_deferred(l);
            });
            return;
        }
        g->initial_delay = false;
    }
    complete_join(*g);
}

void group_coordinator::try_complete_join(group_data& g) {
    if (g.is(group_state::preparing_rebalance) && !g.initial_delay && g.all_members_joined()) {
        complete_join(g);
    }
}

void group_coordinator::complete_join(group_data& g) {
    cancel_group_timers(g);
    // Dynamic members that did not rejoin in time leave the group; static ones keep their place.
    std::vector<std::string> gone;
    for (const auto& [id, m] : g.members) {
        if (!m.awaiting_join && !m.group_instance_id) {
            gone.push_back(id);
        }
    }
    for (const auto& id : gone) {
        auto& m = g.members.at(id);
        _sched.cancel(m.heartbeat_timer);
        if (m.awaiting_sync) {
            sync_result r;
            r.error = error_code::unknown_member_id;
            _deferred.push_back([cb = std::move(m.awaiting_sync), r] { cb(r); });
        }
        g.members.erase(id);
        g.join_order.erase(std::remove(g.join_order.begin(), g.join_order.end(), id), g.join_order.end());
    }
    if (!g.members.empty() && (g.leader.empty() || !g.has_member(g.leader) || !g.members.at(g.leader).awaiting_join)) {
        g.leader.clear();
        for (const auto& id : g.join_order) {
            if (g.members.at(id).awaiting_join) {
                g.leader = id;
                break;
            }
        }
        if (g.leader.empty()) {
            // Only static members that have not rejoined: wait another rebalance timeout.
            g.leader = g.join_order.front();
            const std::string gid = g.id;
            const uint64_t epoch = g.timer_epoch;
            g.join_timer = _sched.schedule(_sched.now() + ms(g.max_rebalance_timeout_ms()), [this, gid, epoch] {
                std::unique_lock l(_mutex);
                if (!_stopped) {
                    on_join_timer(gid, epoch);
                }
                run_deferred(l);
            });
            return;
        }
    }
    if (g.members.empty()) {
        g.leader.clear();
    }
    ++g.generation;
    if (g.members.empty()) {
        g.protocol_name.reset();
        set_state(g, group_state::empty);
        store_group(g);
        return;
    }
    g.protocol_name = g.select_protocol();
    set_state(g, group_state::completing_rebalance);
    for (auto& [id, m] : g.members) {
        g.pending_sync.insert(id);
        if (!m.awaiting_join) {
            continue;
        }
        auto r = current_join_result(g, id, error_code::none);
        _deferred.push_back([cb = std::move(m.awaiting_join), r] { cb(r); });
        m.awaiting_join = nullptr;
        m.is_new = false;
        reset_heartbeat(g, m, m.session_timeout_ms);
    }
    // Members that do not send SyncGroup within the rebalance timeout are removed.
    const std::string gid = g.id;
    const uint64_t epoch = g.timer_epoch;
    g.sync_timer = _sched.schedule(_sched.now() + ms(g.max_rebalance_timeout_ms()), [this, gid, epoch] {
        std::unique_lock l(_mutex);
        if (!_stopped) {
            on_sync_timer(gid, epoch);
        }
        run_deferred(l);
    });
}

void group_coordinator::on_sync_timer(const std::string& group_id, uint64_t epoch) {
    group_data* g = find(group_id);
    if (!g || epoch != g->timer_epoch || g->pending_sync.empty()) {
        return;
    }
    if (!g->is(group_state::completing_rebalance) && !g->is(group_state::stable)) {
        return;
    }
    auto late = g->pending_sync;
    for (const auto& id : late) {
        if (g->has_member(id)) {
            remove_member(*g, id);
        }
    }
}

} // namespace brook::broker::group

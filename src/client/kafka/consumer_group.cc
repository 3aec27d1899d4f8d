// The consumer's group operations: subscription, offset commits (sync, async, automatic) and
// close. Membership itself is in group.cc, the async commit bookkeeping in commit_queue.cc.
#include "brook/client/kafka/consumer.h"
#include "brook/client/kafka/errc.h"
#include "brook/common/logging.h"
#include "commit_queue.h"
#include "group.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace brook::client::kafka {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr int16_t fenced_instance_id = 82;

const std::shared_ptr<spdlog::logger>& logger() {
    static const auto l = get_logger("brook.client.kafka");
    return l;
}

bool coordinator_lost(std::error_code ec) {
    if (!ec) {
        return false;
    }
    // COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, or no answer.
    return !is_kafka_error(ec) || ec.value() == 14 || ec.value() == 15 || ec.value() == 16;
}

} // namespace

std::error_code consumer::note(std::error_code ec) {
    if (is_kafka_error(ec) && ec.value() == fenced_instance_id && !_fatal) {
        logger()->error("consumer of group {} fenced: another member uses group.instance.id {}", _cfg.group_id,
                        _cfg.group_instance_id.value_or(""));
        _fatal = ec;
    }
    return ec;
}

result<void> consumer::subscribe(const std::vector<std::string>& topics) {
    if (_fatal) {
        return _fatal;
    }
    if (_cfg.group_id.empty()) {
        return make_error_code(errc::invalid_config);
    }
    for (const auto& t : topics) {
        BOOST_OUTCOME_TRY(_client.topic(t));
    }
    _parts.clear();
    _group = std::make_unique<group_membership>(_client, _cfg, topics);
    return poll_group();
}

void consumer::apply_assignment(const std::vector<topic_partition>& tps) {
    std::map<topic_partition, partition_state> next;
    for (const auto& tp : tps) {
        auto old = _parts.find(tp);
        next[tp] = old != _parts.end() ? old->second : partition_state{};
    }
    _parts = std::move(next);
}

result<void> consumer::poll_group() {
    auto changed = _group->poll([this](const std::vector<topic_partition>& revoked) {
        if (_cfg.enable_auto_commit) {
            commit_positions_quietly(revoked, "before partitions are revoked");
        }
    });
    if (!changed) {
        return note(changed.error());
    }
    if (changed.value()) {
        apply_assignment(*changed.value());
    }
    return success();
}

void consumer::commit_positions_quietly(const std::vector<topic_partition>& tps, const char* why) {
    std::map<topic_partition, int64_t> what;
    for (const auto& [tp, st] : _parts) {
        if (st.position >= 0 && (tps.empty() || std::find(tps.begin(), tps.end(), tp) != tps.end())) {
            what[tp] = st.position;
        }
    }
    if (what.empty()) {
        return;
    }
    auto r = _group ? _group->commit(what) : commit_offsets(_client, _cfg.group_id, -1, "", what);
    if (!r) {
        logger()->warn("offset commit of group {} {} failed: {}", _cfg.group_id, why, note(r.error()).message());
        return;
    }
    for (const auto& [tp, off] : what) {
        _last_auto_commit[tp] = off;
    }
}

result<void> consumer::commit_sync(const std::map<topic_partition, int64_t>& offsets) {
    if (_fatal) {
        return _fatal;
    }
    if (_cfg.group_id.empty()) {
        return make_error_code(errc::invalid_config);
    }
    run_commit_callbacks();
    std::map<topic_partition, int64_t> what = offsets;
    if (what.empty()) {
        BOOST_OUTCOME_TRY(auto cur, current_offsets());
        what = std::move(cur);
    }
    auto r = _group ? _group->commit(what) : commit_offsets(_client, _cfg.group_id, -1, "", what);
    if (!r) {
        return note(r.error());
    }
    return success();
}

result<int32_t> consumer::commit_coordinator() {
    if (_group) {
        return _group->coordinator();
    }
    if (_coordinator < 0) {
        BOOST_OUTCOME_TRY(auto node, find_group_coordinator(_client, _cfg.group_id));
        _coordinator = node;
    }
    return _coordinator;
}

void consumer::commit_async(std::function<void(std::error_code)> done) {
    commit_async({}, std::move(done));
}

void consumer::commit_async(const std::map<topic_partition, int64_t>& offsets,
                            std::function<void(std::error_code)> done) {
    if (_closed) {
        // Nothing runs callbacks after close().
        if (done) {
            done(make_error_code(errc::closed));
        }
        return;
    }
    // Every outcome, even an immediate one, goes through the queue to keep callbacks in order.
    auto finish = _commits->add(std::move(done));
    if (_fatal) {
        finish(_fatal);
        return;
    }
    if (_cfg.group_id.empty()) {
        finish(make_error_code(errc::invalid_config));
        return;
    }
    std::map<topic_partition, int64_t> what = offsets;
    if (what.empty()) {
        auto cur = current_offsets();
        if (!cur) {
            finish(cur.error());
            return;
        }
        what = std::move(cur.value());
    }
    if (what.empty()) {
        finish({});
        return;
    }
    auto node = commit_coordinator();
    if (!node) {
        finish(node.error());
        return;
    }
    auto req = _group ? _group->commit_request(what) : make_offset_commit(_cfg.group_id, -1, "", std::nullopt, what);
    send_offset_commit(_client, node.value(), std::move(req), std::move(finish));
}

size_t consumer::pending_commits() const {
    return _commits->size();
}

void consumer::run_commit_callbacks() {
    for (auto& [done, ec] : _commits->take_finished()) {
        note(ec);
        if (coordinator_lost(ec)) {
            if (_group) {
                _group->reset_coordinator_on(ec);
            } else {
                _coordinator = -1;
            }
        }
        if (done) {
            done(ec);
        }
    }
}

void consumer::maybe_auto_commit() {
    if (!_cfg.enable_auto_commit || _cfg.group_id.empty() || _closed || _fatal) {
        return;
    }
    const auto now = clock_type::now();
    if (now < _next_auto_commit) {
        return;
    }
    _next_auto_commit = now + _cfg.auto_commit_interval;
    auto cur = current_offsets();
    if (!cur || cur.value().empty() || cur.value() == _last_auto_commit) {
        return;
    }
    auto what = cur.value();
    commit_async(what, [this, what](std::error_code ec) {
        if (ec) {
            logger()->warn("auto-commit of group {} failed: {}", _cfg.group_id, ec.message());
            return;
        }
        for (const auto& [tp, off] : what) {
            _last_auto_commit[tp] = off;
        }
    });
}

result<std::map<topic_partition, int64_t>> consumer::committed(const std::vector<topic_partition>& tps) {
    if (_cfg.group_id.empty()) {
        return make_error_code(errc::invalid_config);
    }
    return fetch_offsets(_client, _cfg.group_id, tps);
}

result<void> consumer::close(std::chrono::milliseconds timeout) {
    if (_closed) {
        return success();
    }
    const auto deadline = clock_type::now() + timeout;
    if (!_fatal && !_cfg.group_id.empty() && _cfg.enable_auto_commit) {
        commit_positions_quietly({}, "on close");
    }
    _closed = true;
    for (auto& [done, ec] : _commits->take_all(deadline)) {
        note(ec);
        if (done) {
            done(ec);
        }
    }
    std::error_code first;
    if (_group) {
        if (!_fatal) {
            if (auto r = _group->leave(); !r) {
                first = r.error();
            }
        }
        _group.reset();
    }
    if (_fatal) {
        return _fatal;
    }
    if (first) {
        return first;
    }
    return success();
}

group_metadata consumer::group_info() const {
    group_metadata m;
    m.group_id = _cfg.group_id;
    m.group_instance_id = _cfg.group_instance_id;
    if (_group) {
        m.generation = _group->generation();
        m.member_id = _group->member_id();
    }
    return m;
}

} // namespace brook::client::kafka

// The consumer's group operations (membership itself is in group.cc).
#include "brook/client/kafka/consumer.h"
#include "brook/client/kafka/errc.h"
#include "group.h"

namespace brook::client::kafka {

result<void> consumer::subscribe(const std::vector<std::string>& topics) {
    if (_cfg.group_id.empty()) {
        return make_error_code(errc::invalid_config);
    }
    for (const auto& t : topics) {
        BOOST_OUTCOME_TRY(_client.topic(t));
    }
    _parts.clear();
    _group = std::make_unique<group_membership>(_client, _cfg, topics);
    BOOST_OUTCOME_TRY(auto assigned, _group->poll(*this));
    if (assigned) {
        for (const auto& tp : *assigned) {
            _parts[tp] = partition_state{};
        }
    }
    return success();
}

result<void> consumer::commit_sync(const std::map<topic_partition, int64_t>& offsets) {
    if (_cfg.group_id.empty()) {
        return make_error_code(errc::invalid_config);
    }
    std::map<topic_partition, int64_t> what = offsets;
    if (what.empty()) {
        BOOST_OUTCOME_TRY(auto cur, current_offsets());
        what = std::move(cur);
    }
    if (_group) {
        return _group->commit(what);
    }
    return commit_offsets(_client, _cfg.group_id, -1, "", what);
}

void consumer::commit_async(std::function<void(std::error_code)> done) {
    // Commits are small and rare next to fetches; the blocking path keeps ordering simple.
    auto r = commit_sync();
    if (done) {
        done(r ? std::error_code() : r.error());
    }
}

result<std::map<topic_partition, int64_t>> consumer::committed(const std::vector<topic_partition>& tps) {
    if (_cfg.group_id.empty()) {
        return make_error_code(errc::invalid_config);
    }
    return fetch_offsets(_client, _cfg.group_id, tps);
}

result<void> consumer::close() {
    if (!_group) {
        return success();
    }
    auto r = _group->leave();
    _group.reset();
    return r;
}

} // namespace brook::client::kafka

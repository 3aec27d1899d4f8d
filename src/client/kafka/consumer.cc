#include "brook/client/kafka/consumer.h"

#include "brook/client/kafka/errc.h"
#include "brook/protocol/kafka/api.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "commit_queue.h"
#include "group.h"

#include <future>
#include <thread>

namespace brook::client::kafka {

namespace pk = protocol::kafka;
using clock_type = std::chrono::steady_clock;

namespace {

int32_t leader_of(const cluster_metadata& m, const topic_partition& tp) {
    const auto* t = m.topic(tp.topic);
    if (t == nullptr || tp.partition < 0 || static_cast<size_t>(tp.partition) >= t->partitions.size()) {
        return -1;
    }
    return t->partitions[static_cast<size_t>(tp.partition)].leader;
}

// Appends the records of one partition's fetched data at or after `position`; returns the
// position after them (past control batches too).
result<int64_t> decode_records(const topic_partition& tp, bytes_view data, int64_t position,
                               std::vector<consumer_record>& out) {
    BOOST_OUTCOME_TRY(auto batches, pk::split_record_batches(data, true));
    for (auto whole : batches) {
        BOOST_OUTCOME_TRY(auto b, pk::decoded_record_batch::decode(whole, pk::default_max_decompressed_batch));
        const auto& h = b.header();
        if (h.next_offset() <= position) {
            continue;
        }
        if (h.is_control()) {
            position = h.next_offset();
            continue;
        }
        auto reader = b.records();
        while (!reader.done()) {
            BOOST_OUTCOME_TRY(auto rec, reader.next());
            const int64_t offset = h.base_offset + rec.offset_delta;
            if (offset < position) {
                continue;
            }
            consumer_record cr;
            cr.topic = tp.topic;
            cr.partition = tp.partition;
            cr.offset = offset;
            cr.timestamp_type = h.ts_type();
            cr.timestamp = h.ts_type() == pk::timestamp_type::log_append_time ? h.max_timestamp
                                                                              : h.base_timestamp + rec.timestamp_delta;
            if (rec.key) {
                cr.key = bytes(rec.key->begin(), rec.key->end());
            }
            if (rec.value) {
                cr.value = bytes(rec.value->begin(), rec.value->end());
            }
            if (rec.header_count > 0) {
                for (const auto& hv : rec.headers()) {
                    pk::record_header rh;
                    rh.key = std::string(hv.key);
                    if (hv.value) {
                        rh.value = bytes(hv.value->begin(), hv.value->end());
                    }
                    cr.headers.push_back(std::move(rh));
                }
            }
            out.push_back(std::move(cr));
        }
        position = h.next_offset();
    }
    return position;
}

} // namespace

consumer::consumer(client& c, consumer_config cfg)
    : _client(c), _cfg(std::move(cfg)), _commits(std::make_shared<commit_queue>()),
      _next_auto_commit(clock_type::now() + _cfg.auto_commit_interval) {}

consumer::~consumer() {
    (void)close();
}

result<void> consumer::assign(const std::vector<topic_partition>& partitions, int64_t start) {
    std::map<topic_partition, partition_state> next;
    for (const auto& tp : partitions) {
        BOOST_OUTCOME_TRY(auto tm, _client.topic(tp.topic));
        if (tp.partition < 0 || static_cast<size_t>(tp.partition) >= tm.partitions.size()) {
            return make_error_code(errc::unknown_topic);
        }
        partition_state st;
        st.position = start;
        next[tp] = st;
    }
    _parts = std::move(next);
    return success();
}

std::vector<topic_partition> consumer::assignment() const {
    std::vector<topic_partition> out;
    for (const auto& [tp, st] : _parts) {
        out.push_back(tp);
    }
    return out;
}

result<void> consumer::seek(const topic_partition& tp, int64_t offset) {
    auto it = _parts.find(tp);
    if (it == _parts.end()) {
        return make_error_code(errc::unknown_topic);
    }
    it->second.position = offset;
    return success();
}

result<void> consumer::seek_to_timestamp(const std::vector<topic_partition>& tps, int64_t timestamp_ms) {
    BOOST_OUTCOME_TRY(auto found, list_offsets(tps, timestamp_ms));
    std::vector<topic_partition> at_end;
    for (const auto& tp : tps) {
        auto f = found.find(tp);
        if (f == found.end() || f->second < 0) {
            at_end.push_back(tp);
        } else {
            BOOST_OUTCOME_TRY(seek(tp, f->second));
        }
    }
    for (const auto& tp : at_end) {
        BOOST_OUTCOME_TRY(seek(tp, offsets::end));
    }
    return success();
}

void consumer::pause(const std::vector<topic_partition>& tps) {
    for (const auto& tp : tps) {
        if (auto it = _parts.find(tp); it != _parts.end()) {
            it->second.paused = true;
        }
    }
}

void consumer::resume(const std::vector<topic_partition>& tps) {
    for (const auto& tp : tps) {
        if (auto it = _parts.find(tp); it != _parts.end()) {
            it->second.paused = false;
        }
    }
}

result<int64_t> consumer::position(const topic_partition& tp) {
    BOOST_OUTCOME_TRY(resolve_positions());
    auto it = _parts.find(tp);
    if (it == _parts.end()) {
        return make_error_code(errc::unknown_topic);
    }
    return it->second.position;
}

std::optional<int64_t> consumer::high_watermark(const topic_partition& tp) const {
    auto it = _parts.find(tp);
    return it == _parts.end() ? std::nullopt : it->second.high_watermark;
}

result<std::map<topic_partition, int64_t>> consumer::list_offsets(const std::vector<topic_partition>& tps,
                                                                  int64_t timestamp) {
    std::map<int32_t, pk::list_offsets_request> by_leader;
    for (const auto& tp : tps) {
        BOOST_OUTCOME_TRY(_client.topic(tp.topic));
        const int32_t leader = leader_of(*_client.metadata(), tp);
        if (leader < 0) {
            return make_error_code(errc::unknown_topic);
        }
        auto& req = by_leader[leader];
        req.replica_id = -1;
        req.isolation_level = _cfg.isolation_level;
        auto it = std::find_if(req.topics.begin(), req.topics.end(), [&](const auto& t) { return t.name == tp.topic; });
        if (it == req.topics.end()) {
            req.topics.emplace_back();
            it = std::prev(req.topics.end());
            it->name = tp.topic;
        }
        pk::list_offsets_request::list_offsets_partition p;
        p.partition_index = tp.partition;
        p.timestamp = timestamp;
        it->partitions.push_back(p);
    }
    std::map<topic_partition, int64_t> out;
    for (auto& [leader, req] : by_leader) {
        BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::list_offsets_response>(leader, pk::request_body{req}));
        for (const auto& t : resp.topics) {
            for (const auto& p : t.partitions) {
                if (p.error_code != 0) {
                    if (is_retriable(kafka_error(p.error_code))) {
                        _client.invalidate(t.name);
                    }
                    return kafka_error(p.error_code);
                }
                int64_t off = p.offset;
                if (!p.old_style_offsets.empty()) {
                    off = p.old_style_offsets.front();
                }
                out[{t.name, p.partition_index}] = off;
            }
        }
    }
    return out;
}

result<void> consumer::resolve_positions() {
    std::vector<topic_partition> stored;
    std::map<int64_t, std::vector<topic_partition>> logical;
    for (auto& [tp, st] : _parts) {
        if (st.position == offsets::stored) {
            stored.push_back(tp);
        } else if (st.position < 0) {
            logical[st.position].push_back(tp);
        }
    }
    if (!stored.empty()) {
        std::map<topic_partition, int64_t> committed_offsets;
        if (!_cfg.group_id.empty()) {
            BOOST_OUTCOME_TRY(auto c, committed(stored));
            committed_offsets = std::move(c);
        }
        const int64_t reset = _cfg.auto_offset_reset == "earliest" ? offsets::beginning : offsets::end;
        for (const auto& tp : stored) {
            auto c = committed_offsets.find(tp);
            if (c != committed_offsets.end() && c->second >= 0) {
                _parts[tp].position = c->second;
            } else if (_cfg.auto_offset_reset == "none") {
                return kafka_error(1); // OFFSET_OUT_OF_RANGE: no committed offset and no reset policy.
            } else {
                _parts[tp].position = reset;
                logical[reset].push_back(tp);
            }
        }
    }
    for (const auto& [ts, tps] : logical) {
        BOOST_OUTCOME_TRY(auto found, list_offsets(tps, ts));
        for (const auto& [tp, off] : found) {
            _parts[tp].position = off;
        }
    }
    return success();
}

result<std::vector<consumer_record>> consumer::poll(std::chrono::milliseconds timeout) {
    const auto deadline = clock_type::now() + timeout;
    std::vector<consumer_record> out;
    do {
        if (_fatal) {
            return _fatal;
        }
        run_commit_callbacks();
        maybe_auto_commit();
        if (_group) {
            BOOST_OUTCOME_TRY(poll_group());
        }
        BOOST_OUTCOME_TRY(resolve_positions());
        auto meta = _client.metadata();
        std::map<int32_t, std::vector<topic_partition>> by_leader;
        for (const auto& [tp, st] : _parts) {
            if (st.paused || st.position < 0) {
                continue;
            }
            int32_t leader = leader_of(*meta, tp);
            if (leader < 0) {
                BOOST_OUTCOME_TRY(_client.topic(tp.topic));
                leader = leader_of(*_client.metadata(), tp);
            }
            if (leader >= 0) {
                by_leader[leader].push_back(tp);
            }
        }
        if (by_leader.empty()) {
            std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
                std::chrono::milliseconds(50),
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now())));
            continue;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        const auto wait = std::clamp(left, std::chrono::milliseconds(0), _cfg.fetch_max_wait);
        std::vector<std::pair<std::vector<topic_partition>, std::future<result<pk::response_body>>>> inflight;
        for (auto& [leader, tps] : by_leader) {
            pk::fetch_request req;
            req.replica_id = -1;
            req.max_wait_ms = static_cast<int32_t>(wait.count());
            req.min_bytes = _cfg.fetch_min_bytes;
            req.max_bytes = _cfg.fetch_max_bytes;
            req.isolation_level = _cfg.isolation_level;
            req.session_id = 0;
            req.session_epoch = -1;
            for (const auto& tp : tps) {
                auto it = std::find_if(req.topics.begin(), req.topics.end(),
                                       [&](const auto& t) { return t.topic == tp.topic; });
                if (it == req.topics.end()) {
                    req.topics.emplace_back();
                    it = std::prev(req.topics.end());
                    it->topic = tp.topic;
                    if (const auto* tm = meta->topic(tp.topic)) {
                        it->topic_id = tm->topic_id;
                    }
                }
                pk::fetch_request::fetch_partition fp;
                fp.partition = tp.partition;
                fp.fetch_offset = _parts[tp].position;
                fp.partition_max_bytes = _cfg.max_partition_fetch_bytes;
                it->partitions.push_back(fp);
            }
            auto p = std::make_shared<std::promise<result<pk::response_body>>>();
            inflight.emplace_back(tps, p->get_future());
            _client.send(leader, pk::request_body{std::move(req)},
                         [p](result<pk::response_body> r) { p->set_value(std::move(r)); });
        }
        for (auto& [tps, fut] : inflight) {
            auto r = fut.get();
            if (!r) {
                if (!is_retriable(r.error())) {
                    return r.error();
                }
                continue;
            }
            const auto* resp = std::get_if<pk::fetch_response>(&r.value());
            if (resp == nullptr) {
                return make_error_code(errc::protocol_error);
            }
            if (resp->error_code != 0) {
                return kafka_error(resp->error_code);
            }
            for (const auto& t : resp->responses) {
                std::string name = t.topic;
                if (name.empty()) {
                    for (const auto& [n, tm] : meta->topics) {
                        if (tm.topic_id == t.topic_id) {
                            name = n;
                        }
                    }
                }
                for (const auto& p : t.partitions) {
                    topic_partition tp{name, p.partition_index};
                    auto st = _parts.find(tp);
                    if (st == _parts.end()) {
                        continue;
                    }
                    if (p.error_code == 1) {
                        // OFFSET_OUT_OF_RANGE: restart from auto.offset.reset.
                        if (_cfg.auto_offset_reset == "none") {
                            return kafka_error(p.error_code);
                        }
                        st->second.position = _cfg.auto_offset_reset == "earliest" ? offsets::beginning : offsets::end;
                        continue;
                    }
                    if (p.error_code != 0) {
                        if (!is_retriable(kafka_error(p.error_code))) {
                            return kafka_error(p.error_code);
                        }
                        _client.invalidate(name);
                        continue;
                    }
                    st->second.high_watermark = p.high_watermark;
                    if (p.records && !p.records->empty()) {
                        BOOST_OUTCOME_TRY(auto next, decode_records(tp, *p.records, st->second.position, out));
                        st->second.position = next;
                    }
                }
            }
        }
    } while (out.empty() && clock_type::now() < deadline);
    return out;
}

result<std::map<topic_partition, int64_t>> consumer::current_offsets() const {
    std::map<topic_partition, int64_t> out;
    for (const auto& [tp, st] : _parts) {
        if (st.position >= 0) {
            out[tp] = st.position;
        }
    }
    return out;
}

} // namespace brook::client::kafka

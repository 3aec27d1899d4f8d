#include "commit_queue.h"

#include "brook/client/kafka/errc.h"

#include <algorithm>

namespace brook::client::kafka {

namespace pk = protocol::kafka;

std::function<void(std::error_code)> commit_queue::add(callback done) {
    auto e = std::make_shared<entry>();
    e->done = std::move(done);
    {
        std::lock_guard l(_mutex);
        _entries.push_back(e);
    }
    return [self = shared_from_this(), e](std::error_code ec) {
        std::lock_guard l(self->_mutex);
        if (e->finished) {
            return;
        }
        e->finished = true;
        e->ec = ec;
        self->_cv.notify_all();
    };
}

commit_queue::finished commit_queue::take_finished() {
    finished out;
    std::lock_guard l(_mutex);
    while (!_entries.empty() && _entries.front()->finished) {
        out.emplace_back(std::move(_entries.front()->done), _entries.front()->ec);
        _entries.pop_front();
    }
    return out;
}

commit_queue::finished commit_queue::take_all(std::chrono::steady_clock::time_point deadline) {
    finished out;
    std::unique_lock l(_mutex);
    _cv.wait_until(l, deadline, [&] {
        return std::all_of(_entries.begin(), _entries.end(), [](const auto& e) { return e->finished; });
    });
    for (auto& e : _entries) {
        if (!e->finished) {
            // Marked so a late answer is ignored.
            e->finished = true;
            e->ec = make_error_code(errc::timed_out);
        }
        out.emplace_back(std::move(e->done), e->ec);
    }
    _entries.clear();
    return out;
}

size_t commit_queue::size() const {
    std::lock_guard l(_mutex);
    return _entries.size();
}

pk::offset_commit_request make_offset_commit(const std::string& group, int32_t generation, const std::string& member,
                                             const std::optional<std::string>& instance,
                                             const std::map<topic_partition, int64_t>& offsets) {
    pk::offset_commit_request req;
    req.group_id = group;
    req.generation_id_or_member_epoch = generation;
    req.member_id = member;
    req.group_instance_id = instance;
    for (const auto& [tp, off] : offsets) {
        if (req.topics.empty() || req.topics.back().name != tp.topic) {
            req.topics.emplace_back();
            req.topics.back().name = tp.topic;
        }
        pk::offset_commit_request::offset_commit_request_partition p;
        p.partition_index = tp.partition;
        p.committed_offset = off;
        req.topics.back().partitions.push_back(p);
    }
    return req;
}

std::error_code offset_commit_error(const pk::offset_commit_response& resp) {
    for (const auto& t : resp.topics) {
        for (const auto& p : t.partitions) {
            if (p.error_code != 0) {
                return kafka_error(p.error_code);
            }
        }
    }
    return {};
}

void send_offset_commit(client& c, int32_t node, pk::offset_commit_request req,
                        std::function<void(std::error_code)> done) {
    c.send(node, pk::request_body{std::move(req)}, [done = std::move(done)](result<pk::response_body> r) {
        if (!r) {
            done(r.error());
            return;
        }
        const auto* resp = std::get_if<pk::offset_commit_response>(&r.value());
        done(resp == nullptr ? make_error_code(errc::protocol_error) : offset_commit_error(*resp));
    });
}

} // namespace brook::client::kafka

#pragma once
// One reply for many asynchronous completions: the admin APIs answer each topic or resource once
// the coordinator holds the change, from whichever thread completes it; the response goes when the
// last one is in, so no network thread waits.
#include "broker/handlers/codec.h"
#include "brook/broker/dispatcher.h"

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace brook::broker::handlers {

/// Collects `count` results into a response and sends it once all are in.
template<class Response>
class reply_join {
public:
    reply_join(Response resp, size_t count, responder reply, int16_t version)
        : _resp(std::move(resp)), _left(count), _reply(std::move(reply)), _version(version) {}

    /// Records one completion; the last one sends. A join of no items sends on the first call.
    void complete_one(const std::function<void(Response&)>& fill);

private:
    std::mutex _mutex;
    Response _resp;
    size_t _left;
    responder _reply;
    int16_t _version;
};

template<class Response>
void reply_join<Response>::complete_one(const std::function<void(Response&)>& fill) {
    std::unique_lock lock(_mutex);
    fill(_resp);
    // A join of no items (a request naming no topic or resource) sends on its first call.
    if (_left != 0 && --_left != 0) {
        return;
    }
    auto body = encode(_resp, _version);
    auto reply = std::move(_reply);
    lock.unlock();
    reply.send(std::move(body));
}

/// The shape CreateTopics and CreatePartitions share: `start(i, finish)` begins the change for
/// `topics[i]` and calls `finish(outcome)` when it is done; `fill(response, i, outcome)` writes that
/// topic's entry. A name that appears twice in the request is answered `duplicate` for every
/// occurrence without acting (Kafka's rule). `resp` comes with one entry per topic.
template<class Response, class Outcome, class Topics, class Fill, class Start>
void answer_each_topic(const Topics& topics, Response resp, responder reply, int16_t version, const Outcome& duplicate,
                       Fill fill, Start start) {
    auto join = std::make_shared<reply_join<Response>>(std::move(resp), topics.size(), std::move(reply), version);
    std::multiset<std::string> names;
    for (const auto& t : topics) {
        names.insert(t.name);
    }
    for (size_t i = 0; i < topics.size(); ++i) {
        auto finish = [join, i, fill](Outcome o) { join->complete_one([&](Response& out) { fill(out, i, o); }); };
        if (names.count(topics[i].name) > 1) {
            finish(duplicate);
            continue;
        }
        start(i, std::move(finish));
    }
    if (topics.empty()) {
        join->complete_one([](Response&) {});
    }
}

} // namespace brook::broker::handlers

#include "brook/client/kafka/producer.h"

#include "batch_encoder.h"
#include "brook/client/kafka/errc.h"
#include "brook/client/kafka/partitioner.h"
#include "brook/common/logging.h"

#include <boost/asio.hpp>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace brook::client::kafka {

namespace asio = boost::asio;
namespace pk = protocol::kafka;
using clock_type = std::chrono::steady_clock;

namespace {

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A batch of one partition: open while records are appended, then closed (encoded, compressed)
// and queued for the sender, possibly several times when retried.
struct batch {
    std::string topic;
    int32_t partition = 0;
    batch_encoder encoder;
    std::vector<delivery_callback> callbacks;
    std::vector<int64_t> timestamps;
    clock_type::time_point linger_deadline;
    clock_type::time_point delivery_deadline;
    clock_type::time_point retry_at;
    bytes encoded;
    size_t accounted = 0;
    int attempts = 0;
};

using batch_ptr = std::unique_ptr<batch>;

struct topic_state {
    int32_t partitions = 0;
    sticky_partitioner sticky;
    std::vector<batch_ptr> open;
};

} // namespace

struct producer::impl : std::enable_shared_from_this<impl> {
    client& cl;
    producer_config cfg;
    asio::steady_timer timer;

    std::mutex mu;
    std::condition_variable cv;
    std::unordered_map<std::string, topic_state> topics;
    std::deque<batch_ptr> ready;
    size_t buffered = 0;
    uint64_t outstanding = 0;
    int flushing = 0;
    bool wake_posted = false;
    bool closing = false;
    producer_stats st;

    // Network thread only.
    std::map<int32_t, int> in_flight;
    clock_type::time_point timer_at = clock_type::time_point::max();
    bool refreshing = false;

    impl(client& c, producer_config p) : cl(c), cfg(std::move(p)), timer(c.io()) {}

    // REQUIRES: mu held. Encodes the open batch of `t`/`p` and queues it for the sender.
    void close_batch(topic_state& ts, batch_ptr& b) {
        if (!b || b->encoder.empty()) {
            return;
        }
        auto enc = b->encoder.finish(cfg.compression);
        if (!enc) {
            // A codec failure is not retriable: report it for every record of the batch.
            fail_later(std::move(b), enc.error());
            return;
        }
        b->encoded = std::move(enc.value());
        if (ts.sticky.current(ts.partitions) == b->partition) {
            ts.sticky.batch_closed(ts.partitions);
        }
        ready.push_back(std::move(b));
    }

    // REQUIRES: mu held. Reports `ec` for the batch's records on the network thread.
    void fail_later(batch_ptr b, std::error_code ec) {
        auto shared = std::shared_ptr<batch>(std::move(b));
        asio::post(cl.io(), [self = shared_from_this(), shared, ec] { self->complete(*shared, ec, -1); });
    }

    // REQUIRES: mu held.
    void wake() {
        if (!wake_posted) {
            wake_posted = true;
            asio::post(cl.io(), [self = shared_from_this()] { self->run_sender(); });
        }
    }

    result<void> produce(std::string_view topic_name, const record_ref& rec, delivery_callback cb) {
        std::string topic(topic_name);
        int32_t partitions = 0;
        {
            std::lock_guard lock(mu);
            auto it = topics.find(topic);
            if (it != topics.end()) {
                partitions = it->second.partitions;
            }
        }
        if (partitions == 0) {
            BOOST_OUTCOME_TRY(auto tm, cl.topic(topic, true));
            partitions = static_cast<int32_t>(tm.partitions.size());
        }
        if (rec.partition && (*rec.partition < 0 || *rec.partition >= partitions)) {
            return make_error_code(errc::unknown_topic);
        }
        const int64_t ts = rec.timestamp >= 0 ? rec.timestamp : now_ms();
        std::unique_lock lock(mu);
        if (closing) {
            return make_error_code(errc::closed);
        }
        cv.wait(lock, [&] { return buffered < cfg.buffer_memory || closing; });
        auto& tstate = topics[topic];
        if (tstate.partitions == 0) {
            tstate.partitions = partitions;
            tstate.open.resize(static_cast<size_t>(partitions));
        }
        int32_t p = 0;
        if (rec.partition) {
            p = *rec.partition;
        } else if (rec.key) {
            p = partition_for_key(*rec.key, tstate.partitions);
        } else {
            p = tstate.sticky.current(tstate.partitions);
        }
        auto& slot = tstate.open[static_cast<size_t>(p)];
        const size_t rsize = batch_encoder::record_size(0, 0, rec.key, rec.value, rec.headers);
        if (slot && !slot->encoder.empty() && slot->encoder.size_bytes() + rsize > cfg.batch_size) {
            close_batch(tstate, slot);
            if (!rec.partition && !rec.key) {
                // The sticky partition moved on with the closed batch.
                p = tstate.sticky.current(tstate.partitions);
            }
        }
        auto& target = tstate.open[static_cast<size_t>(p)];
        bool new_batch = false;
        if (!target) {
            target = std::make_unique<batch>();
            target->topic = topic;
            target->partition = p;
            const auto now = clock_type::now();
            target->linger_deadline = now + cfg.linger;
            target->delivery_deadline = now + cfg.delivery_timeout;
            new_batch = true;
        }
        const size_t before = target->encoder.size_bytes();
        target->encoder.append(ts, rec.key, rec.value, rec.headers);
        target->callbacks.push_back(std::move(cb));
        target->timestamps.push_back(ts);
        const size_t added = target->encoder.size_bytes() - before;
        target->accounted += added;
        buffered += added;
        ++outstanding;
        const bool full = target->encoder.size_bytes() >= cfg.batch_size;
        if (full) {
            close_batch(tstate, target);
        }
        if (full || (new_batch && cfg.linger.count() == 0)) {
            wake();
        } else if (new_batch) {
            // Arms the linger timer on the network thread.
            wake();
        }
        return success();
    }

    // Network thread.
    void run_sender() {
        const auto now = clock_type::now();
        auto meta = cl.metadata();
        std::map<int32_t, std::vector<batch_ptr>> by_node;
        std::set<std::string> missing;
        clock_type::time_point next = clock_type::time_point::max();
        {
            std::lock_guard lock(mu);
            wake_posted = false;
            for (auto& [name, ts] : topics) {
                for (auto& slot : ts.open) {
                    if (!slot) {
                        continue;
                    }
                    if (flushing > 0 || closing || slot->linger_deadline <= now) {
                        close_batch(ts, slot);
                    } else {
                        next = std::min(next, slot->linger_deadline);
                    }
                }
            }
            // Takes at most one batch per partition per request, oldest first, while the broker
            // has room for more requests.
            std::set<std::pair<std::string_view, int32_t>> taken;
            std::map<int32_t, size_t> request_bytes;
            std::deque<batch_ptr> keep;
            while (!ready.empty()) {
                auto b = std::move(ready.front());
                ready.pop_front();
                const auto key = std::make_pair(std::string_view(b->topic), b->partition);
                if (b->retry_at > now) {
                    next = std::min(next, b->retry_at);
                    taken.insert(key);
                    keep.push_back(std::move(b));
                    continue;
                }
                if (taken.count(key) != 0) {
                    keep.push_back(std::move(b));
                    continue;
                }
                int32_t leader = -1;
                if (const auto* tm = meta->topic(b->topic);
                    tm != nullptr && static_cast<size_t>(b->partition) < tm->partitions.size()) {
                    leader = tm->partitions[static_cast<size_t>(b->partition)].leader;
                }
                if (leader < 0) {
                    missing.insert(b->topic);
                    taken.insert(key);
                    keep.push_back(std::move(b));
                    continue;
                }
                auto& reqs = by_node[leader];
                const size_t size = b->encoded.size();
                if (in_flight[leader] >= cfg.max_in_flight ||
                    (!reqs.empty() && request_bytes[leader] + size > cfg.max_request_size)) {
                    taken.insert(key);
                    keep.push_back(std::move(b));
                    continue;
                }
                taken.insert(key);
                request_bytes[leader] += size;
                reqs.push_back(std::move(b));
            }
            ready = std::move(keep);
        }
        for (auto& [node, batches] : by_node) {
            if (!batches.empty()) {
                send_request(node, std::move(batches));
            }
        }
        if (!missing.empty() && !refreshing) {
            refreshing = true;
            cl.refresh_metadata_async(std::vector<std::string>(missing.begin(), missing.end()), true,
                                      [self = shared_from_this()](std::error_code) {
                                          self->refreshing = false;
                                          self->arm_timer(clock_type::now() + self->cfg.retry_backoff);
                                      });
        }
        if (next != clock_type::time_point::max()) {
            arm_timer(next);
        }
        // A request may have gone out while in_flight was full for another: nothing else to do;
        // completions call run_sender again.
    }

    void arm_timer(clock_type::time_point at) {
        if (at >= timer_at && timer_at > clock_type::now()) {
            return;
        }
        timer_at = at;
        timer.expires_at(at);
        timer.async_wait([self = shared_from_this()](std::error_code ec) {
            if (ec) {
                return;
            }
            self->timer_at = clock_type::time_point::max();
            self->run_sender();
        });
    }

    void send_request(int32_t node, std::vector<batch_ptr> batches) {
        pk::produce_request req;
        req.acks = cfg.acks;
        req.timeout_ms = static_cast<int32_t>(cfg.delivery_timeout.count());
        size_t bytes_total = 0;
        for (auto& b : batches) {
            auto it = std::find_if(req.topic_data.begin(), req.topic_data.end(),
                                   [&](const auto& t) { return t.name == b->topic; });
            if (it == req.topic_data.end()) {
                req.topic_data.emplace_back();
                it = std::prev(req.topic_data.end());
                it->name = b->topic;
            }
            pk::produce_request::partition_produce_data pd;
            pd.index = b->partition;
            // The batch keeps its bytes for a retry; the request gets a copy.
            pd.records = b->encoded;
            bytes_total += b->encoded.size();
            it->partition_data.push_back(std::move(pd));
            ++b->attempts;
        }
        ++in_flight[node];
        {
            std::lock_guard lock(mu);
            ++st.requests_sent;
            st.batches_sent += batches.size();
            st.bytes_sent += bytes_total;
        }
        auto shared = std::make_shared<std::vector<batch_ptr>>(std::move(batches));
        cl.send(
            node, pk::request_body{std::move(req)},
            [self = shared_from_this(), node, shared](result<pk::response_body> r) {
                --self->in_flight[node];
                self->on_response(node, std::move(*shared), std::move(r));
                self->run_sender();
            },
            cfg.acks != 0);
    }

    void on_response(int32_t /*node*/, std::vector<batch_ptr> batches, result<pk::response_body> r) {
        const pk::produce_response* resp = nullptr;
        if (r) {
            resp = std::get_if<pk::produce_response>(&r.value());
        }
        for (auto& b : batches) {
            std::error_code ec;
            int64_t base = -1;
            if (!r) {
                ec = r.error();
            } else if (cfg.acks == 0) {
                ec = {};
            } else if (resp == nullptr) {
                ec = errc::protocol_error;
            } else {
                ec = errc::protocol_error;
                for (const auto& t : resp->responses) {
                    if (t.name != b->topic) {
                        continue;
                    }
                    for (const auto& p : t.partition_responses) {
                        if (p.index == b->partition) {
                            ec = kafka_error(p.error_code);
                            base = p.base_offset;
                        }
                    }
                }
            }
            if (ec && is_retriable(ec) && b->attempts <= cfg.retries && clock_type::now() < b->delivery_deadline) {
                cl.invalidate(b->topic);
                b->retry_at = clock_type::now() + cfg.retry_backoff;
                std::lock_guard lock(mu);
                ++st.retries;
                // Back at the front, ahead of later batches of the same partition.
                ready.push_front(std::move(b));
                continue;
            }
            complete(*b, ec, base);
        }
    }

    // Network thread: runs the callbacks of `b` and releases its buffer space.
    void complete(batch& b, std::error_code ec, int64_t base_offset) {
        delivery_report rep;
        rep.topic = b.topic;
        rep.partition = b.partition;
        for (size_t i = 0; i < b.callbacks.size(); ++i) {
            if (b.callbacks[i]) {
                rep.offset = ec || base_offset < 0 ? -1 : base_offset + static_cast<int64_t>(i);
                rep.timestamp = b.timestamps[i];
                b.callbacks[i](ec, rep);
            }
        }
        std::lock_guard lock(mu);
        buffered -= b.accounted;
        outstanding -= b.callbacks.size();
        if (!ec) {
            st.records_sent += b.callbacks.size();
        }
        cv.notify_all();
    }
};

producer::producer(client& c, producer_config cfg) : _impl(std::make_shared<impl>(c, std::move(cfg))) {
    const auto& p = _impl->cfg;
    if (p.acks != 0 && p.acks != 1 && p.acks != -1) {
        throw std::invalid_argument("acks must be 0, 1 or -1 (all)");
    }
    if (p.batch_size == 0 || p.max_in_flight <= 0) {
        throw std::invalid_argument("batch.size and max.in.flight must be positive");
    }
}

producer::~producer() {
    auto r = flush(_impl->cfg.delivery_timeout);
    if (!r) {
        get_logger("brook.client.kafka")->warn("producer closed with records undelivered: {}", r.error().message());
    }
    std::lock_guard lock(_impl->mu);
    _impl->closing = true;
    _impl->cv.notify_all();
    asio::post(_impl->cl.io(), [self = _impl] { self->timer.cancel(); });
}

result<void> producer::produce(std::string_view topic, const record_ref& record, delivery_callback cb) {
    return _impl->produce(topic, record, std::move(cb));
}

std::future<result<record_metadata>> producer::send(std::string_view topic, const record_ref& record) {
    auto p = std::make_shared<std::promise<result<record_metadata>>>();
    auto fut = p->get_future();
    auto r = produce(topic, record, [p](std::error_code ec, const delivery_report& rep) {
        if (ec) {
            p->set_value(ec);
        } else {
            p->set_value(record_metadata{std::string(rep.topic), rep.partition, rep.offset, rep.timestamp});
        }
    });
    if (!r) {
        p->set_value(r.error());
    }
    return fut;
}

result<void> producer::flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(_impl->mu);
    ++_impl->flushing;
    _impl->wake();
    const bool done = _impl->cv.wait_for(lock, timeout, [&] { return _impl->outstanding == 0; });
    --_impl->flushing;
    if (!done) {
        return make_error_code(errc::timed_out);
    }
    return success();
}

producer_stats producer::stats() const {
    std::lock_guard lock(_impl->mu);
    return _impl->st;
}

} // namespace brook::client::kafka

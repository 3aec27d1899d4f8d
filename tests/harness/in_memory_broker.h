#pragma once
// A broker's request path in one process without sockets or a coordinator: logs in a directory
// of the caller's, the metadata store, a controller whose metadata_writer keeps everything in
// memory, the purgatory, the fetch session cache and the group service on a manual clock. Frames
// go through the dispatcher the network layer uses; replies are collected per request.
//
// Used by the broker's unit tests and by the request fuzzer (tests/fuzz/broker_request_fuzz.cc).
// Single-threaded use: requests are sent and settle() is called from one thread (replies of
// expired fetches are completed on that thread too, by settle()).
#include "broker/broker_context.h"
#include "broker/controller.h"
#include "broker/fetch_session.h"
#include "broker/group/group_service.h"
#include "broker/group/scheduler.h"
#include "broker/handlers/handlers.h"
#include "broker/log_store.h"
#include "broker/metadata_store.h"
#include "broker/metadata_writer.h"
#include "broker/partition_manager.h"
#include "broker/purgatory.h"
#include "brook/broker/config.h"
#include "brook/broker/dispatcher.h"
#include "brook/broker/errc.h"

#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace brook::test {

/// Stores what the controller publishes in memory. Completions are queued and run by
/// run_completions(), as the coordinator link runs them later on its own thread (never inside
/// the caller, which may hold its locks).
class memory_metadata_writer final : public broker::metadata_writer {
public:
    void publish_topic(const broker::topic_metadata& t, write_done done) override {
        std::lock_guard lock(_mutex);
        const bool added = _topics.insert(t.name).second;
        queue(std::move(done),
              added ? result<void>(success()) : result<void>(make_error_code(broker::errc::topic_exists)));
    }
    void publish_partitions(const broker::topic_metadata&, size_t, write_done done) override {
        std::lock_guard lock(_mutex);
        queue(std::move(done), success());
    }
    void request_delete(const std::string& name, write_done done) override {
        // The elected controller removes the topic's records at once here.
        std::lock_guard lock(_mutex);
        _topics.erase(name);
        _configs.erase({"topics", name});
        queue(std::move(done), success());
    }
    void write_config(const std::string& type, const std::string& name,
                      const std::map<std::string, std::string>& configs, write_done done) override {
        std::lock_guard lock(_mutex);
        _configs[{type, name}] = configs;
        queue(std::move(done), success());
    }
    result<std::map<std::string, std::string>> load_config(const std::string& type, const std::string& name) override {
        std::lock_guard lock(_mutex);
        auto it = _configs.find({type, name});
        return it == _configs.end() ? std::map<std::string, std::string>{} : it->second;
    }

    /// Runs the queued completions (and those they queue); returns how many ran.
    size_t run_completions() {
        size_t ran = 0;
        for (;;) {
            std::pair<write_done, result<void>> next{nullptr, success()};
            {
                std::lock_guard lock(_mutex);
                if (_pending.empty()) {
                    return ran;
                }
                next = std::move(_pending.front());
                _pending.pop_front();
            }
            next.first(std::move(next.second));
            ++ran;
        }
    }

private:
    void queue(write_done done, result<void> r) {
        if (done) {
            _pending.emplace_back(std::move(done), std::move(r));
        }
    }

    std::mutex _mutex;
    std::set<std::string> _topics;
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> _configs;
    std::deque<std::pair<write_done, result<void>>> _pending;
};

/// Collects the replies of one connection's requests by sequence number; counts completions so
/// that a request answered twice is seen.
class reply_collector final : public broker::response_sink {
public:
    void complete(uint64_t sequence, broker::handler_reply reply) override {
        std::lock_guard lock(_mutex);
        if (!_replies.emplace(sequence, std::move(reply)).second) {
            ++_duplicates;
        }
    }
    std::optional<broker::handler_reply> take(uint64_t sequence) {
        std::lock_guard lock(_mutex);
        auto it = _replies.find(sequence);
        if (it == _replies.end()) {
            return std::nullopt;
        }
        auto out = std::move(it->second);
        _replies.erase(it);
        return out;
    }
    bool has(uint64_t sequence) const {
        std::lock_guard lock(_mutex);
        return _replies.count(sequence) != 0;
    }
    size_t duplicates() const {
        std::lock_guard lock(_mutex);
        return _duplicates;
    }

private:
    mutable std::mutex _mutex;
    std::map<uint64_t, broker::handler_reply> _replies;
    size_t _duplicates = 0;
};

class in_memory_broker {
public:
    static constexpr int32_t node_id = 1;

    /// `dir` (the log dir) must exist and be empty; `settings` override the broker defaults
    /// (server.properties keys). Throws std::runtime_error when the logs cannot be opened.
    explicit in_memory_broker(const std::filesystem::path& dir,
                              const std::vector<std::pair<std::string, std::string>>& settings = {})
        : _cfg(broker::broker_config_registry()) {
        _cfg.set("log.dirs", dir.string());
        for (const auto& [k, v] : settings) {
            if (auto problem = _cfg.set(k, v)) {
                throw std::runtime_error("bad test setting " + k);
            }
        }
        _logs = std::make_unique<broker::log_store>(dir, broker::log_config_from(_cfg),
                                                    _cfg.get_long("log.retention.check.interval.ms"));
        if (!_logs->open()) {
            throw std::runtime_error("cannot open the log dir " + dir.string());
        }
        _metadata.set_cluster_id("in-memory-cluster-id0");
        _metadata.set_controller(node_id);
        _metadata.upsert_broker({node_id, "localhost", 9092, std::nullopt});
        _topics = std::make_unique<broker::controller>(node_id, _cfg.get_int("num.partitions"),
                                                       static_cast<int16_t>(_cfg.get_int("default.replication.factor")),
                                                       _metadata, _partitions, *_logs);
        _topics->attach(&_writer);
        if (!_topics->restore_configs(_cfg)) {
            throw std::runtime_error("cannot restore configs");
        }
        broker::broker_settings s;
        s.node_id = node_id;
        s.auto_create_topics = _cfg.get_bool("auto.create.topics.enable");
        s.delete_topic_enable = _cfg.get_bool("delete.topic.enable");
        s.message_max_bytes = _cfg.get_int("message.max.bytes");
        s.min_insync_replicas = _cfg.get_int("min.insync.replicas");
        s.fetch_max_bytes = _cfg.get_int("fetch.max.bytes");
        _context.emplace(broker::broker_context{s, _cfg, _metadata, _partitions, *_topics, _waiting, _sessions});
        _groups = std::make_unique<broker::group::group_service>(_cfg, node_id, _metadata, _partitions, *_topics,
                                                                 _waiting, _timers);
        _groups->start();
        _context->groups = _groups.get();
        broker::handlers::install(_dispatch, *_context);
    }

    ~in_memory_broker() {
        _waiting.shutdown();
        _groups->stop();
        _writer.run_completions();
        _logs->close();
    }
    in_memory_broker(const in_memory_broker&) = delete;
    in_memory_broker& operator=(const in_memory_broker&) = delete;

    /// Creates a topic as CreateTopics would; false when the controller refuses it.
    bool create_topic(const std::string& name, int32_t partitions) {
        broker::topic_request req;
        req.name = name;
        req.partitions = partitions;
        return _topics->create_topic(req).error == protocol::kafka::error_code::none;
    }

    /// Dispatches one request frame (without the size prefix; at least 8 bytes) as the
    /// connection does; returns its sequence number for reply().
    uint64_t send(bytes frame) {
        auto prefix = broker::request_prefix::parse(frame);
        if (!prefix) {
            throw std::logic_error("frame shorter than a request prefix");
        }
        const uint64_t sequence = _next_sequence++;
        broker::request r{*prefix, std::move(frame), &_connection};
        _dispatch.dispatch(std::move(r), broker::responder(_replies, sequence));
        return sequence;
    }

    /// Completes whatever waits: queued metadata writes, parked fetches (as at their deadline) and
    /// the group timers up to `advance` from now (sessions, rebalances, offset retention).
    void settle(std::chrono::milliseconds advance = std::chrono::hours(24 * 25)) {
        _writer.run_completions();
        _waiting.expire_all();
        _timers.advance(advance);
        _writer.run_completions();
        _waiting.expire_all();
    }

    bool answered(uint64_t sequence) const { return _replies->has(sequence); }
    std::optional<broker::handler_reply> reply(uint64_t sequence) { return _replies->take(sequence); }
    size_t duplicate_replies() const { return _replies->duplicates(); }

    broker::controller& controller() noexcept { return *_topics; }
    broker::metadata_store& metadata() noexcept { return _metadata; }
    broker::purgatory& waiting() noexcept { return _waiting; }

    /// The response frame as a client reads it: correlation id, then the chunks (file regions
    /// read from their files). nullopt when a file region cannot be read whole.
    static std::optional<bytes> response_frame(int32_t correlation_id, const broker::response& r) {
        bytes out(4);
        for (int i = 0; i < 4; ++i) {
            out[static_cast<size_t>(i)] = static_cast<uint8_t>(static_cast<uint32_t>(correlation_id) >> (24 - 8 * i));
        }
        for (const auto& chunk : r.chunks()) {
            if (const auto* b = std::get_if<bytes>(&chunk)) {
                out.insert(out.end(), b->begin(), b->end());
                continue;
            }
            const auto& region = std::get<broker::file_region>(chunk);
            const size_t at = out.size();
            out.resize(at + region.length);
            size_t done = 0;
            while (done < region.length) {
                const ssize_t n = ::pread(region.fd, out.data() + at + done, region.length - done,
                                          static_cast<off_t>(region.offset + static_cast<int64_t>(done)));
                if (n <= 0) {
                    return std::nullopt;
                }
                done += static_cast<size_t>(n);
            }
        }
        return out;
    }

private:
    config_values _cfg;
    std::unique_ptr<broker::log_store> _logs;
    broker::metadata_store _metadata;
    broker::partition_manager _partitions;
    broker::purgatory _waiting;
    broker::fetch_session_cache _sessions{broker::fetch_session_config{}};
    memory_metadata_writer _writer;
    std::unique_ptr<broker::controller> _topics;
    broker::group::manual_scheduler _timers;
    std::unique_ptr<broker::group::group_service> _groups;
    std::optional<broker::broker_context> _context;
    broker::dispatcher _dispatch;
    std::shared_ptr<reply_collector> _replies = std::make_shared<reply_collector>();
    broker::connection_info _connection{1, "PLAINTEXT", "127.0.0.1:1"};
    uint64_t _next_sequence = 1;
};

} // namespace brook::test

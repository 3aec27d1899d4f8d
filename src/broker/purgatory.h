#pragma once
// Requests that wait for an event: long-polling fetches (new data) and, with replication, acks=all
// produces (high watermark advance). Kafka calls this the purgatory.
//
// An operation watches keys ("topic/partition"); an append calls notify(key), which tries to
// complete the operations watching it on the caller's thread. Each operation also has a deadline;
// one expiry thread completes operations whose deadline passed. Nothing polls: a waiting fetch
// costs no CPU until data arrives or time is up.
//
// Completion happens once: try_complete() and expiry race through claim(). Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace brook::broker {

class delayed_operation {
public:
    virtual ~delayed_operation() = default;
    /// Completes the operation if its condition holds (calling claim() first); returns whether the
    /// operation is complete now.
    virtual bool try_complete() = 0;
    /// The deadline passed: complete with what there is. Called only after a successful claim().
    virtual void on_expire() = 0;

    /// True for exactly one caller: the one that must complete the operation.
    bool claim() noexcept { return !_done.exchange(true); }
    bool done() const noexcept { return _done.load(); }

private:
    std::atomic<bool> _done{false};
};

class purgatory {
public:
    purgatory();
    ~purgatory();
    purgatory(const purgatory&) = delete;
    purgatory& operator=(const purgatory&) = delete;

    /// Watches `keys` until `deadline`, then re-checks once so that an event between the caller's
    /// own check and this call is not lost.
    void park(std::shared_ptr<delayed_operation> op, const std::vector<std::string>& keys,
              std::chrono::steady_clock::time_point deadline);

    /// Tries to complete the operations watching `key`.
    void notify(const std::string& key);

    /// Expires every waiting operation now and stops the expiry thread (broker shutdown).
    void shutdown();
    /// Expires every waiting operation now, on the caller's thread, as if its deadline had passed;
    /// the purgatory stays usable (tests and the request fuzzer, which do not wait for deadlines).
    void expire_all();

    size_t watched() const;

private:
    struct deadline_entry {
        std::chrono::steady_clock::time_point at;
        std::weak_ptr<delayed_operation> op;
        bool operator>(const deadline_entry& o) const noexcept { return at > o.at; }
    };
    void expiry_loop();

    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::unordered_map<std::string, std::vector<std::weak_ptr<delayed_operation>>> _watchers;
    std::priority_queue<deadline_entry, std::vector<deadline_entry>, std::greater<>> _deadlines;
    /// Keeps parked operations alive until they complete or expire.
    std::unordered_map<delayed_operation*, std::shared_ptr<delayed_operation>> _parked;
    bool _stopping = false;
    std::thread _expiry;
};

} // namespace brook::broker

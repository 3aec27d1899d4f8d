#pragma once
// Timers of the group coordinator (session expiry, rebalance deadlines, the initial rebalance
// delay, offset expiry), behind an interface so the state machine runs under a fake clock in tests.
//
// Callbacks run on the scheduler's own thread (thread_scheduler) or inside advance() (tests),
// never inside schedule(); they must take whatever locks they need. cancel() is best effort: a
// callback already running or about to run may still run, so callbacks re-check their state.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace brook::broker::group {

using steady_time = std::chrono::steady_clock::time_point;

class scheduler {
public:
    virtual ~scheduler() = default;
    virtual steady_time now() const = 0;
    /// Wall-clock milliseconds since the epoch (commit timestamps, retention).
    virtual int64_t wall_ms() const = 0;
    /// Runs `fn` at or after `at`; returns an id for cancel(). Never 0.
    virtual uint64_t schedule(steady_time at, std::function<void()> fn) = 0;
    virtual void cancel(uint64_t id) = 0;
};

/// Real clocks; one thread runs due callbacks in deadline order.
class thread_scheduler final : public scheduler {
public:
    thread_scheduler();
    ~thread_scheduler() override;
    thread_scheduler(const thread_scheduler&) = delete;
    thread_scheduler& operator=(const thread_scheduler&) = delete;

    steady_time now() const override;
    int64_t wall_ms() const override;
    uint64_t schedule(steady_time at, std::function<void()> fn) override;
    void cancel(uint64_t id) override;
    /// Drops pending callbacks and joins the thread. Idempotent.
    void stop();

private:
    void run();

    std::mutex _mutex;
    std::condition_variable _wake;
    std::multimap<steady_time, uint64_t> _by_time;
    std::map<uint64_t, std::pair<steady_time, std::function<void()>>> _by_id;
    uint64_t _next_id = 1;
    bool _stopping = false;
    std::thread _thread;
};

/// A manual clock for tests: time moves only in advance(), which runs due callbacks in order.
class manual_scheduler final : public scheduler {
public:
    steady_time now() const override { return _now; }
    int64_t wall_ms() const override;
    uint64_t schedule(steady_time at, std::function<void()> fn) override;
    void cancel(uint64_t id) override;
    /// Moves the clock forward by `d`, running every callback due on the way.
    void advance(std::chrono::milliseconds d);
    size_t pending() const { return _by_id.size(); }

private:
    steady_time _now{std::chrono::hours(1)};
    std::map<uint64_t, std::pair<steady_time, std::function<void()>>> _by_id;
    uint64_t _next_id = 1;
};

} // namespace brook::broker::group

#include "broker/group/scheduler.h"

namespace brook::broker::group {

thread_scheduler::thread_scheduler() : _thread([this] { run(); }) {}

thread_scheduler::~thread_scheduler() {
    stop();
}

steady_time thread_scheduler::now() const {
    return std::chrono::steady_clock::now();
}

int64_t thread_scheduler::wall_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

uint64_t thread_scheduler::schedule(steady_time at, std::function<void()> fn) {
    std::lock_guard lock(_mutex);
    const uint64_t id = _next_id++;
    _by_id.emplace(id, std::make_pair(at, std::move(fn)));
    _by_time.emplace(at, id);
    _wake.notify_one();
    return id;
}

void thread_scheduler::cancel(uint64_t id) {
    std::lock_guard lock(_mutex);
    auto it = _by_id.find(id);
    if (it == _by_id.end()) {
        return;
    }
    auto [lo, hi] = _by_time.equal_range(it->second.first);
    for (auto t = lo; t != hi; ++t) {
        if (t->second == id) {
            _by_time.erase(t);
            break;
        }
    }
    _by_id.erase(it);
}

void thread_scheduler::stop() {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) {
            return;
        }
        _stopping = true;
        _by_time.clear();
        _by_id.clear();
    }
    _wake.notify_one();
    if (_thread.joinable()) {
        _thread.join();
    }
}

void thread_scheduler::run() {
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        if (_by_time.empty()) {
            _wake.wait(lock);
            continue;
        }
        auto first = _by_time.begin();
        if (first->first > std::chrono::steady_clock::now()) {
            _wake.wait_until(lock, first->first);
            continue;
        }
        const uint64_t id = first->second;
        _by_time.erase(first);
        auto it = _by_id.find(id);
        auto fn = std::move(it->second.second);
        _by_id.erase(it);
        // The callback takes the coordinator's lock, which may be held by a caller of schedule().
        lock.unlock();
        fn();
        lock.lock();
    }
}

int64_t manual_scheduler::wall_ms() const {
    return 1'700'000'000'000 + std::chrono::duration_cast<std::chrono::milliseconds>(_now.time_since_epoch()).count();
}

uint64_t manual_scheduler::schedule(steady_time at, std::function<void()> fn) {
    const uint64_t id = _next_id++;
    _by_id.emplace(id, std::make_pair(at, std::move(fn)));
    return id;
}

void manual_scheduler::cancel(uint64_t id) {
    _by_id.erase(id);
}

void manual_scheduler::advance(std::chrono::milliseconds d) {
    const steady_time end = _now + d;
    for (;;) {
        auto due = _by_id.end();
        for (auto it = _by_id.begin(); it != _by_id.end(); ++it) {
            if (it->second.first <= end && (due == _by_id.end() || it->second.first < due->second.first)) {
                due = it;
            }
        }
        if (due == _by_id.end()) {
            break;
        }
        _now = std::max(_now, due->second.first);
        auto fn = std::move(due->second.second);
        _by_id.erase(due);
        fn();
    }
    _now = end;
}

} // namespace brook::broker::group

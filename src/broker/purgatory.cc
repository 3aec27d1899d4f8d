#include "broker/purgatory.h"

namespace brook::broker {

purgatory::purgatory() : _expiry([this] { expiry_loop(); }) {}

purgatory::~purgatory() {
    shutdown();
}

void purgatory::park(std::shared_ptr<delayed_operation> op, const std::vector<std::string>& keys,
                     std::chrono::steady_clock::time_point deadline) {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) {
            if (op->claim()) {
                op->on_expire();
            }
            return;
        }
        for (const auto& k : keys) {
            auto& list = _watchers[k];
            // Drop finished watchers as we go so that lists of busy keys stay short.
            std::erase_if(list, [](const std::weak_ptr<delayed_operation>& w) {
                auto p = w.lock();
                return !p || p->done();
            });
            list.push_back(op);
        }
        _parked.emplace(op.get(), op);
        bool earliest = _deadlines.empty() || deadline < _deadlines.top().at;
        _deadlines.push({deadline, op});
        if (earliest) {
            _wake.notify_one();
        }
    }
    if (op->try_complete()) {
        std::lock_guard lock(_mutex);
        _parked.erase(op.get());
    }
}

void purgatory::notify(const std::string& key) {
    std::vector<std::shared_ptr<delayed_operation>> candidates;
    {
        std::lock_guard lock(_mutex);
        auto it = _watchers.find(key);
        if (it == _watchers.end()) {
            return;
        }
        for (auto& w : it->second) {
            if (auto p = w.lock(); p && !p->done()) {
                candidates.push_back(std::move(p));
            }
        }
        it->second.clear();
        for (auto& p : candidates) {
            it->second.push_back(p);
        }
    }
    std::vector<delayed_operation*> finished;
    for (auto& op : candidates) {
        if (op->try_complete()) {
            finished.push_back(op.get());
        }
    }
    if (!finished.empty()) {
        std::lock_guard lock(_mutex);
        for (auto* p : finished) {
            _parked.erase(p);
        }
    }
}

void purgatory::expiry_loop() {
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        if (_deadlines.empty()) {
            _wake.wait(lock);
            continue;
        }
        auto next = _deadlines.top().at;
        if (std::chrono::steady_clock::now() < next) {
            _wake.wait_until(lock, next);
            continue;
        }
        auto op = _deadlines.top().op.lock();
        _deadlines.pop();
        if (!op) {
            continue;
        }
        _parked.erase(op.get());
        if (op->claim()) {
            lock.unlock();
            op->on_expire();
            lock.lock();
        }
    }
}

void purgatory::shutdown() {
    std::unordered_map<delayed_operation*, std::shared_ptr<delayed_operation>> left;
    {
        std::lock_guard lock(_mutex);
        if (_stopping) {
            return;
        }
        _stopping = true;
        left.swap(_parked);
        _watchers.clear();
        _wake.notify_all();
    }
    if (_expiry.joinable()) {
        _expiry.join();
    }
    for (auto& [p, op] : left) {
        if (op->claim()) {
            op->on_expire();
        }
    }
}

void purgatory::expire_all() {
    std::unordered_map<delayed_operation*, std::shared_ptr<delayed_operation>> left;
    {
        std::lock_guard lock(_mutex);
        left.swap(_parked);
        _watchers.clear();
        _deadlines = {};
    }
    for (auto& [p, op] : left) {
        if (op->claim()) {
            op->on_expire();
        }
    }
}

size_t purgatory::watched() const {
    std::lock_guard lock(_mutex);
    return _parked.size();
}

} // namespace brook::broker

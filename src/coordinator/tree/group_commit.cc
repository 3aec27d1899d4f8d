#include "coordinator/tree/group_commit.h"

#include "coordinator/tree/snapshot.h"

namespace brook::coordinator::tree {

group_commit::group_commit(txn_log& log, snapshot_settings snaps, group_commit_callbacks cb)
    : _log(log), _snaps(std::move(snaps)), _cb(std::move(cb)), _thread([this] { run(); }) {}

group_commit::~group_commit() {
    stop();
}

void group_commit::submit(int64_t zxid, bytes payload) {
    bool wake = false;
    {
        std::lock_guard lock(_mutex);
        if (_stopping) {
            return;
        }
        wake = _queue.empty();
        _queue.push_back(item{zxid, std::move(payload), kind::txn});
    }
    if (wake) {
        _cv.notify_one();
    }
}

void group_commit::submit_snapshot(int64_t zxid, bytes image) {
    enqueue(item{zxid, std::move(image), kind::snapshot});
}

void group_commit::submit_purge() {
    enqueue(item{0, {}, kind::purge});
}

void group_commit::enqueue(item it) {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) {
            return;
        }
        _queue.push_back(std::move(it));
    }
    _cv.notify_one();
}

void group_commit::stop() {
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _cv.notify_one();
    if (_thread.joinable()) {
        _thread.join();
    }
}

bool group_commit::write_batch(std::vector<item>& batch) {
    int64_t last = -1;
    auto flush = [&]() -> bool {
        if (last < 0) {
            return true;
        }
        if (auto r = _log.sync(); !r) {
            _failed = true;
            _cb.failed(r.error());
            return false;
        }
        _fsyncs++;
        _cb.durable(last);
        last = -1;
        return true;
    };
    for (auto& it : batch) {
        if (it.what == kind::txn) {
            if (auto r = _log.append(it.zxid, it.payload); !r) {
                _failed = true;
                _cb.failed(r.error());
                return false;
            }
            last = it.zxid;
            continue;
        }
        if (!flush()) {
            return false;
        }
        if (it.what == kind::purge) {
            purge(_snaps.snap_dir, _snaps.log_dir, _snaps.retain);
            continue;
        }
        std::error_code ec;
        if (auto r = _log.roll(); !r) {
            ec = r.error();
        } else if (auto w = write_snapshot(_snaps.snap_dir, it.zxid, it.payload); !w) {
            ec = w.error();
        }
        if (_cb.snapshot_done) {
            _cb.snapshot_done(it.zxid, ec);
        }
    }
    return flush();
}

void group_commit::run() {
    std::vector<item> batch;
    for (;;) {
        {
            std::unique_lock lock(_mutex);
            _cv.wait(lock, [this] { return _stopping || !_queue.empty(); });
            if (_queue.empty() && _stopping) {
                return;
            }
            batch.swap(_queue);
        }
        if (!_failed) {
            write_batch(batch);
        }
        batch.clear();
    }
}

} // namespace brook::coordinator::tree

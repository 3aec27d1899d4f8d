#pragma once
// Shared fixture of the ZooKeeper client tests: a real server (Apache ZooKeeper 3.8 or
// brook-coordinator, the test parameter) on a free port, an io_context run by one thread for the
// clients, and collectors that let a test wait for watch events and state changes without sleeping.
#include "brook/client/zookeeper/client.h"
#include "brook/common/logging.h"
#include "harness/zookeeper_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace brook::client::zookeeper::test {

using namespace std::chrono_literals;
using brook::test::zookeeper_flavor;
using brook::test::zookeeper_server;

/// Values pushed from the client's strand, awaited from the test thread.
template<class T>
class collector {
public:
    void push(T v) {
        std::lock_guard lock(_mutex);
        _items.push_back(std::move(v));
        _cv.notify_all();
    }
    /// Waits until at least `n` items arrived (or `timeout`); returns a copy of all of them.
    std::vector<T> wait_for(size_t n, std::chrono::milliseconds timeout = 20s) {
        std::unique_lock lock(_mutex);
        _cv.wait_for(lock, timeout, [&] { return _items.size() >= n; });
        return _items;
    }
    /// Waits until `pred(item)` holds for some item.
    template<class Pred>
    bool wait_until(Pred pred, std::chrono::milliseconds timeout = 20s) {
        std::unique_lock lock(_mutex);
        return _cv.wait_for(lock, timeout, [&] {
            for (const auto& i : _items) {
                if (pred(i)) {
                    return true;
                }
            }
            return false;
        });
    }
    /// Waits until `pred` holds for at least `n` items.
    template<class Pred>
    bool wait_for_count(Pred pred, size_t n, std::chrono::milliseconds timeout = 20s) {
        std::unique_lock lock(_mutex);
        return _cv.wait_for(
            lock, timeout, [&] { return static_cast<size_t>(std::count_if(_items.begin(), _items.end(), pred)) >= n; });
    }
    std::vector<T> items() {
        std::lock_guard lock(_mutex);
        return _items;
    }
    void clear() {
        std::lock_guard lock(_mutex);
        _items.clear();
    }

private:
    std::mutex _mutex;
    std::condition_variable _cv;
    std::vector<T> _items;
};

inline bytes to_bytes(std::string_view s) {
    return bytes(s.begin(), s.end());
}

inline std::string to_string(const bytes& b) {
    return std::string(b.begin(), b.end());
}

inline std::string flavor_name(const ::testing::TestParamInfo<zookeeper_flavor>& info) {
    return brook::test::to_string(info.param);
}

class zk_test : public ::testing::TestWithParam<zookeeper_flavor> {
protected:
    void SetUp() override {
        if (const char* level = std::getenv("BROOK_LOG_LEVEL")) {
            brook::setup_logging(level);
        }
        std::string why;
        if (!zookeeper_server::available(GetParam(), &why)) {
            if (GetParam() == zookeeper_flavor::brook) {
                GTEST_SKIP() << "brook-coordinator is not available: " << why;
            }
            FAIL() << "Apache ZooKeeper cannot be launched: " << why;
        }
        // tickTime 500 allows sessions down to 1 s (quick expiry tests); the raised maximum leaves
        // room for a JVM restart on a busy machine in the resumption tests.
        _server = std::make_unique<zookeeper_server>(
            GetParam(), 500, std::map<std::string, std::string>{{"maxSessionTimeout", "60000"}});
        if (!_server->start()) {
            if (GetParam() == zookeeper_flavor::brook) {
                GTEST_SKIP() << "brook-coordinator cannot serve yet (it exited or never answered ruok)";
            }
            FAIL() << "Apache ZooKeeper did not start";
        }
        _thread = std::thread([this] { _io.run(); });
    }

    void TearDown() override {
        for (auto& c : _clients) {
            // Bounded: a client whose server is gone completes close() at once.
            c->close().future().wait_for(10s);
        }
        _clients.clear();
        if (_thread.joinable()) {
            _io.stop();
            _thread.join();
        }
    }

    /// A connected client (fails the test if it cannot connect); the server's address unless
    /// `opts` names another connect string.
    client& connect(client_options opts = {}) {
        if (opts.connect_string.empty()) {
            opts.connect_string = _server->connect_string();
        }
        _clients.push_back(std::make_unique<client>(_io, std::move(opts)));
        auto& c = *_clients.back();
        auto r = c.wait_connected().get();
        EXPECT_TRUE(r) << r.error().message();
        return c;
    }

    /// A collector owned by the fixture: it outlives the clients, whose watchers and state
    /// listeners may still run while TearDown closes them.
    template<class T>
    collector<T>& make_collector() {
        auto c = std::make_shared<collector<T>>();
        _owned.push_back(c);
        return *c;
    }

    /// A client with a state collector attached. `states` must outlive the client (make_collector).
    client& connect_watching(collector<session_state>& states, client_options opts = {}) {
        opts.on_state = [&states](session_state s) { states.push(s); };
        return connect(std::move(opts));
    }

    zookeeper_server& server() { return *_server; }
    boost::asio::io_context& io() { return _io; }

    std::unique_ptr<zookeeper_server> _server;
    boost::asio::io_context _io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> _work{_io.get_executor()};
    std::thread _thread;
    std::vector<std::shared_ptr<void>> _owned; // destroyed after _clients
    std::vector<std::unique_ptr<client>> _clients;
};

} // namespace brook::client::zookeeper::test

#pragma once
// operation<T>: one not-yet-started client request, consumed in exactly one of three ways:
//
//   std::move(op).then([](brook::result<T> r) { ... });   // callback, runs on the client's strand
//   brook::result<T> r = std::move(op).get();             // blocks a plain thread until done
//   brook::result<T> r = co_await zk::co(std::move(op));  // inside an Asio coroutine (async.h)
//
// Nothing is sent until the operation is started, so an operation that is dropped unconsumed has
// no effect. Operations started from one thread reach the server in the order they were started.
// This header does not include Asio, so it can be included widely.
#include "brook/common/result.h"

#include <functional>
#include <future>
#include <memory>
#include <utility>

namespace brook::client::zookeeper {

/// Completion callback of an operation.
template<class T>
using callback = std::function<void(result<T>)>;

template<class T>
class [[nodiscard]] operation {
public:
    using value_type = T;
    /// Starts the request and arranges for the callback to run once with its outcome.
    using start_fn = std::function<void(callback<T>)>;

    explicit operation(start_fn start) : _start(std::move(start)) {}

    /// Starts the request; `cb` runs exactly once, on the client's strand. `cb` must not block
    /// waiting for another operation of the same client (it would wait for itself).
    void then(callback<T> cb) && {
        auto start = std::move(_start);
        start(std::move(cb));
    }

    /// Starts the request and returns a future of its outcome.
    std::future<result<T>> future() && {
        auto promise = std::make_shared<std::promise<result<T>>>();
        auto f = promise->get_future();
        std::move(*this).then([promise](result<T> r) { promise->set_value(std::move(r)); });
        return f;
    }

    /// Starts the request and blocks until it completes. REQUIRES: not called on a thread that
    /// runs the client's io_context (the completion could never run).
    result<T> get() && { return std::move(*this).future().get(); }

private:
    start_fn _start;
};

} // namespace brook::client::zookeeper

#pragma once
// Asio adapters for operation<T> (operation.h): any completion token, or an awaitable.
//
//   brook::result<std::string> r = co_await zk::co(client.create("/a", {}));
//
// The client completes operations on its strand; the awaiting coroutine resumes on its own
// executor through asio::post. Never inline: resuming a coroutine from inside the client's reader
// coroutine would nest one awaitable thread's frames inside another's.
#include "brook/client/zookeeper/operation.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <utility>

namespace brook::client::zookeeper {

/// Starts `op` and completes `token` with signature void(result<T>).
template<class T, class Token>
auto async_run(operation<T> op, Token&& token) {
    return boost::asio::async_initiate<Token, void(result<T>)>(
        [](auto handler, operation<T> o) {
            using handler_t = decltype(handler);
            // std::function needs a copyable callable; Asio handlers are move-only.
            auto h = std::make_shared<handler_t>(std::move(handler));
            std::move(o).then([h](result<T> r) {
                auto ex = boost::asio::get_associated_executor(*h);
                boost::asio::post(ex, [h, r = std::move(r)]() mutable { std::move (*h)(std::move(r)); });
            });
        },
        token, std::move(op));
}

/// Awaits `op` inside an Asio coroutine; the outcome is a value, never an exception.
template<class T>
boost::asio::awaitable<result<T>> co(operation<T> op) {
    co_return co_await async_run(std::move(op), boost::asio::use_awaitable);
}

} // namespace brook::client::zookeeper

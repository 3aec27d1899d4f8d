#include "broker/network/listener.h"

#include "brook/broker/errc.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace brook::broker::network {

namespace asio = boost::asio;
using asio::ip::tcp;

listener::listener(asio::io_context& ioc, listener_spec spec, pick_context pick, on_accept accepted,
                   std::shared_ptr<spdlog::logger> log)
    : _ioc(ioc), _acceptor(ioc), _spec(std::move(spec)), _pick(std::move(pick)), _accepted(std::move(accepted)),
      _log(std::move(log)) {}

result<void> listener::bind() {
    boost::system::error_code ec;
    tcp::endpoint endpoint;
    if (_spec.host.empty()) {
        endpoint = tcp::endpoint(tcp::v4(), _spec.port);
    } else {
        tcp::resolver resolver(_ioc);
        auto found = resolver.resolve(_spec.host, std::to_string(_spec.port), tcp::resolver::passive, ec);
        if (ec || found.empty()) {
            _log->error("Cannot resolve listener host '{}': {}", _spec.host, ec.message());
            return errc::bind_failed;
        }
        endpoint = found.begin()->endpoint();
    }
    _acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        _acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        _acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        _acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        _log->error("Cannot bind listener {}://{}:{}: {}", _spec.name, _spec.host, _spec.port, ec.message());
        return errc::bind_failed;
    }
    _port = _acceptor.local_endpoint().port();
    return success();
}

void listener::start() {
    asio::co_spawn(_ioc, accept_loop(shared_from_this()), asio::detached);
}

void listener::stop() {
    _stopped = true;
    boost::system::error_code ec;
    _acceptor.close(ec);
}

asio::awaitable<void> listener::accept_loop(std::shared_ptr<listener> /*self*/) {
    _log->info("Awaiting socket connections on {}:{} ({})", _spec.host.empty() ? "0.0.0.0" : _spec.host, _port,
               _spec.name);
    asio::steady_timer backoff(_ioc);
    while (!_stopped) {
        auto [ec, socket] = co_await _acceptor.async_accept(_pick(), asio::as_tuple(asio::use_awaitable));
        if (_stopped) {
            co_return;
        }
        if (ec) {
            // Out of descriptors and the like: back off instead of spinning on the error.
            _log->warn("Accept on {} failed: {}", _spec.name, ec.message());
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        _accepted(std::move(socket), _spec);
    }
}

} // namespace brook::broker::network

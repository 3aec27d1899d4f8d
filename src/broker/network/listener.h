#pragma once
// One bound listener (an entry of `listeners`): an acceptor whose accept loop hands each new socket
// to an I/O thread chosen by the caller. Runs on the io_context it was created with.
#include "brook/broker/network_config.h"
#include "brook/common/result.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>

namespace spdlog {
class logger;
}

namespace brook::broker::network {

class listener : public std::enable_shared_from_this<listener> {
public:
    /// Chooses the io_context of the next connection.
    using pick_context = std::function<boost::asio::io_context&()>;
    /// Takes an accepted socket (already bound to the picked context). Called on the listener's thread.
    using on_accept = std::function<void(boost::asio::ip::tcp::socket, const listener_spec&)>;

    listener(boost::asio::io_context& ioc, listener_spec spec, pick_context pick, on_accept accepted,
             std::shared_ptr<spdlog::logger> log);

    /// Resolves and binds. Port 0 binds an ephemeral port.
    result<void> bind();
    uint16_t port() const noexcept { return _port; }
    const listener_spec& spec() const noexcept { return _spec; }

    void start();
    /// Stops accepting. Call on the listener's io_context.
    void stop();

private:
    boost::asio::awaitable<void> accept_loop(std::shared_ptr<listener> self);

    boost::asio::io_context& _ioc;
    boost::asio::ip::tcp::acceptor _acceptor;
    listener_spec _spec;
    pick_context _pick;
    on_accept _accepted;
    std::shared_ptr<spdlog::logger> _log;
    uint16_t _port = 0;
    bool _stopped = false;
};

} // namespace brook::broker::network

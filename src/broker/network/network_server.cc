#include "brook/broker/network_server.h"

#include "broker/network/connection.h"
#include "broker/network/listener.h"
#include "broker/network/server_context.h"
#include "brook/common/logging.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace brook::broker {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

/// One network thread: its event loop and the connections pinned to it.
struct io_thread {
    asio::io_context ioc{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    /// Touched only on this thread.
    std::unordered_map<uint64_t, std::shared_ptr<network::connection>> connections;
    std::thread thread;
};

} // namespace

struct network_server::impl {
    impl(network_config config, const dispatcher& d) : ctx(std::move(config), d) {
        ctx.log = get_logger("brook.broker.network");
    }

    void accepted(tcp::socket socket, const listener_spec& spec);
    void run_thread(io_thread& t);
    io_thread& owner_of(tcp::socket& socket);

    network::server_context ctx;
    std::vector<std::unique_ptr<io_thread>> threads;
    std::vector<std::shared_ptr<network::listener>> listeners;
    size_t next_thread = 0; // listener thread only
    bool started = false;
    std::atomic<bool> accepting{false};
    bool stopped = false;
    std::mutex running_mutex;
    std::condition_variable running_changed;
    size_t running = 0;
};

io_thread& network_server::impl::owner_of(tcp::socket& socket) {
    auto* ctx_ptr = &socket.get_executor().context();
    for (auto& t : threads) {
        if (static_cast<asio::execution_context*>(&t->ioc) == ctx_ptr) {
            return *t;
        }
    }
    assert(false && "every socket is accepted onto one of our io_contexts");
    return *threads.front();
}

void network_server::impl::accepted(tcp::socket socket, const listener_spec& spec) {
    boost::system::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    if (ec) {
        return; // the client is already gone
    }
    auto ip = remote.address().to_string();
    auto verdict = ctx.limits.try_acquire(ip);
    if (verdict != network::connection_limits::verdict::accepted || ctx.stopping) {
        ctx.log->warn("Rejecting connection from {}: {}", ip,
                      ctx.stopping ? "shutting down"
                      : verdict == network::connection_limits::verdict::too_many_total
                          ? "max.connections reached"
                          : "max.connections.per.ip reached");
        if (verdict == network::connection_limits::verdict::accepted) {
            ctx.limits.release(ip);
        }
        socket.close(ec);
        return;
    }
    connection_info info{ctx.next_connection_id++, spec.name, ip + ":" + std::to_string(remote.port())};
    auto& t = owner_of(socket);
    asio::post(t.ioc, [this, &t, socket = std::move(socket), info = std::move(info)]() mutable {
        auto id = info.id;
        auto c = std::make_shared<network::connection>(std::move(socket), ctx, std::move(info),
                                                       [&t](uint64_t closed) { t.connections.erase(closed); });
        t.connections.emplace(id, c);
        c->start();
        if (ctx.stopping) {
            c->shutdown();
        }
    });
}

void network_server::impl::run_thread(io_thread& t) {
    for (;;) {
        try {
            t.ioc.run();
            break;
        } catch (const std::exception& e) {
            // A handler that throws is a bug; keep serving the other connections.
            ctx.log->error("Uncaught exception on a network thread: {}", e.what());
        }
    }
    std::lock_guard lock(running_mutex);
    --running;
    running_changed.notify_all();
}

network_server::network_server(network_config config, const dispatcher& dispatch)
    : _impl(std::make_unique<impl>(std::move(config), dispatch)) {}

network_server::~network_server() {
    stop();
}

result<void> network_server::start(bool accept) {
    auto& m = *_impl;
    assert(!m.started);
    for (int i = 0; i < std::max(1, m.ctx.config.network_threads); ++i) {
        m.threads.push_back(std::make_unique<io_thread>());
    }
    auto& home = m.threads.front()->ioc;
    for (const auto& spec : m.ctx.config.listeners) {
        auto l = std::make_shared<network::listener>(
            home, spec,
            [&m]() -> asio::io_context& {
                auto& t = *m.threads[m.next_thread++ % m.threads.size()];
                return t.ioc;
            },
            [&m](tcp::socket s, const listener_spec& sp) { m.accepted(std::move(s), sp); }, m.ctx.log);
        BOOST_OUTCOME_TRY(l->bind());
        m.listeners.push_back(std::move(l));
    }
    if (accept) {
        start_accepting();
    }
    m.started = true;
    m.running = m.threads.size();
    for (auto& t : m.threads) {
        t->guard.emplace(t->ioc.get_executor());
        t->thread = std::thread([&m, tp = t.get()] { m.run_thread(*tp); });
    }
    return success();
}

void network_server::start_accepting() {
    auto& m = *_impl;
    if (m.accepting.exchange(true)) {
        return;
    }
    for (auto& l : m.listeners) {
        l->start();
    }
}

std::vector<uint16_t> network_server::bound_ports() const {
    std::vector<uint16_t> ports;
    for (const auto& l : _impl->listeners) {
        ports.push_back(l->port());
    }
    return ports;
}

size_t network_server::connection_count() const noexcept {
    return _impl->ctx.limits.open();
}

void network_server::stop() {
    auto& m = *_impl;
    if (!m.started || m.stopped) {
        return;
    }
    m.stopped = true;
    m.ctx.stopping = true;
    asio::post(m.threads.front()->ioc, [&m] {
        for (auto& l : m.listeners) {
            l->stop();
        }
    });
    for (auto& t : m.threads) {
        asio::post(t->ioc, [tp = t.get()] {
            auto open = tp->connections;
            for (auto& [id, c] : open) {
                c->shutdown();
            }
        });
    }
    auto deadline = std::chrono::steady_clock::now() + m.ctx.config.shutdown_grace;
    if (!m.ctx.limits.wait_until_none(deadline)) {
        m.ctx.log->warn("{} connections still had requests in flight after {} ms; closing them", m.ctx.limits.open(),
                        m.ctx.config.shutdown_grace.count());
    }
    for (auto& t : m.threads) {
        asio::post(t->ioc, [tp = t.get()] {
            auto open = tp->connections;
            for (auto& [id, c] : open) {
                c->close();
            }
        });
        t->guard.reset();
    }
    {
        std::unique_lock lock(m.running_mutex);
        if (!m.running_changed.wait_for(lock, std::chrono::seconds(5), [&m] { return m.running == 0; })) {
            // Something outside the network layer still holds work on our loops; stop them hard.
            for (auto& t : m.threads) {
                t->ioc.stop();
            }
        }
    }
    for (auto& t : m.threads) {
        if (t->thread.joinable()) {
            t->thread.join();
        }
    }
    m.listeners.clear();
    for (auto& t : m.threads) {
        t->connections.clear();
    }
}

} // namespace brook::broker

#include "brook/coordinator/server.h"

#include "brook/common/errc.h"
#include "brook/common/logging.h"
#include "brook/coordinator/config.h"
#include "brook/protocol/zookeeper/connect.h"
#include "brook/protocol/zookeeper/requests.h"
#include "coordinator/server_impl.h"
#include "coordinator/tree/snapshot.h"

#include <boost/asio/experimental/as_tuple.hpp>
#include <spdlog/spdlog.h>

#include <random>

namespace brook::coordinator {

namespace asio = boost::asio;
namespace zk = brook::protocol::zookeeper;
using asio::awaitable;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = get_logger("brook.coordinator");
    return l;
}

} // namespace

server_options options_from_config(const config_values& cfg) {
    server_options o;
    o.address = cfg.get_string("clientPortAddress");
    o.port = static_cast<uint16_t>(cfg.get_int("clientPort"));
    o.data_dir = cfg.get_string("dataDir");
    o.data_log_dir = cfg.get_string("dataLogDir");
    o.tick_ms = cfg.get_int("tickTime");
    o.min_session_timeout_ms = effective_min_session_timeout(cfg);
    o.max_session_timeout_ms = effective_max_session_timeout(cfg);
    o.max_client_cnxns = cfg.get_int("maxClientCnxns");
    o.snap_count = cfg.get_int("snapCount");
    o.snap_retain_count = cfg.get_int("autopurge.snapRetainCount");
    o.purge_interval = std::chrono::hours(std::max<int64_t>(0, cfg.get_int("autopurge.purgeInterval")));
    o.prealloc_bytes = cfg.get_long("preAllocSize") * 1024;
    o.force_sync = cfg.get_string("forceSync") == "yes";
    o.max_buffer = cfg.get_int("jute.maxbuffer");
    o.four_letter_whitelist = cfg.get_list("4lw.commands.whitelist");
    return o;
}

coordinator_server::coordinator_server() : _impl(std::make_unique<impl>()) {}
coordinator_server::~coordinator_server() {
    stop();
}
result<uint16_t> coordinator_server::start(server_options opts) {
    return _impl->start(std::move(opts));
}
uint16_t coordinator_server::port() const noexcept {
    return _impl->port();
}
void coordinator_server::stop() {
    _impl->stop();
}
void coordinator_server::wait() {
    _impl->wait();
}

coordinator_server::impl::~impl() {
    stop();
}

int64_t coordinator_server::impl::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - _epoch).count();
}

int64_t coordinator_server::impl::wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

result<void> coordinator_server::impl::recover() {
    tree::processor_options po;
    po.tick_ms = _opts.tick_ms;
    po.min_session_timeout_ms = _opts.min_session_timeout_ms;
    po.max_session_timeout_ms = _opts.max_session_timeout_ms;
    po.max_data_bytes = _opts.max_buffer;
    _processor = std::make_unique<tree::processor>(po, wall_ms());
    int64_t now = now_ms();
    BOOST_OUTCOME_TRY(auto snap, tree::load_newest_snapshot(_opts.data_dir, *_processor, now));
    int64_t from = snap.value_or(0);
    BOOST_OUTCOME_TRY(size_t replayed,
                      tree::txn_log::recover(_opts.data_log_dir, from, [&](bytes_view payload) -> result<void> {
                          BOOST_OUTCOME_TRY(auto t, tree::decode_txn(payload));
                          _processor->replay(t, now);
                          return success();
                      }));
    _processor->touch_all_sessions(now);
    _durable = _processor->last_zxid();
    logger()->info("Recovered zxid 0x{:x} (snapshot 0x{:x} + {} txns), {} znodes, {} sessions", _durable, from,
                   replayed, _processor->tree().node_count(), _processor->sessions().all().size());
    return success();
}

result<uint16_t> coordinator_server::impl::start(server_options opts) {
    _opts = std::move(opts);
    if (_opts.data_log_dir.empty()) {
        _opts.data_log_dir = _opts.data_dir;
    }
    std::error_code fec;
    std::filesystem::create_directories(_opts.data_dir, fec);
    std::filesystem::create_directories(_opts.data_log_dir, fec);
    BOOST_OUTCOME_TRY(recover());
    _log = std::make_unique<tree::txn_log>(_opts.data_log_dir, _opts.prealloc_bytes, _opts.force_sync);
    tree::group_commit_callbacks cb;
    cb.durable = [this](int64_t z) { asio::post(_io, [this, z] { on_durable(z); }); };
    cb.failed = [this](std::error_code ec) {
        logger()->error("Transaction log write failed: {}; stopping", ec.message());
        asio::post(_io, [this] { _io.stop(); });
    };
    cb.snapshot_done = [](int64_t z, std::error_code ec) {
        if (ec) {
            logger()->error("Snapshot at 0x{:x} failed: {}", z, ec.message());
        } else {
            logger()->info("Snapshot written at zxid 0x{:x}", z);
        }
    };
    tree::snapshot_settings ss{_opts.data_dir, _opts.data_log_dir, _opts.snap_retain_count};
    _commit = std::make_unique<tree::group_commit>(*_log, ss, cb);
    std::mt19937 rng(std::random_device{}());
    _snapshot_at = _opts.snap_count / 2 + static_cast<int64_t>(rng() % static_cast<uint32_t>(_opts.snap_count / 2 + 1));

    boost::system::error_code ec;
    auto addr = asio::ip::make_address(_opts.address, ec);
    if (ec) {
        return common::errc::invalid_value;
    }
    _acceptor.emplace(_io);
    asio::ip::tcp::endpoint ep(addr, _opts.port);
    _acceptor->open(ep.protocol(), ec);
    if (!ec) {
        _acceptor->set_option(asio::socket_base::reuse_address(true), ec);
        _acceptor->bind(ep, ec);
    }
    if (!ec) {
        _acceptor->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        logger()->error("Cannot listen on {}:{}: {}", _opts.address, _opts.port, ec.message());
        _commit->stop();
        return std::error_code(ec.value(), std::generic_category());
    }
    _port = _acceptor->local_endpoint().port();
    _stats.started = std::chrono::steady_clock::now();
    asio::co_spawn(_io, accept_loop(), asio::detached);
    asio::co_spawn(_io, tick_loop(), asio::detached);
    if (_opts.purge_interval.count() > 0) {
        asio::co_spawn(_io, purge_loop(), asio::detached);
    }
    _running = true;
    _thread = std::thread([this] {
        _io.run();
        std::lock_guard lock(_state_mutex);
        _stopped = true;
        _state_cv.notify_all();
    });
    logger()->info("Coordinator listening on {}:{} (data {}, log {})", _opts.address, _port, _opts.data_dir.string(),
                   _opts.data_log_dir.string());
    return _port;
}

void coordinator_server::impl::stop() {
    if (!_running) {
        return;
    }
    _running = false;
    asio::post(_io, [this] {
        boost::system::error_code ec;
        if (_acceptor) {
            _acceptor->close(ec);
        }
        auto conns = _connections;
        for (auto& [id, c] : conns) {
            c->close(false);
        }
        _io.stop();
    });
    if (_thread.joinable()) {
        _thread.join();
    }
    if (_commit) {
        _commit->stop();
    }
    std::lock_guard lock(_state_mutex);
    _stopped = true;
    _state_cv.notify_all();
}

void coordinator_server::impl::wait() {
    std::unique_lock lock(_state_mutex);
    _state_cv.wait(lock, [this] { return _stopped; });
}

awaitable<void> coordinator_server::impl::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await _acceptor->async_accept(as_tuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || !_acceptor->is_open()) {
                co_return;
            }
            continue;
        }
        auto c = std::make_shared<connection>(std::move(socket), *this, _next_conn_id++);
        int& count = _per_ip[c->remote_ip()];
        if (_opts.max_client_cnxns > 0 && count >= _opts.max_client_cnxns) {
            logger()->warn("Too many connections from {} - max is {}", c->remote_ip(), _opts.max_client_cnxns);
            if (count == 0) {
                _per_ip.erase(c->remote_ip());
            }
            continue; // the socket closes with `c`
        }
        ++count;
        _connections.emplace(c->id(), c);
        c->start();
    }
}

awaitable<void> coordinator_server::impl::purge_loop() {
    // As ZooKeeper's PurgeTxnLog task: the first purge one interval after start, then every
    // interval; the log thread runs it between batches.
    asio::steady_timer timer(_io);
    for (;;) {
        timer.expires_after(_opts.purge_interval);
        auto [ec] = co_await timer.async_wait(as_tuple);
        if (ec) {
            co_return;
        }
        _commit->submit_purge();
    }
}

awaitable<void> coordinator_server::impl::tick_loop() {
    asio::steady_timer timer(_io);
    for (;;) {
        timer.expires_after(std::chrono::milliseconds(std::max(10, _opts.tick_ms / 2)));
        auto [ec] = co_await timer.async_wait(as_tuple);
        if (ec) {
            co_return;
        }
        auto outcomes = _processor->tick(now_ms(), wall_ms());
        for (auto& o : outcomes) {
            if (o.closed_session != 0) {
                logger()->info("Expiring session 0x{:x}, timeout exceeded", o.closed_session);
            }
            dispatch(o, nullptr);
        }
    }
}

} // namespace brook::coordinator

#pragma once
// The connection state machine behind client (see client.h for the states and threading).
//
// One coroutine, run(), owns the connection loop on the session's strand:
//
//   pick host -> TCP connect + ConnectRequest (session id, password, last zxid) within connect_timeout
//     -> ConnectResponse: timeOut <= 0 means the session expired (terminal)
//     -> connected: send SetWatches(2) (xid -8), AuthPackets (xid -4), queued requests
//     -> reader || writer || heartbeat   (whichever ends first ends the connection)
//   -> suspended: fail in-flight requests with connection_loss, try the next host
//   -> after a whole session timeout without hearing from any server: expired (terminal)
//
// The heartbeat sends a ping (xid -2) when nothing was sent for 1/3 of the negotiated timeout and
// drops the connection when nothing was received for 2/3 of it (the read deadline).
// Replies to normal requests arrive in request order; each must match the oldest in-flight xid.
#include "brook/client/zookeeper/client.h"
#include "brook/client/zookeeper/errc.h"
#include "brook/protocol/zookeeper/requests.h"
#include "client/zookeeper/connect_string.h"
#include "client/zookeeper/watch_manager.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace spdlog {
class logger;
}

namespace brook::client::zookeeper::detail {

/// A reply to a normal request. `body` (after the ReplyHeader) is valid only during the handler.
struct reply {
    protocol::zookeeper::reply_header header;
    bytes_view body;
};
using reply_handler = std::function<void(result<reply>)>;

class session : public std::enable_shared_from_this<session> {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;
    using clock = std::chrono::steady_clock;

    session(boost::asio::io_context& io, client_options options);

    /// Spawns run() on the strand. Call once, right after construction.
    void start();

    /// Sends a request (any thread). Paths in `body` are server paths. `handler` runs on the strand
    /// with the reply, or with an error when the request could not be answered.
    void submit(protocol::zookeeper::op_code type, protocol::zookeeper::request_body body, reply_handler handler);
    /// Runs `cb` with `ec` on the strand (for requests rejected before they are sent).
    void fail_later(std::function<void(std::error_code)> cb, std::error_code ec);

    void add_auth(std::string scheme, bytes auth, callback<void> cb);
    void wait_connected(callback<void> cb);
    void close(callback<void> cb);

    // ---- strand only ----
    watch_manager& watches() noexcept { return _watches; }
    const std::string& chroot() const noexcept { return _spec.chroot; }
    /// Client path -> server path; invalid_path (or the connect-string error) if it cannot be sent.
    result<std::string> server_path(std::string_view path, bool sequential = false) const;
    std::string client_path(std::string_view server_path) const;
    /// Whether a server path lies inside the chroot (always true without one).
    bool in_chroot(std::string_view server_path) const;
    strand_type& strand() noexcept { return _strand; }

    // ---- any thread ----
    session_state state() const noexcept { return _state.load(); }
    int64_t id() const noexcept { return _public_id.load(); }
    bytes password() const;
    std::chrono::milliseconds negotiated_timeout() const noexcept {
        return std::chrono::milliseconds(_public_timeout.load());
    }

private:
    struct in_flight {
        int32_t xid;
        reply_handler handler;
    };
    struct auth_entry {
        std::string scheme;
        bytes auth;
        /// The add_auth caller still waiting for the server's first answer (empty once sent).
        callback<void> waiter;
    };
    struct queued {
        protocol::zookeeper::op_code type;
        protocol::zookeeper::request_body body;
        reply_handler handler;
    };

    static boost::asio::awaitable<void> run(std::shared_ptr<session> self);
    boost::asio::awaitable<bool> connect_one(const host_port& hp);
    boost::asio::awaitable<void> reader();
    boost::asio::awaitable<void> writer();
    boost::asio::awaitable<void> heartbeat();

    bool handle_frame(bytes_view frame);
    void dispatch_event(bytes_view body);
    void send(int32_t xid, protocol::zookeeper::op_code type, protocol::zookeeper::request_body body);
    void send_request(queued q);
    void on_connected();
    void on_disconnected();
    void set_state(session_state s);
    /// Enters a terminal state: fails everything with `ec` and stops the connection loop.
    void finish(session_state s, std::error_code ec);
    void fail_all(std::error_code ec);
    bool terminal() const noexcept;
    std::error_code rejection() const noexcept;

    strand_type _strand;
    client_options _options;
    std::error_code _init_error;
    connect_spec _spec;
    std::shared_ptr<spdlog::logger> _log;

    std::atomic<session_state> _state{session_state::connecting};
    std::atomic<int64_t> _public_id{0};
    std::atomic<int64_t> _public_timeout{0};
    mutable std::mutex _password_mutex;
    bytes _public_password;

    // Strand-owned from here on.
    int64_t _session_id = 0;
    bytes _password;
    std::chrono::milliseconds _timeout{0};
    int64_t _last_zxid = 0;
    int32_t _next_xid = 1;
    bool _closing = false;
    bool _handshaking = false;
    bool _ever_connected = false;
    uint64_t _generation = 0;
    clock::time_point _last_heard{};
    clock::time_point _last_sent{};
    clock::time_point _started{};

    std::optional<boost::asio::ip::tcp::socket> _socket;
    boost::asio::steady_timer _write_signal;
    boost::asio::steady_timer _backoff;
    std::deque<bytes> _out;
    std::deque<in_flight> _in_flight;
    std::deque<queued> _queued;
    std::vector<auth_entry> _auth;
    std::deque<callback<void>> _auth_waiters;
    std::vector<callback<void>> _connect_waiters;
    std::vector<callback<void>> _close_waiters;
    watch_manager _watches;
};

} // namespace brook::client::zookeeper::detail

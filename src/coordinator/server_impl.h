#pragma once
// Internals of coordinator_server: one io_context thread owns the processor (tree, sessions,
// watches) and every connection; the group-commit thread owns the txn log.
#include "brook/coordinator/server.h"
#include "coordinator/connection.h"
#include "coordinator/tree/group_commit.h"
#include "coordinator/tree/processor.h"
#include "coordinator/tree/snapshot.h"
#include "coordinator/tree/txn_log.h"

#include <boost/asio.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace brook::coordinator {

class coordinator_server::impl {
public:
    impl() = default;
    ~impl();

    result<uint16_t> start(server_options opts);
    void stop();
    void wait();
    uint16_t port() const noexcept { return _port; }

    // ---- called by connections, on the io thread ----
    /// Handles the connect packet; false = close the connection.
    bool on_connect(const std::shared_ptr<connection>& c, bytes_view body);
    /// Handles a request packet; false = bad packet, close the connection.
    bool on_request(const std::shared_ptr<connection>& c, bytes_view packet);
    void on_closed(const std::shared_ptr<connection>& c);
    /// `c` has frames waiting for durability: wake it when the durable zxid moves.
    void register_waiting(const std::shared_ptr<connection>& c) { _waiting.push_back(c); }
    /// Answer to a four-letter word, or nullopt if `word` is not one.
    std::optional<std::string> four_letter(std::string_view word);
    int64_t durable_zxid() const noexcept { return _durable; }
    int32_t max_buffer() const noexcept { return _opts.max_buffer; }

    // ---- for four_letter.cc ----
    const server_options& options() const noexcept { return _opts; }
    const tree::processor& state() const noexcept { return *_processor; }
    const std::map<uint64_t, std::shared_ptr<connection>>& connections() const noexcept { return _connections; }
    struct counters {
        uint64_t received = 0;
        uint64_t sent = 0;
        uint64_t outstanding = 0;
        std::chrono::steady_clock::time_point started;
    };
    const counters& stats() const noexcept { return _stats; }
    uint64_t fsyncs() const noexcept { return _commit ? _commit->fsync_count() : 0; }

private:
    result<void> recover();
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> tick_loop();
    boost::asio::awaitable<void> purge_loop();
    void dispatch(tree::outcome& o, const std::shared_ptr<connection>& origin);
    void deliver_events(std::vector<tree::watch_event>& events, int64_t need);
    void on_durable(int64_t zxid);
    void maybe_snapshot();
    void snapshot_step();
    int64_t now_ms() const;
    static int64_t wall_ms();

    server_options _opts;
    boost::asio::io_context _io{1};
    std::optional<boost::asio::ip::tcp::acceptor> _acceptor;
    std::unique_ptr<tree::processor> _processor;
    std::unique_ptr<tree::txn_log> _log;
    std::unique_ptr<tree::group_commit> _commit;
    std::thread _thread;
    uint16_t _port = 0;
    int64_t _durable = 0;
    int64_t _txns_since_snapshot = 0;
    int64_t _snapshot_at = 0;
    std::optional<tree::snapshot_builder> _snapshot; // a fuzzy snapshot being built
    uint64_t _next_conn_id = 1;
    std::map<uint64_t, std::shared_ptr<connection>> _connections;
    std::unordered_map<int64_t, std::weak_ptr<connection>> _by_session;
    std::unordered_map<std::string, int> _per_ip;
    std::vector<std::weak_ptr<connection>> _waiting;
    counters _stats;
    std::chrono::steady_clock::time_point _epoch = std::chrono::steady_clock::now();
    std::mutex _state_mutex;
    std::condition_variable _state_cv;
    bool _stopped = false;
    bool _running = false;
};

} // namespace brook::coordinator

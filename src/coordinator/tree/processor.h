#pragma once
// The request processor: turns decoded client requests into replies, txns and watch events against
// the data tree, the watch manager and the session tracker. No I/O: the server logs the txn
// (group commit) and holds the reply and events until that txn is durable.
//
// Pipeline for one request, all on the owner's thread:
//   prep (validate against current state, resolve sequential names, check ACLs) -> txn with the
//   next zxid -> apply to the tree -> fire watches -> build the reply.
// Writes are applied before they are durable; the server must not release any reply or event
// tagged with a zxid above the durable one, so no client ever sees an unlogged change.
// Thread: not thread-safe; one owner.
#include "brook/protocol/zookeeper/records.h"
#include "brook/protocol/zookeeper/requests.h"
#include "coordinator/tree/acl.h"
#include "coordinator/tree/data_tree.h"
#include "coordinator/tree/session_tracker.h"
#include "coordinator/tree/txn.h"
#include "coordinator/tree/watch_manager.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace brook::coordinator::tree {

struct processor_options {
    int32_t tick_ms = 2000;
    int32_t min_session_timeout_ms = 4000;
    int32_t max_session_timeout_ms = 40000;
    int32_t max_data_bytes = zk::default_max_buffer;
    int64_t server_id = 0;
};

/// What the processor knows about the connection a request came from.
struct client_context {
    int64_t session = 0;
    auth_info auth; // ip:<address> plus ids added by addauth
};

/// The result of one request.
struct outcome {
    zk::reply_header header;
    /// Encoded reply body (present only when header.err == 0 and the op has a body).
    bytes body;
    /// Encoded txn to append to the log before anything tagged `header.zxid` is released.
    std::optional<bytes> txn;
    /// Watch events this request fired, for any session; delivered before the reply.
    std::vector<watch_event> events;
    /// Close the connection after sending the reply (closeSession, failed auth).
    bool close = false;
    /// The session this request closed (closeSession or expiry), else 0.
    int64_t closed_session = 0;
};

struct connect_outcome {
    zk::connect_response response;
    std::optional<bytes> txn;
    int64_t zxid = 0;
    /// False when the session is unknown, expired or the password is wrong: the server sends the
    /// response (timeout 0) and closes.
    bool valid = false;
};

class processor {
public:
    explicit processor(processor_options opts, int64_t now_ms = 0);

    data_tree& tree() noexcept { return _tree; }
    const data_tree& tree() const noexcept { return _tree; }
    session_tracker& sessions() noexcept { return _sessions; }
    const session_tracker& sessions() const noexcept { return _sessions; }
    const watch_manager& watches() const noexcept { return _watches; }
    int64_t last_zxid() const noexcept { return _tree.last_zxid(); }

    /// Applies a txn read back from the log during recovery (no watches, no replies).
    void replay(const txn& t, int64_t now_ms);
    /// After recovery: restarts the expiry clock of every recovered session.
    void touch_all_sessions(int64_t now_ms);

    connect_outcome connect(const zk::connect_request& req, int64_t now_ms, int64_t wall_ms);
    /// Handles one request of an established session. `ctx.auth` may grow (addauth).
    outcome process(client_context& ctx, const zk::request& req, int64_t now_ms, int64_t wall_ms);
    /// Touches the session (any packet, including pings).
    bool touch(int64_t session, int64_t now_ms) { return _sessions.touch(session, now_ms); }
    /// Periodic work: closes expired sessions and removes empty containers and expired TTL nodes.
    std::vector<outcome> tick(int64_t now_ms, int64_t wall_ms);
    /// Forgets the watches of a session whose connection went away (they are re-set on reconnect).
    void drop_watches(int64_t session) { _watches.remove_session(session); }

private:
    outcome write(client_context& ctx, const zk::request& req, int64_t wall_ms);
    outcome read(client_context& ctx, const zk::request& req);
    outcome commit(const zk::request_header& h, int64_t session, txn_body body, int64_t wall_ms,
                   const std::vector<zk::op_code>* multi_types = nullptr);
    outcome close_session(int64_t session, int32_t xid, int64_t wall_ms);
    outcome set_watches(client_context& ctx, const zk::request& req);
    outcome watch_removal(client_context& ctx, const zk::request& req);
    outcome auth(client_context& ctx, const zk::request& req);
    outcome error(const zk::request_header& h, zk::error_code err) const;
    outcome ok(const zk::request_header& h) const;

    processor_options _opts;
    data_tree _tree;
    watch_manager _watches;
    session_tracker _sessions;
};

} // namespace brook::coordinator::tree

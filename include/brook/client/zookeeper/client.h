#pragma once
// An asynchronous ZooKeeper client: one session with one server at a time out of a host list.
//
// The same client talks to the broker's embedded coordinator over loopback, to a standalone
// brook-coordinator, and to an Apache ZooKeeper ensemble: it speaks only the ZooKeeper client
// protocol (jute; see brook/protocol/zookeeper/).
//
// Threading: the client runs on the io_context given at construction, on a strand of its own.
// Every callback — operation completions, watchers, the state listener — runs on that strand, one
// at a time. Operations may be started from any thread; those started from one thread are sent in
// that order, and ZooKeeper applies a session's requests in order. A callback must not block on
// another operation of the same client (use then()/co() instead of get() there).
//
// Session life cycle (see session_state): connecting -> connected <-> suspended, then one of the
// terminal states expired / auth_failed / closed. While suspended the client tries the hosts in
// turn and resumes the session (id + password) when a server takes it back; watches are then
// re-registered with SetWatches relative to the last zxid seen, so changes missed meanwhile fire
// at once. If no server answers for a whole negotiated session timeout, the client declares the
// session expired itself (the servers will have expired it), as the server would on reconnect.
#include "brook/client/zookeeper/errc.h"
#include "brook/client/zookeeper/operation.h"
#include "brook/client/zookeeper/types.h"
#include "brook/common/bytes.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace brook::client::zookeeper {

namespace detail {
class session;
}

struct client_options {
    /// "host:port,host:port[/chroot]". With a chroot every path sent is prefixed by it and every
    /// path received has it removed; the chroot node itself must exist.
    std::string connect_string;
    /// Requested session timeout; the server clamps it to [2, 20] x its tickTime.
    std::chrono::milliseconds session_timeout{10000};
    /// Time allowed for one TCP connect + handshake; 0 means session_timeout / number of hosts,
    /// within [0.5 s, 5 s].
    std::chrono::milliseconds connect_timeout{0};
    /// Try the hosts in a random order (spreads clients over an ensemble) instead of as listed.
    bool shuffle_hosts = true;
    /// Called on every session state change (on the client's strand).
    state_listener on_state;
    /// Resume an existing session instead of creating one (both 0/empty: new session).
    int64_t session_id = 0;
    bytes session_password;
};

class client {
public:
    /// Parses the options and starts connecting in the background. `io` must outlive the client
    /// and be run by some thread for anything to happen. Bad options (connect string) do not throw:
    /// every operation then fails with errc::invalid_connect_string.
    client(boost::asio::io_context& io, client_options options);
    /// Closes the session without waiting (like close(), completion ignored).
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Completes when the session is first established (or at once if it is), or fails when the
    /// client reaches a terminal state first.
    operation<void> wait_connected();
    /// Closes the session (when connected, the server deletes its ephemerals at once) and the
    /// connection. Pending and later requests fail with errc::closed.
    operation<void> close();

    /// Thread-safe snapshots of the session.
    session_state state() const noexcept;
    int64_t session_id() const noexcept;
    bytes session_password() const;
    std::chrono::milliseconds negotiated_timeout() const noexcept;

    // ---- operations (paths relative to the chroot) ----

    /// create: returns the created path (with the 10-digit suffix for sequential modes).
    operation<std::string> create(std::string path, bytes data, create_mode mode = create_mode::persistent,
                                  std::vector<acl> acl = open_acl_unsafe());
    /// create2: like create, also returns the new node's stat.
    operation<created_node> create2(std::string path, bytes data, create_mode mode = create_mode::persistent,
                                    std::vector<acl> acl = open_acl_unsafe());
    /// CreateTTL: a persistent node (`mode` persistent_with_ttl or persistent_sequential_with_ttl)
    /// that the server deletes once it has had no children and no change for `ttl`. Returns the
    /// path and stat like create2. Apache ZooKeeper accepts it only with extendedTypesEnabled=true
    /// (otherwise unimplemented); a mode without TTL or a ttl out of range fails with bad_arguments.
    operation<created_node> create_ttl(std::string path, bytes data, create_mode mode, std::chrono::milliseconds ttl,
                                       std::vector<acl> acl = open_acl_unsafe());
    /// delete (a keyword in C++): fails with bad_version unless `version` matches or is any_version.
    operation<void> remove(std::string path, int32_t version = any_version);
    /// exists: the stat, or nullopt if there is no such node. With a watcher, it fires when the
    /// node is created, changed or deleted (a one-shot watch, set either way).
    operation<std::optional<stat>> exists(std::string path, watcher w = {});
    /// getData; the watcher (one-shot) fires when the node changes or is deleted.
    operation<node_data> get_data(std::string path, watcher w = {});
    operation<stat> set_data(std::string path, bytes data, int32_t version = any_version);
    /// getChildren; the watcher (one-shot) fires when a child is added or removed, or the node is deleted.
    operation<std::vector<std::string>> get_children(std::string path, watcher w = {});
    operation<children_and_stat> get_children2(std::string path, watcher w = {});
    /// addWatch: a watch that stays until the session ends. persistent fires for every change of
    /// the node and its children list; persistent_recursive for every node-level change at or below it.
    operation<void> add_watch(std::string path, add_watch_mode mode, watcher w);
    /// removeWatches: removes this session's one-shot watches on `path` of `type` (children: child
    /// watches; data: data and exist watches; any: all three) from the server and from the client;
    /// the removed watchers are dropped without being called. Fails with no_watcher if the server
    /// has none. Persistent watches are not removed by the client (not supported yet).
    operation<void> remove_watches(std::string path, watcher_type type = watcher_type::any);
    /// checkWatches: succeeds if the server holds a watch of `type` on `path` for this session,
    /// fails with no_watcher otherwise; nothing is removed.
    operation<void> check_watches(std::string path, watcher_type type = watcher_type::any);
    /// multi: all operations commit or none. Fails only if the request itself failed (connection
    /// loss, ...); an aborted transaction is a multi_result with committed == false.
    operation<multi_result> multi(std::vector<multi_op> ops);
    /// multiRead: several reads in one request and one consistent view; one result per read, in
    /// order, each with its own error. Fails only if the request itself failed.
    operation<std::vector<read_result>> multi_read(std::vector<multi_read_op> ops);
    /// sync: completes once the server this client talks to has caught up with the leader.
    operation<std::string> sync(std::string path);
    operation<acl_and_stat> get_acl(std::string path);
    /// getEphemerals: this session's ephemeral nodes whose path starts with `prefix` (a string
    /// prefix: "/a/b" also matches "/a/bc"), in no particular order.
    operation<std::vector<std::string>> get_ephemerals(std::string prefix = "/");
    /// getAllChildrenNumber: the number of nodes below `path` at any depth (not counting itself).
    operation<int32_t> get_all_children_number(std::string path);
    operation<stat> set_acl(std::string path, std::vector<acl> acl, int32_t version = any_version);
    /// addauth (e.g. "digest", "user:password"); remembered and re-sent after every reconnect.
    /// Bad credentials end the session (state auth_failed).
    operation<void> add_auth(std::string scheme, bytes auth);

    // ---- recipes ----

    /// create(path, data, ephemeral).
    operation<std::string> create_ephemeral(std::string path, bytes data);
    /// Creates `prefix` + a 10-digit sequence number; returns the full path.
    operation<std::string> create_sequential(std::string prefix, bytes data, bool ephemeral = false);
    /// Creates `path` and any missing parents as empty persistent nodes; existing nodes are fine.
    operation<void> ensure_path(std::string path);
    /// Deletes `path` and everything below it (children first); a node that is already gone is fine.
    operation<void> delete_recursive(std::string path);

private:
    std::shared_ptr<detail::session> _session;
};

} // namespace brook::client::zookeeper

#pragma once
// The broker's session with its coordinator (embedded brook-coordinator, standalone
// brook-coordinator or Apache ZooKeeper: same client, same code) and the metadata kept there in
// Kafka's layout (see znodes.h).
//
// Threading: the ZooKeeper client runs on an io_context of its own with one thread owned here.
// The blocking calls (connect, ensure_cluster_id, register_broker, elect, load_*) are for the
// startup and shutdown thread only, before/after the network serves. publish_topic and
// request_delete only start asynchronous operations and return at once, so request handlers on
// network threads may call them. Watch callbacks (controller election, deletion requests) run on
// the client's thread.
#include "broker/metadata_store.h"
#include "broker/zk/znodes.h"
#include "brook/common/result.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace brook::broker::zk {

struct link_options {
    std::string connect_string;
    std::chrono::milliseconds session_timeout{18000};
    std::chrono::milliseconds connection_timeout{18000};
    int32_t node_id = 0;
};

class coordinator_link {
public:
    /// `metadata` must outlive the link; the link sets the controller id in it.
    explicit coordinator_link(metadata_store& metadata);
    /// Closes the session if still open.
    ~coordinator_link();
    coordinator_link(const coordinator_link&) = delete;
    coordinator_link& operator=(const coordinator_link&) = delete;

    /// Connects within connection_timeout and creates the top-level paths of the layout.
    result<void> connect(const link_options& opts);
    /// /cluster/id: created with `mine` if absent; returns the id stored there.
    result<std::string> ensure_cluster_id(const std::string& mine);
    /// Creates the ephemeral /brokers/ids/<id>. A node left by an earlier session of this broker
    /// (a crash) is waited for until that session expires, up to about one session timeout.
    result<void> register_broker(const std::vector<endpoint>& endpoints, const std::optional<std::string>& rack);
    /// Runs the /controller election once (waits for its outcome) and keeps a watch on
    /// /controller to run it again whenever the node goes away.
    result<void> elect();
    bool is_controller() const;
    int32_t controller_epoch() const;

    /// Every topic under /brokers/topics with its partition states and /config/topics overrides.
    result<std::vector<topic_metadata>> load_topics();
    /// Pending deletion requests (/admin/delete_topics children).
    result<std::vector<std::string>> pending_deletions();

    /// Writes /brokers/topics/<t>, its partition states and /config/topics/<t> in one transaction
    /// (asynchronous; failures are logged).
    void publish_topic(const topic_metadata& t);
    /// Creates /admin/delete_topics/<t> (asynchronous).
    void request_delete(const std::string& name);
    /// Installs the controller's handler for deletion requests (call before elect()). Once this
    /// broker is elected it watches /admin/delete_topics: each request runs `on_delete(name)`
    /// (local state), then the topic's znodes and the request node are removed.
    void watch_deletions(std::function<void(const std::string&)> on_delete);

    /// Closes the session: the server removes /brokers/ids/<id> and /controller at once.
    void close();

private:
    struct impl;
    std::shared_ptr<impl> _impl;
};

} // namespace brook::broker::zk

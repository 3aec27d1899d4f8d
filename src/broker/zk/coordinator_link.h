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
//
// Session loss: an expired session is replaced by a new one at once (the client thread), which
// writes /brokers/ids/<id> again, runs the controller election and re-installs the watches.
#include "broker/metadata_store.h"
#include "broker/metadata_writer.h"
#include "broker/zk/znodes.h"
#include "brook/common/result.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace brook::broker::zk {

struct link_options {
    std::string connect_string;
    std::chrono::milliseconds session_timeout{18000};
    std::chrono::milliseconds connection_timeout{18000};
    int32_t node_id = 0;
    /// Where the current session's id and password are kept (see session_file.h); empty: nowhere.
    /// At connect() a session left there by a crashed run is resumed and closed, so its
    /// ephemerals (/brokers/ids/<id>) go at once instead of after a session timeout.
    std::filesystem::path session_file;
};

/// The metadata_writer of a real cluster: the writes go to the coordinator.
class coordinator_link final : public metadata_writer {
public:
    /// `metadata` must outlive the link; the link sets the controller id in it.
    explicit coordinator_link(metadata_store& metadata);
    /// Closes the session if still open.
    ~coordinator_link() override;
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

    /// Completions of the asynchronous writes (write_done) run on the client's thread with success
    /// or the coordinator's error (client error codes), except errc::topic_exists as below.

    /// Writes /brokers/topics/<t>, its partition states and /config/topics/<t> in one transaction
    /// (asynchronous; failures are logged and passed to `done` if given, an existing topic as
    /// errc::topic_exists).
    void publish_topic(const topic_metadata& t, write_done done = {}) override;
    /// Added partitions: rewrites /brokers/topics/<t> and creates the states of partitions
    /// `first_new` and above, in one transaction (asynchronous).
    void publish_partitions(const topic_metadata& t, size_t first_new, write_done done) override;
    /// Creates /admin/delete_topics/<t> (asynchronous; an existing request counts as success).
    void request_delete(const std::string& name, write_done done = {}) override;

    /// Stores the config overrides of an entity as Kafka does: /config/<type>/<name> =
    /// {"version":1,"config":{...}} (created or replaced) together with the change notification
    /// /config/changes/config_change_<seq> = {"version":2,"entity_path":"<type>/<name>"}, in one
    /// transaction. `type` is "topics" or "brokers" (name: broker id or "<default>").
    void write_config(const std::string& type, const std::string& name,
                      const std::map<std::string, std::string>& configs, write_done done) override;
    using config_handler =
        std::function<void(const std::string& type, const std::string& name, std::map<std::string, std::string>)>;
    /// Follows Kafka's change notifications (also written by other tools): for every
    /// /config/changes child newer than those present now, reads /config/<entity_path> and passes
    /// it to `on_change` on the client's thread. Re-armed in a new session.
    void watch_config_changes(config_handler on_change);
    /// Reads /config/<type>/<name> (blocking; startup only). Empty when the node is absent.
    result<std::map<std::string, std::string>> load_config(const std::string& type, const std::string& name) override;
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

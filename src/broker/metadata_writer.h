#pragma once
// Where the controller stores its decisions so that the rest of the cluster (and this broker after
// a restart) sees them: in production the coordinator, in Kafka's ZooKeeper layout
// (zk::coordinator_link); in tests and the request fuzzer an in-memory fake.
//
// Keeping this interface free of any client or socket type is what lets the request path
// (handlers, controller, groups, logs) build as brook_broker_core without Asio.
//
// Threading: the asynchronous writes return at once, so request handlers on network threads may
// call them; `done` runs later on the writer's own thread (or, for a writer that completes at
// once, inside the call). load_config blocks and is for startup only.
#include "broker/metadata_store.h"
#include "brook/common/result.h"

#include <cstddef>
#include <functional>
#include <map>
#include <string>

namespace brook::broker {

class metadata_writer {
public:
    /// Completion of an asynchronous write: success or the store's error. An empty function is
    /// allowed (fire and forget; failures are logged by the writer).
    using write_done = std::function<void(result<void>)>;

    virtual ~metadata_writer() = default;

    /// Stores a new topic: its assignment, partition states and config overrides, all or nothing.
    /// Fails with errc::topic_exists when the store holds the topic already.
    virtual void publish_topic(const topic_metadata& t, write_done done) = 0;
    /// Stores a grown topic: the new assignment and the states of partitions `first_new` and up.
    virtual void publish_partitions(const topic_metadata& t, size_t first_new, write_done done) = 0;
    /// Records a deletion request for the controller (an existing request counts as success).
    virtual void request_delete(const std::string& name, write_done done) = 0;
    /// Replaces the config overrides of an entity and notifies the other brokers. `type` is
    /// "topics" or "brokers" (name: broker id or "<default>").
    virtual void write_config(const std::string& type, const std::string& name,
                              const std::map<std::string, std::string>& configs, write_done done) = 0;
    /// The stored config overrides of an entity; empty when none. Blocking: startup only.
    virtual result<std::map<std::string, std::string>> load_config(const std::string& type,
                                                                   const std::string& name) = 0;
};

} // namespace brook::broker

#include "broker/controller.h"

namespace brook::broker {

using protocol::kafka::error_code;

controller::controller(int32_t node_id, int32_t default_partitions, int16_t default_replication,
                       metadata_store& metadata, partition_manager& partitions, log_store& logs)
    : _node_id(node_id), _default_partitions(default_partitions), _default_replication(default_replication),
      _metadata(metadata), _partitions(partitions), _logs(logs) {}

topic_outcome controller::create_topic(const topic_request& req, bool validate_only) {
    std::lock_guard lock(_mutex);
    topic_outcome out;
    if (!valid_topic_name(req.name)) {
        out.error = error_code::invalid_topic_exception;
        out.message = "Topic name '" + req.name + "' is illegal: use 1-249 characters of [a-zA-Z0-9._-]";
        return out;
    }
    if (_metadata.topic(req.name)) {
        out.error = error_code::topic_already_exists;
        out.message = "Topic '" + req.name + "' already exists.";
        return out;
    }
    int32_t partitions = req.partitions == -1 ? _default_partitions : req.partitions;
    int16_t replication = req.replication_factor == -1 ? _default_replication : req.replication_factor;
    if (partitions <= 0) {
        out.error = error_code::invalid_partitions;
        out.message = "Number of partitions must be larger than 0.";
        return out;
    }
    auto live = _metadata.brokers();
    if (replication <= 0 || static_cast<size_t>(replication) > std::max<size_t>(live.size(), 1)) {
        out.error = error_code::invalid_replication_factor;
        out.message = "Replication factor: " + std::to_string(replication) +
                      " larger than available brokers: " + std::to_string(live.size()) + ".";
        return out;
    }
    topic_metadata t;
    t.name = req.name;
    t.id = random_topic_id();
    t.configs = req.configs;
    for (int32_t p = 0; p < partitions; ++p) {
        partition_assignment a;
        a.leader = _node_id;
        a.leader_epoch = 0;
        a.replicas = {_node_id};
        a.isr = {_node_id};
        t.partitions.push_back(std::move(a));
    }
    out.topic = t;
    if (validate_only) {
        return out;
    }
    for (int32_t p = 0; p < partitions; ++p) {
        auto created = _logs.create(log::topic_partition{t.name, p}, t.id);
        if (!created) {
            out.error = error_code::kafka_storage_error;
            out.message = "Cannot create the log of partition " + std::to_string(p) + ": " + created.error().message();
            out.topic.reset();
            return out;
        }
        _partitions.add(std::make_shared<partition>(t.name, p, created.value()));
    }
    if (_link) {
        _link->publish_topic(t);
    }
    _metadata.upsert_topic(std::move(t));
    return out;
}

error_code controller::delete_topic(const std::string& name) {
    std::lock_guard lock(_mutex);
    if (!_metadata.topic(name)) {
        return error_code::unknown_topic_or_partition;
    }
    remove_locked(name);
    if (_link) {
        _link->request_delete(name);
    }
    return error_code::none;
}

void controller::forget_topic(const std::string& name) {
    std::lock_guard lock(_mutex);
    if (_metadata.topic(name)) {
        remove_locked(name);
    }
}

void controller::attach(zk::coordinator_link* link) {
    std::lock_guard lock(_mutex);
    _link = link;
}

void controller::remove_locked(const std::string& name) {
    auto t = _metadata.topic(name);
    _metadata.remove_topic(name);
    _partitions.remove_topic(name);
    for (size_t p = 0; p < t->partitions.size(); ++p) {
        _logs.remove(log::topic_partition{name, static_cast<int32_t>(p)});
    }
}

} // namespace brook::broker

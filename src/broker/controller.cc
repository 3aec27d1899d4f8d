#include "broker/controller.h"

#include "brook/broker/errc.h"

namespace brook::broker {

using protocol::kafka::error_code;

namespace {

bool is_node_exists(const std::error_code& ec) {
    return ec == make_error_code(errc::topic_exists);
}

} // namespace

controller::controller(int32_t node_id, int32_t default_partitions, int16_t default_replication,
                       metadata_store& metadata, partition_manager& partitions, log_store& logs)
    : _node_id(node_id), _default_partitions(default_partitions), _default_replication(default_replication),
      _metadata(metadata), _partitions(partitions), _logs(logs) {}

topic_outcome controller::create_topic(const topic_request& req, bool validate_only) {
    std::lock_guard lock(_mutex);
    auto out = create_locked(req, validate_only);
    if (out.topic && !validate_only && _link) {
        _link->publish_topic(*out.topic, {});
    }
    return out;
}

void controller::create_topic_async(const topic_request& req, bool validate_only, topic_done done) {
    topic_outcome out;
    metadata_writer* link = nullptr;
    {
        std::lock_guard lock(_mutex);
        out = create_locked(req, validate_only);
        link = _link;
        if (out.topic && !validate_only && link) {
            _unpublished.insert(out.topic->name);
        }
    }
    if (!out.topic || validate_only || !link) {
        done(std::move(out));
        return;
    }
    // Published outside the lock: the completion may roll back through forget_topic().
    auto t = *out.topic;
    link->publish_topic(t, [this, out = std::move(out), done = std::move(done)](result<void> r) mutable {
        auto published = [&] {
            std::lock_guard lock(_mutex);
            // One instance: a re-creation after a rollback holds its own.
            if (auto it = _unpublished.find(out.topic->name); it != _unpublished.end()) {
                _unpublished.erase(it);
            }
        };
        if (r) {
            published();
        } else {
            // Another broker (or a znode left behind) has the topic: our local state goes.
            const bool exists = is_node_exists(r.error());
            forget_topic(out.topic->name);
            published();
            out.error = exists ? error_code::topic_already_exists : error_code::unknown_server_error;
            out.message = exists ? "Topic '" + out.topic->name + "' already exists."
                                 : "Cannot store topic '" + out.topic->name + "': " + r.error().message();
            out.topic.reset();
        }
        done(std::move(out));
    });
}

bool controller::awaiting_coordinator(const std::string& name) const {
    std::lock_guard lock(_mutex);
    return _unpublished.count(name) != 0;
}

topic_outcome controller::create_locked(const topic_request& req, bool validate_only) {
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
    for (const auto& [k, v] : req.configs) {
        if (auto why = check_topic_config(k, v)) {
            out.error = error_code::invalid_config;
            out.message = *why;
            return out;
        }
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
    const auto settings = log_config_for(t.configs);
    for (int32_t p = 0; p < partitions; ++p) {
        auto created = _logs.create(log::topic_partition{t.name, p}, t.id);
        if (!created) {
            out.error = error_code::kafka_storage_error;
            out.message = "Cannot create the log of partition " + std::to_string(p) + ": " + created.error().message();
            out.topic.reset();
            return out;
        }
        created.value()->update_config(settings);
        _partitions.add(std::make_shared<partition>(t.name, p, created.value()));
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
        _link->request_delete(name, {});
    }
    return error_code::none;
}

void controller::delete_topic_async(const std::string& name, change_done done) {
    std::lock_guard lock(_mutex);
    if (!_metadata.topic(name)) {
        done({error_code::unknown_topic_or_partition, "This server does not host this topic-partition."});
        return;
    }
    remove_locked(name);
    if (!_link) {
        done({});
        return;
    }
    _link->request_delete(name, [done, name](result<void> r) {
        if (!r) {
            done({error_code::unknown_server_error,
                  "Cannot request deletion of '" + name + "': " + r.error().message()});
        } else {
            done({});
        }
    });
}

void controller::forget_topic(const std::string& name) {
    std::lock_guard lock(_mutex);
    if (_metadata.topic(name)) {
        remove_locked(name);
    }
}

void controller::create_partitions(const std::string& name, int32_t count,
                                   const std::vector<std::vector<int32_t>>& assignments, bool validate_only,
                                   change_done done) {
    std::unique_lock lock(_mutex);
    auto t = _metadata.topic(name);
    if (!t) {
        done({error_code::unknown_topic_or_partition, "The topic '" + name + "' does not exist."});
        return;
    }
    const auto current = static_cast<int32_t>(t->partitions.size());
    if (count < current) {
        done({error_code::invalid_partitions, "Topic currently has " + std::to_string(current) +
                                                  " partitions, which is higher than the requested " +
                                                  std::to_string(count) + "."});
        return;
    }
    if (count == current) {
        done({error_code::invalid_partitions, "Topic already has " + std::to_string(current) + " partitions."});
        return;
    }
    const size_t rf = t->partitions.empty() ? 1 : t->partitions.front().replicas.size();
    if (!assignments.empty()) {
        if (assignments.size() != static_cast<size_t>(count - current)) {
            done({error_code::invalid_replica_assignment,
                  "Increasing the number of partitions by " + std::to_string(count - current) + " but " +
                      std::to_string(assignments.size()) + " assignments provided."});
            return;
        }
        auto live = _metadata.brokers();
        for (const auto& a : assignments) {
            if (a.size() != rf) {
                done({error_code::invalid_replica_assignment,
                      "Inconsistent replication factor between partitions, partition 0 has " + std::to_string(rf) +
                          " while the new assignment has " + std::to_string(a.size()) + "."});
                return;
            }
            for (int32_t b : a) {
                bool known = std::any_of(live.begin(), live.end(), [b](const auto& e) { return e.node_id == b; });
                if (!known) {
                    done({error_code::invalid_replica_assignment,
                          "Unknown broker(s) in replica assignment: " + std::to_string(b) + "."});
                    return;
                }
            }
        }
    }
    if (validate_only) {
        done({});
        return;
    }
    const auto settings = log_config_for(t->configs);
    for (int32_t p = current; p < count; ++p) {
        auto created = _logs.create(log::topic_partition{name, p}, t->id);
        if (!created) {
            done({error_code::kafka_storage_error,
                  "Cannot create the log of partition " + std::to_string(p) + ": " + created.error().message()});
            return;
        }
        created.value()->update_config(settings);
        _partitions.add(std::make_shared<partition>(name, p, created.value()));
        t->partitions.push_back(partition_assignment{_node_id, 0, {_node_id}, {_node_id}});
    }
    _metadata.upsert_topic(*t);
    if (!_link) {
        done({});
        return;
    }
    _link->publish_partitions(*t, current, [done, name](result<void> r) {
        if (!r) {
            done({error_code::unknown_server_error,
                  "Cannot store the new partitions of '" + name + "': " + r.error().message()});
        } else {
            done({});
        }
    });
}

void controller::alter_topic_configs(const std::string& name, config_map configs, change_done done) {
    auto apply = [this, name, configs, done](result<void> r) {
        if (!r) {
            done({error_code::unknown_server_error,
                  "Cannot store the configs of '" + name + "': " + r.error().message()});
            return;
        }
        if (!_metadata.set_topic_configs(name, configs)) {
            done({error_code::unknown_topic_or_partition, "Topic '" + name + "' does not exist."});
            return;
        }
        apply_log_configs(name);
        done({});
    };
    if (!_metadata.topic(name)) {
        done({error_code::unknown_topic_or_partition, "Topic '" + name + "' does not exist."});
        return;
    }
    if (!_link) {
        apply(success());
        return;
    }
    _link->write_config("topics", name, configs, std::move(apply));
}

void controller::alter_broker_configs(const std::string& entity, config_map configs, change_done done) {
    auto apply = [this, entity, configs, done](result<void> r) {
        if (!r) {
            done({error_code::unknown_server_error,
                  "Cannot store the configs of broker '" + entity + "': " + r.error().message()});
            return;
        }
        _metadata.set_broker_configs(entity, configs);
        apply_log_configs("");
        done({});
    };
    if (!_link) {
        apply(success());
        return;
    }
    _link->write_config("brokers", entity, configs, std::move(apply));
}

void controller::apply_config_change(const std::string& type, const std::string& name, config_map configs) {
    if (type == "topics") {
        auto t = _metadata.topic(name);
        if (t && t->configs != configs && _metadata.set_topic_configs(name, std::move(configs))) {
            apply_log_configs(name);
        }
    } else if (type == "brokers" && (name == default_broker_entity || name == std::to_string(_node_id))) {
        if (_metadata.broker_configs(name) != configs) {
            _metadata.set_broker_configs(name, std::move(configs));
            apply_log_configs("");
        }
    }
}

dynamic_broker_configs controller::broker_configs() const {
    return {_metadata.broker_configs(std::string(default_broker_entity)),
            _metadata.broker_configs(std::to_string(_node_id))};
}

config_values controller::effective_config() const {
    return effective_broker_config(*_static, broker_configs());
}

result<void> controller::restore_configs(const config_values& static_cfg) {
    {
        std::lock_guard lock(_mutex);
        _static = &static_cfg;
    }
    if (_link) {
        for (const std::string& entity : {std::string(default_broker_entity), std::to_string(_node_id)}) {
            BOOST_OUTCOME_TRY(auto configs, _link->load_config("brokers", entity));
            _metadata.set_broker_configs(entity, std::move(configs));
        }
    }
    apply_log_configs("");
    return success();
}

std::shared_ptr<log::partition_log> controller::log_of(const std::string& topic, int32_t partition) const {
    return _logs.find(log::topic_partition{topic, partition});
}

void controller::attach(metadata_writer* link) {
    std::lock_guard lock(_mutex);
    _link = link;
}

log::log_config controller::log_config_for(const config_map& overrides) const {
    if (!_static) {
        return _logs.defaults();
    }
    return topic_log_config(effective_config(), overrides);
}

void controller::apply_log_configs(const std::string& name) {
    if (!_static) {
        return;
    }
    const auto effective = effective_config();
    std::vector<topic_metadata> topics;
    if (name.empty()) {
        topics = _metadata.topics();
    } else if (auto t = _metadata.topic(name)) {
        topics.push_back(std::move(*t));
    }
    for (const auto& t : topics) {
        const auto settings = topic_log_config(effective, t.configs);
        for (size_t p = 0; p < t.partitions.size(); ++p) {
            if (auto l = _logs.find(log::topic_partition{t.name, static_cast<int32_t>(p)})) {
                l->update_config(settings);
            }
        }
    }
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

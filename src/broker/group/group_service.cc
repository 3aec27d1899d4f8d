#include "broker/group/group_service.h"

#include "brook/common/logging.h"
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace brook::broker::group {

namespace kafka = protocol::kafka;

coordinator_config coordinator_config_from(const config_values& cfg) {
    coordinator_config c;
    c.num_partitions = cfg.get_int("offsets.topic.num.partitions");
    c.min_session_timeout_ms = cfg.get_int("group.min.session.timeout.ms");
    c.max_session_timeout_ms = cfg.get_int("group.max.session.timeout.ms");
    c.initial_rebalance_delay_ms = cfg.get_int("group.initial.rebalance.delay.ms");
    c.max_group_size = cfg.get_int("group.max.size");
    c.offsets_retention_ms = int64_t{cfg.get_int("offsets.retention.minutes")} * 60'000;
    c.offsets_retention_check_interval_ms = cfg.get_long("offsets.retention.check.interval.ms");
    return c;
}

partition_offsets_log::partition_offsets_log(metadata_store& metadata, partition_manager& partitions,
                                             purgatory& waiting)
    : _metadata(metadata), _partitions(partitions), _waiting(waiting) {}

error_code partition_offsets_log::append(int32_t partition, const std::vector<record>& records) {
    const std::string topic(offsets_topic);
    auto t = _metadata.topic(topic);
    auto p = _partitions.get(topic, partition);
    if (!t || !p || static_cast<size_t>(partition) >= t->partitions.size()) {
        return error_code::not_coordinator;
    }
    const int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    kafka::record_batch_builder b;
    for (const auto& r : records) {
        kafka::record_input in;
        in.timestamp = now;
        in.key = bytes_view(r.key);
        if (r.value) {
            in.value = bytes_view(*r.value);
        }
        b.append(in);
    }
    auto batch = b.build();
    if (!batch) {
        return error_code::unknown_server_error;
    }
    auto appended = p->append(std::move(batch).value(), t->partitions[static_cast<size_t>(partition)].leader_epoch);
    if (appended.error != error_code::none) {
        return appended.error;
    }
    _waiting.notify(partition_manager::key(topic, partition));
    return error_code::none;
}

error_code
partition_offsets_log::replay(int32_t partition,
                              const std::function<void(bytes_view key, std::optional<bytes_view> value)>& fn) {
    auto p = _partitions.get(std::string(offsets_topic), partition);
    if (!p) {
        return error_code::not_coordinator;
    }
    int64_t next = p->log_start_offset();
    const int64_t end = p->high_watermark();
    while (next < end) {
        auto got = p->read(next, 8 << 20, true);
        if (got.error != error_code::none) {
            return got.error;
        }
        if (got.records.empty()) {
            break;
        }
        auto batches = kafka::split_record_batches(bytes_view(got.records), true);
        if (!batches || batches.value().empty()) {
            break;
        }
        for (auto whole : batches.value()) {
            auto decoded = kafka::decoded_record_batch::decode(whole, kafka::default_max_decompressed_batch);
            if (!decoded) {
                return error_code::corrupt_message;
            }
            const auto& h = decoded.value().header();
            const int64_t last = h.base_offset + h.last_offset_delta;
            if (last < next) {
                continue;
            }
            next = last + 1;
            if (h.is_control()) {
                continue;
            }
            auto recs = decoded.value().all_records();
            if (!recs) {
                return error_code::corrupt_message;
            }
            for (const auto& r : recs.value()) {
                if (r.key) {
                    fn(*r.key, r.value);
                }
            }
        }
    }
    return error_code::none;
}

group_service::group_service(const config_values& cfg, int32_t node_id, metadata_store& metadata,
                             partition_manager& partitions, controller& topics, purgatory& waiting)
    : _cfg(cfg), _node_id(node_id), _metadata(metadata), _topics(topics),
      _own_scheduler(std::make_unique<thread_scheduler>()), _log(metadata, partitions, waiting),
      _coordinator(coordinator_config_from(cfg), *_own_scheduler, _log) {}

group_service::group_service(const config_values& cfg, int32_t node_id, metadata_store& metadata,
                             partition_manager& partitions, controller& topics, purgatory& waiting, scheduler& timers)
    : _cfg(cfg), _node_id(node_id), _metadata(metadata), _topics(topics), _log(metadata, partitions, waiting),
      _coordinator(coordinator_config_from(cfg), timers, _log) {}

group_service::~group_service() {
    stop();
}

void group_service::start() {
    load_led_partitions();
}

void group_service::stop() {
    _coordinator.shutdown();
    if (_own_scheduler) {
        _own_scheduler->stop();
    }
}

void group_service::load_led_partitions() {
    auto t = _metadata.topic(std::string(offsets_topic));
    if (!t) {
        return;
    }
    for (size_t p = 0; p < t->partitions.size(); ++p) {
        if (t->partitions[p].leader != _node_id) {
            continue;
        }
        auto e = _coordinator.load_partition(static_cast<int32_t>(p));
        if (e != error_code::none) {
            get_logger("brook.broker.group")
                ->error("Cannot load {}-{}: error {}", offsets_topic, p, static_cast<int>(e));
        }
    }
}

error_code group_service::ensure_topic(std::string_view name, int32_t partitions, int32_t replication) {
    std::lock_guard lock(_create_mutex);
    if (_metadata.topic(std::string(name))) {
        return error_code::none;
    }
    topic_request req;
    req.name = std::string(name);
    req.partitions = partitions;
    const auto live = static_cast<int32_t>(std::max<size_t>(_metadata.brokers().size(), 1));
    req.replication_factor = static_cast<int16_t>(std::min(replication, live));
    req.configs["cleanup.policy"] = "compact";
    req.configs["compression.type"] = "producer";
    if (name == offsets_topic) {
        req.configs["segment.bytes"] = std::to_string(_cfg.get_int("offsets.topic.segment.bytes"));
    }
    auto out = _topics.create_topic(req);
    if (out.error != error_code::none && out.error != error_code::topic_already_exists) {
        get_logger("brook.broker.group")->error("Cannot create {}: {}", name, out.message);
        return error_code::coordinator_not_available;
    }
    get_logger("brook.broker.group")->info("Created internal topic {} with {} partitions", name, partitions);
    if (name == offsets_topic) {
        load_led_partitions();
    }
    return error_code::none;
}

coordinator_lookup group_service::find_coordinator(const std::string& key, int8_t key_type) {
    coordinator_lookup out;
    if (key_type != 0 && key_type != 1) {
        out.error = error_code::invalid_request;
        return out;
    }
    if (key.empty()) {
        out.error = error_code::invalid_request;
        return out;
    }
    const std::string_view topic = key_type == 0 ? offsets_topic : transaction_topic;
    const int32_t partitions = key_type == 0 ? _cfg.get_int("offsets.topic.num.partitions")
                                             : _cfg.get_int("transaction.state.log.num.partitions");
    const int32_t replication = key_type == 0 ? _cfg.get_int("offsets.topic.replication.factor")
                                              : _cfg.get_int("transaction.state.log.replication.factor");
    if (auto e = ensure_topic(topic, partitions, replication); e != error_code::none) {
        out.error = e;
        return out;
    }
    auto t = _metadata.topic(std::string(topic));
    if (!t || t->partitions.empty()) {
        out.error = error_code::coordinator_not_available;
        return out;
    }
    const int32_t p = partition_for(key, static_cast<int32_t>(t->partitions.size()));
    out.node_id = t->partitions[static_cast<size_t>(p)].leader;
    if (out.node_id < 0) {
        out.error = error_code::coordinator_not_available;
    } else if (key_type == 0 && out.node_id == _node_id && !_coordinator.owns(key)) {
        out.error = error_code::coordinator_not_available;
    }
    return out;
}

} // namespace brook::broker::group

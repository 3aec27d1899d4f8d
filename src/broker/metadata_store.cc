#include "broker/metadata_store.h"

#include <mutex>
#include <random>

namespace brook::broker {

bool valid_topic_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 249 || name == "." || name == "..") {
        return false;
    }
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

topic_id random_topic_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    topic_id id{};
    for (size_t i = 0; i < id.size(); i += 8) {
        uint64_t v = rng();
        for (size_t j = 0; j < 8; ++j) {
            id[i + j] = static_cast<uint8_t>(v >> (8 * j));
        }
    }
    id[6] = static_cast<uint8_t>((id[6] & 0x0f) | 0x40);
    id[8] = static_cast<uint8_t>((id[8] & 0x3f) | 0x80);
    return id;
}

void metadata_store::set_cluster_id(std::string id) {
    std::unique_lock lock(_mutex);
    _cluster_id = std::move(id);
}

std::string metadata_store::cluster_id() const {
    std::shared_lock lock(_mutex);
    return _cluster_id;
}

void metadata_store::set_controller(int32_t id) {
    std::unique_lock lock(_mutex);
    _controller = id;
}

int32_t metadata_store::controller() const {
    std::shared_lock lock(_mutex);
    return _controller;
}

void metadata_store::upsert_broker(broker_endpoint b) {
    std::unique_lock lock(_mutex);
    auto id = b.node_id;
    _brokers[id] = std::move(b);
}

std::vector<broker_endpoint> metadata_store::brokers() const {
    std::shared_lock lock(_mutex);
    std::vector<broker_endpoint> out;
    for (const auto& [id, b] : _brokers) {
        out.push_back(b);
    }
    return out;
}

void metadata_store::upsert_topic(topic_metadata t) {
    std::unique_lock lock(_mutex);
    auto name = t.name;
    _topics[name] = std::move(t);
}

void metadata_store::remove_topic(const std::string& name) {
    std::unique_lock lock(_mutex);
    _topics.erase(name);
}

std::optional<topic_metadata> metadata_store::topic(const std::string& name) const {
    std::shared_lock lock(_mutex);
    auto it = _topics.find(name);
    if (it == _topics.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<topic_metadata> metadata_store::topic_by_id(const topic_id& id) const {
    std::shared_lock lock(_mutex);
    for (const auto& [name, t] : _topics) {
        if (t.id == id) {
            return t;
        }
    }
    return std::nullopt;
}

std::vector<topic_metadata> metadata_store::topics() const {
    std::shared_lock lock(_mutex);
    std::vector<topic_metadata> out;
    out.reserve(_topics.size());
    for (const auto& [name, t] : _topics) {
        out.push_back(t);
    }
    return out;
}

bool metadata_store::set_topic_configs(const std::string& name, std::map<std::string, std::string> configs) {
    std::unique_lock lock(_mutex);
    auto it = _topics.find(name);
    if (it == _topics.end()) {
        return false;
    }
    it->second.configs = std::move(configs);
    return true;
}

void metadata_store::set_broker_configs(const std::string& entity, std::map<std::string, std::string> configs) {
    std::unique_lock lock(_mutex);
    _broker_configs[entity] = std::move(configs);
}

std::map<std::string, std::string> metadata_store::broker_configs(const std::string& entity) const {
    std::shared_lock lock(_mutex);
    auto it = _broker_configs.find(entity);
    return it == _broker_configs.end() ? std::map<std::string, std::string>{} : it->second;
}

} // namespace brook::broker

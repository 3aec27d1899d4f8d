#include "broker/partition_manager.h"

#include <mutex>

namespace brook::broker {

void partition_manager::add(std::shared_ptr<partition> p) {
    std::unique_lock lock(_mutex);
    auto key = std::pair{p->topic(), p->index()};
    _partitions[key] = std::move(p);
}

std::shared_ptr<partition> partition_manager::get(const std::string& topic, int32_t index) const {
    std::shared_lock lock(_mutex);
    auto it = _partitions.find({topic, index});
    return it == _partitions.end() ? nullptr : it->second;
}

void partition_manager::remove_topic(const std::string& topic) {
    std::unique_lock lock(_mutex);
    auto it = _partitions.lower_bound({topic, INT32_MIN});
    while (it != _partitions.end() && it->first.first == topic) {
        it = _partitions.erase(it);
    }
}

size_t partition_manager::size() const {
    std::shared_lock lock(_mutex);
    return _partitions.size();
}

std::string partition_manager::key(const std::string& topic, int32_t index) {
    return topic + "/" + std::to_string(index);
}

} // namespace brook::broker

#include "broker/partition_manager.h"

#include <mutex>

namespace brook::broker {

std::shared_ptr<partition> partition_manager::get_or_create(const std::string& topic, int32_t index) {
    if (auto p = get(topic, index)) {
        return p;
    }
    std::unique_lock lock(_mutex);
    auto& slot = _partitions[{topic, index}];
    if (!slot) {
        slot = std::make_shared<partition>(topic, index);
    }
    return slot;
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

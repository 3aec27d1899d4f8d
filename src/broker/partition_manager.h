#pragma once
// The partitions this broker hosts, by topic and index. Lookups take a shared lock; partitions
// are shared_ptr-owned so a request keeps using one that is being deleted. Thread-safe.
#include "broker/partition.h"

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>

namespace brook::broker {

class partition_manager {
public:
    /// Adds (or replaces) a hosted partition.
    void add(std::shared_ptr<partition> p);
    std::shared_ptr<partition> get(const std::string& topic, int32_t index) const;
    void remove_topic(const std::string& topic);
    size_t size() const;

    /// The purgatory key of a partition.
    static std::string key(const std::string& topic, int32_t index);

private:
    mutable std::shared_mutex _mutex;
    std::map<std::pair<std::string, int32_t>, std::shared_ptr<partition>> _partitions;
};

} // namespace brook::broker

#pragma once
// meta.properties in a log dir, as Kafka writes it (ZooKeeper mode, version 0):
//
//   #Written by brook-broker
//   version=0
//   broker.id=<int>
//   cluster.id=<22-character URL-safe base64 of 16 random bytes>
//
// It pins a log dir to one cluster and one broker id across restarts.
#include "brook/common/result.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace brook::broker {

struct meta_properties {
    int32_t broker_id = -1;
    std::string cluster_id;
};

/// A new random cluster id in Kafka's format.
std::string random_cluster_id();

/// Reads `dir`/meta.properties; if it is missing, creates `dir` and writes one with
/// `wanted_broker_id` and `new_cluster_id` (a new random one if empty). A file whose broker.id differs from a wanted id
/// >= 0 is an error (common::errc::invalid_value), as in Kafka.
result<meta_properties> load_or_create_meta(const std::filesystem::path& dir, int32_t wanted_broker_id,
                                            const std::string& new_cluster_id = {});

} // namespace brook::broker

#pragma once
// The broker's configuration keys: Kafka's server.properties names, types and defaults, plus the
// embedded coordinator's `coordinator.embedded.*`.
#include "brook/common/config.h"

namespace brook::broker {

/// The registry of every key the broker understands. Built once; lives for the whole process.
const config_registry& broker_config_registry();

/// Effective retention in milliseconds from log.retention.ms / .minutes / .hours (first set wins, as in Kafka).
int64_t effective_retention_ms(const config_values& cfg);
/// Effective segment roll time from log.roll.ms / log.roll.hours.
int64_t effective_roll_ms(const config_values& cfg);
/// The embedded coordinator's data dir: coordinator.embedded.data.dir, else the first log dir + "-coordinator".
std::string embedded_coordinator_data_dir(const config_values& cfg);

} // namespace brook::broker

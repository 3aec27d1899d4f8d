#pragma once
// The coordinator's configuration keys: ZooKeeper's zoo.cfg names, types and defaults.
#include "brook/common/config.h"

namespace brook::coordinator {

/// The registry of every zoo.cfg key the coordinator understands. Built once; lives for the process.
const config_registry& coordinator_config_registry();

/// minSessionTimeout / maxSessionTimeout with ZooKeeper's defaults of 2 and 20 ticks when unset (-1).
int32_t effective_min_session_timeout(const config_values& cfg);
int32_t effective_max_session_timeout(const config_values& cfg);

} // namespace brook::coordinator

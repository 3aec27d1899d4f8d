#pragma once
// Kafka's topic configs and dynamic broker configs: names, types and ranges, validation, and how
// the layers combine into the settings of a partition log.
//
// Precedence, as in Kafka: a topic override (/config/topics/<t>), else the broker synonym set
// dynamically for this broker (/config/brokers/<id>), else set dynamically for the whole cluster
// (/config/brokers/<default>), else server.properties, else the built-in default.
#include "brook/common/config.h"
#include "brook/log/log_config.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace brook::broker {

using config_map = std::map<std::string, std::string>;

/// The entity name of the cluster-wide dynamic broker configs (/config/brokers/<default>).
inline constexpr std::string_view default_broker_entity = "<default>";

/// DescribeConfigs' config sources (wire values).
enum class config_source : int8_t {
    unknown = 0,
    dynamic_topic = 1,
    dynamic_broker = 2,
    dynamic_default_broker = 3,
    static_broker = 4,
    default_config = 5,
};

/// Every topic config of Kafka 3.8 with its type and valid range (no defaults: they derive from
/// the broker).
const config_registry& topic_config_registry();
/// The broker key a topic config takes its default from ("" when none).
std::string_view broker_synonym(std::string_view topic_key);

/// Why `key=value` is not a valid topic config (unknown key, bad type or range); nullopt if valid.
std::optional<std::string> check_topic_config(std::string_view key, std::string_view value);
/// Broker keys that can be set dynamically: the broker synonyms of topic configs.
bool is_dynamic_broker_config(std::string_view key);
/// Why `key=value` cannot be set as a dynamic broker config; nullopt if it can.
std::optional<std::string> check_broker_config(std::string_view key, std::string_view value);

/// The dynamic layers of this broker's configuration.
struct dynamic_broker_configs {
    config_map cluster_default;
    config_map this_broker;
};

/// `static_cfg` with the dynamic layers applied (values that do not parse are skipped).
config_values effective_broker_config(const config_values& static_cfg, const dynamic_broker_configs& dyn);
/// Where the value of broker key `key` comes from.
config_source broker_config_source(const config_values& static_cfg, const dynamic_broker_configs& dyn,
                                   std::string_view key);

/// A partition log's settings: those of the effective broker configuration with the topic's
/// overrides on top (overrides that do not parse are ignored).
log::log_config topic_log_config(const config_values& effective_broker, const config_map& overrides);

} // namespace brook::broker

#pragma once
// Logging setup: spdlog with lines shaped like Kafka's log4j output,
//   [2026-11-22 10:15:42,123] INFO Started listener on 0.0.0.0:9092 (brook.broker.network)
// One named logger per module, obtained at the module's edges (never in protocol/log hot paths).
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace brook {

/// Configures the default sink (stderr) and level for the process. `level` is one of
/// trace, debug, info, warn, error, off (case-insensitive); unknown levels throw std::invalid_argument.
/// Call once at startup, before any other thread logs.
void setup_logging(std::string_view level);

/// Returns the process-wide logger with this name, creating it on first use. Thread-safe.
std::shared_ptr<spdlog::logger> get_logger(const std::string& name);

} // namespace brook

#pragma once
// Producer options shared by `brook produce` and `brook perf produce`.
#include "args.h"
#include "brook/client/kafka/config.h"

#include <string>

namespace brook::cli {

/// Value options the producer commands accept.
inline const std::vector<std::string> producer_option_names = {"acks",       "compression-type", "linger-ms",
                                                               "batch-size", "retries",          "max-in-flight"};

/// Fills `cfg` from --acks (all|-1|0|1), --compression-type (none|gzip|snappy|lz4|zstd),
/// --linger-ms, --batch-size, --retries, --max-in-flight. Returns an error message or "".
std::string producer_settings(const parsed_args& a, client::kafka::producer_config& cfg);

} // namespace brook::cli

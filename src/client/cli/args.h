#pragma once
// Command-line parsing for `brook`: Kafka-tool style long options ("--name value",
// "--name=value", flags), validated against each command's list of known options.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace brook::cli {

/// Exit codes scripts can rely on.
namespace exit_code {
inline constexpr int ok = 0;
/// The cluster answered with an error (or a record could not be delivered).
inline constexpr int cluster_error = 1;
/// Bad arguments or usage.
inline constexpr int bad_arguments = 2;
/// No broker could be reached.
inline constexpr int unreachable = 3;
} // namespace exit_code

struct option_spec {
    std::vector<std::string> with_value;
    std::vector<std::string> flags;
};

class parsed_args {
public:
    bool has(std::string_view name) const;
    std::optional<std::string> get(std::string_view name) const;
    std::string get_or(std::string_view name, std::string fallback) const;
    /// Every value of a repeatable option; comma-separated values are split when `split_commas`.
    std::vector<std::string> all(std::string_view name, bool split_commas = false) const;
    /// Integer value; sets `error` and returns nullopt when present but not an integer.
    std::optional<int64_t> get_int(std::string_view name, std::string& error) const;

    std::map<std::string, std::vector<std::string>, std::less<>> values;
    std::set<std::string, std::less<>> flags;
};

/// Parses argv[first..argc). The common options (--bootstrap-server, --json, --help,
/// --request-timeout-ms, --client-id) are always allowed. Returns nullopt with `error` set.
std::optional<parsed_args> parse_args(int argc, char** argv, int first, const option_spec& spec, std::string& error);

/// Splits "k=v" into its parts; nullopt without '='.
std::optional<std::pair<std::string, std::string>> split_key_value(std::string_view kv);

} // namespace brook::cli

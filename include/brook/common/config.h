#pragma once
// A typed configuration registry, shared by the broker (server.properties keys) and the coordinator
// (zoo.cfg keys). Each module defines its keys once — name, type, default, valid range, documentation —
// and loads values from a .properties file plus `--override key=value` arguments.
//
// Rules:
//   - an unknown key is a warning (the key is kept, so it is still visible to `raw()`);
//   - a value of the wrong type or out of range is an error naming the file, line, key and reason;
//   - overrides come after the file and name "--override" as their source.
#include "brook/common/properties.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace brook {

enum class config_type { boolean, int32, int64, float64, string, list };

std::string_view to_string(config_type t) noexcept;

using config_value = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

/// One key of a registry.
struct config_key {
    std::string name;
    config_type type = config_type::string;
    /// Default in textual form (parsed and checked at definition time); nullopt = no default.
    std::optional<std::string> default_text;
    std::string doc;
    /// Inclusive bounds for numeric types.
    std::optional<double> min;
    std::optional<double> max;
    /// Allowed values for strings (and each element of lists); empty = any.
    std::vector<std::string> one_of;
    /// When true, `name` is a prefix: any key starting with it belongs to this definition
    /// (e.g. zoo.cfg's `server.` for `server.1=host:2888:3888`).
    bool prefix = false;
};

/// Where a value came from, for error messages.
struct config_origin {
    std::string file; // "--override" for command-line overrides, "" for defaults
    size_t line = 0;
};

struct config_problem {
    config_origin origin;
    std::string key;
    std::string reason;
    /// "file:line: key: reason"
    std::string to_string() const;
};

class config_registry {
public:
    /// Adds a key. Throws std::logic_error if the name is taken or the default does not parse:
    /// a bad definition is a programming error.
    config_registry& define(config_key key);

    const config_key* find(std::string_view name) const;
    const std::vector<config_key>& keys() const noexcept { return _keys; }

    /// Parses `text` as a value of `key`'s type and checks its range. The error is a reason phrase.
    static std::variant<config_value, std::string> parse_value(const config_key& key, std::string_view text);

private:
    std::vector<config_key> _keys;
};

/// A set of values for one registry. Holds a reference to the registry: it must outlive this.
class config_values {
public:
    explicit config_values(const config_registry& registry);

    /// Sets from text, with checks. Returns the problem instead of setting when the value is bad;
    /// unknown keys are stored and reported as a warning-level problem in `warnings`.
    std::optional<config_problem> set(std::string_view key, std::string_view text, config_origin origin = {});

    bool has(std::string_view key) const;
    /// True if the value was set explicitly (not from the default).
    bool is_set(std::string_view key) const;

    /// Typed getters. REQUIRES: the key is defined with a matching type and has a value or a default;
    /// otherwise throws std::logic_error (a programming error).
    bool get_bool(std::string_view key) const;
    int32_t get_int(std::string_view key) const;
    int64_t get_long(std::string_view key) const;
    double get_double(std::string_view key) const;
    const std::string& get_string(std::string_view key) const;
    const std::vector<std::string>& get_list(std::string_view key) const;

    /// Every explicitly set entry (known and unknown keys) as text, sorted by key.
    const std::map<std::string, std::string, std::less<>>& raw() const noexcept { return _raw; }
    /// Explicitly set keys starting with `prefix` (for prefix definitions like `server.`).
    std::vector<std::pair<std::string, std::string>> with_prefix(std::string_view prefix) const;

    const std::vector<config_problem>& warnings() const noexcept { return _warnings; }
    const config_registry& registry() const noexcept { return *_registry; }

private:
    const config_value& get(std::string_view key, config_type type) const;

    const config_registry* _registry;
    std::map<std::string, config_value, std::less<>> _values;
    std::map<std::string, config_value, std::less<>> _defaults;
    std::map<std::string, std::string, std::less<>> _raw;
    std::vector<config_problem> _warnings;
};

struct config_load_result {
    std::optional<config_values> values;
    std::vector<config_problem> errors;
    std::vector<config_problem> warnings;
};

/// Loads `path` (a .properties file) and then applies `overrides` ("key=value" strings, later wins).
/// Errors: unreadable file, malformed lines, bad values, malformed overrides. When `errors` is not
/// empty, `values` is empty.
config_load_result load_config(const config_registry& registry, const std::string& path,
                               const std::vector<std::string>& overrides);

/// Same as load_config, from text already in memory (`name` is used in messages).
config_load_result load_config_text(const config_registry& registry, std::string_view text, const std::string& name,
                                    const std::vector<std::string>& overrides);

} // namespace brook

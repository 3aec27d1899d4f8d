#include "brook/common/config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace brook {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string format_number(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e18) {
        return std::to_string(static_cast<int64_t>(v));
    }
    std::ostringstream os;
    os << v;
    return os.str();
}

config_problem make_problem(std::string file, size_t line, std::string key, std::string reason) {
    config_problem p;
    p.origin.file = std::move(file);
    p.origin.line = line;
    p.key = std::move(key);
    p.reason = std::move(reason);
    return p;
}

std::optional<std::string> check_range(const config_key& key, double v) {
    if ((key.min && v < *key.min) || (key.max && v > *key.max)) {
        std::string range = "[" + (key.min ? format_number(*key.min) : std::string("...")) + ", " +
                            (key.max ? format_number(*key.max) : std::string("...")) + "]";
        return "value " + format_number(v) + " is outside the valid range " + range;
    }
    return std::nullopt;
}

std::optional<std::string> check_one_of(const config_key& key, const std::string& v) {
    if (key.one_of.empty() || std::find(key.one_of.begin(), key.one_of.end(), v) != key.one_of.end()) {
        return std::nullopt;
    }
    std::string allowed;
    for (const auto& a : key.one_of) {
        allowed += (allowed.empty() ? "" : ", ") + a;
    }
    return "value '" + v + "' is not one of: " + allowed;
}

} // namespace

std::string_view to_string(config_type t) noexcept {
    switch (t) {
    case config_type::boolean:
        return "boolean";
    case config_type::int32:
        return "int";
    case config_type::int64:
        return "long";
    case config_type::float64:
        return "double";
    case config_type::string:
        return "string";
    case config_type::list:
        return "list";
    }
    return "?";
}

std::string config_problem::to_string() const {
    std::string out;
    if (!origin.file.empty()) {
        out += origin.file;
        if (origin.line > 0) {
            out += ":" + std::to_string(origin.line);
        }
        out += ": ";
    }
    if (!key.empty()) {
        out += key + ": ";
    }
    return out + reason;
}

config_registry& config_registry::define(config_key key) {
    if (find(key.name) != nullptr && find(key.name)->name == key.name) {
        throw std::logic_error("config key defined twice: " + key.name);
    }
    if (key.default_text) {
        auto parsed = parse_value(key, *key.default_text);
        if (auto* err = std::get_if<std::string>(&parsed)) {
            throw std::logic_error("bad default for config key " + key.name + ": " + *err);
        }
    }
    _keys.push_back(std::move(key));
    return *this;
}

const config_key* config_registry::find(std::string_view name) const {
    for (const auto& k : _keys) {
        if (!k.prefix && k.name == name) {
            return &k;
        }
    }
    for (const auto& k : _keys) {
        if (k.prefix && name.size() > k.name.size() && name.starts_with(k.name)) {
            return &k;
        }
    }
    return nullptr;
}

std::variant<config_value, std::string> config_registry::parse_value(const config_key& key, std::string_view raw) {
    std::string_view text = trim(raw);
    switch (key.type) {
    case config_type::boolean: {
        std::string lower(text);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == "true") {
            return config_value(true);
        }
        if (lower == "false") {
            return config_value(false);
        }
        return "expected true or false, got '" + std::string(text) + "'";
    }
    case config_type::int32:
    case config_type::int64: {
        int64_t v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
            return "expected an integer, got '" + std::string(text) + "'";
        }
        if (key.type == config_type::int32 && (v < INT32_MIN || v > INT32_MAX)) {
            return "value " + std::string(text) + " does not fit in a 32-bit int";
        }
        if (auto err = check_range(key, static_cast<double>(v))) {
            return *err;
        }
        return config_value(v);
    }
    case config_type::float64: {
        std::string s(text);
        char* end = nullptr;
        errno = 0;
        double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v)) {
            return "expected a number, got '" + s + "'";
        }
        if (auto err = check_range(key, v)) {
            return *err;
        }
        return config_value(v);
    }
    case config_type::string: {
        std::string s(text);
        if (auto err = check_one_of(key, s)) {
            return *err;
        }
        return config_value(std::move(s));
    }
    case config_type::list: {
        std::vector<std::string> items;
        size_t pos = 0;
        while (pos <= text.size() && !text.empty()) {
            size_t comma = text.find(',', pos);
            auto item = trim(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
            if (!item.empty()) {
                std::string s(item);
                if (auto err = check_one_of(key, s)) {
                    return *err;
                }
                items.push_back(std::move(s));
            }
            if (comma == std::string_view::npos) {
                break;
            }
            pos = comma + 1;
        }
        return config_value(std::move(items));
    }
    }
    return std::string("unknown type");
}

config_values::config_values(const config_registry& registry) : _registry(&registry) {
    for (const auto& k : registry.keys()) {
        if (!k.prefix && k.default_text) {
            _defaults.emplace(k.name, std::get<config_value>(config_registry::parse_value(k, *k.default_text)));
        }
    }
}

std::optional<config_problem> config_values::set(std::string_view key, std::string_view text, config_origin origin) {
    const config_key* def = _registry->find(key);
    if (def == nullptr) {
        _raw[std::string(key)] = std::string(text);
        _warnings.push_back(
            make_problem(origin.file, origin.line, std::string(key), "unknown configuration key (ignored)"));
        return std::nullopt;
    }
    auto parsed = config_registry::parse_value(*def, text);
    if (auto* err = std::get_if<std::string>(&parsed)) {
        return make_problem(origin.file, origin.line, std::string(key), *err);
    }
    _raw[std::string(key)] = std::string(trim(text));
    _values[std::string(key)] = std::move(std::get<config_value>(parsed));
    return std::nullopt;
}

bool config_values::has(std::string_view key) const {
    if (_values.find(key) != _values.end()) {
        return true;
    }
    const auto* def = _registry->find(key);
    return def != nullptr && def->default_text.has_value();
}

bool config_values::is_set(std::string_view key) const {
    return _values.find(key) != _values.end();
}

const config_value& config_values::get(std::string_view key, config_type type) const {
    const auto* def = _registry->find(key);
    if (def == nullptr) {
        throw std::logic_error("config key not defined: " + std::string(key));
    }
    if (def->type != type) {
        throw std::logic_error("config key " + std::string(key) + " is a " + std::string(to_string(def->type)) +
                               ", read as " + std::string(to_string(type)));
    }
    if (auto it = _values.find(key); it != _values.end()) {
        return it->second;
    }
    if (auto it = _defaults.find(key); it != _defaults.end()) {
        return it->second;
    }
    throw std::logic_error("config key has no value and no default: " + std::string(key));
}

bool config_values::get_bool(std::string_view key) const {
    return std::get<bool>(get(key, config_type::boolean));
}
int32_t config_values::get_int(std::string_view key) const {
    return static_cast<int32_t>(std::get<int64_t>(get(key, config_type::int32)));
}
int64_t config_values::get_long(std::string_view key) const {
    return std::get<int64_t>(get(key, config_type::int64));
}
double config_values::get_double(std::string_view key) const {
    return std::get<double>(get(key, config_type::float64));
}
const std::string& config_values::get_string(std::string_view key) const {
    return std::get<std::string>(get(key, config_type::string));
}
const std::vector<std::string>& config_values::get_list(std::string_view key) const {
    return std::get<std::vector<std::string>>(get(key, config_type::list));
}

std::vector<std::pair<std::string, std::string>> config_values::with_prefix(std::string_view prefix) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [k, v] : _raw) {
        if (k.starts_with(prefix)) {
            out.emplace_back(k, v);
        }
    }
    return out;
}

config_load_result load_config_text(const config_registry& registry, std::string_view text, const std::string& name,
                                    const std::vector<std::string>& overrides) {
    config_load_result out;
    config_values values(registry);
    auto parsed = parse_properties(text);
    for (const auto& e : parsed.errors) {
        out.errors.push_back(make_problem(name, e.line, "", e.reason));
    }
    for (const auto& p : parsed.entries) {
        if (auto problem = values.set(p.key, p.value, {name, p.line})) {
            out.errors.push_back(std::move(*problem));
        }
    }
    for (const auto& o : overrides) {
        auto eq = o.find('=');
        if (eq == std::string::npos || eq == 0) {
            out.errors.push_back(make_problem("--override", 0, "", "expected key=value, got '" + o + "'"));
            continue;
        }
        auto key = std::string(trim(std::string_view(o).substr(0, eq)));
        if (auto problem = values.set(key, std::string_view(o).substr(eq + 1), {"--override", 0})) {
            out.errors.push_back(std::move(*problem));
        }
    }
    out.warnings = values.warnings();
    if (out.errors.empty()) {
        out.values.emplace(std::move(values));
    }
    return out;
}

config_load_result load_config(const config_registry& registry, const std::string& path,
                               const std::vector<std::string>& overrides) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        config_load_result out;
        out.errors.push_back(make_problem(path, 0, "", "cannot open file"));
        return out;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    return load_config_text(registry, buf.str(), path, overrides);
}

} // namespace brook

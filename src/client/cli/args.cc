#include "args.h"

#include <algorithm>
#include <charconv>

namespace brook::cli {

namespace {

const std::vector<std::string> common_values = {"bootstrap-server", "request-timeout-ms", "client-id"};
const std::vector<std::string> common_flags = {"json", "help"};

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

bool parsed_args::has(std::string_view name) const {
    return flags.count(name) != 0 || values.find(name) != values.end();
}

std::optional<std::string> parsed_args::get(std::string_view name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) {
        return std::nullopt;
    }
    return it->second.back();
}

std::string parsed_args::get_or(std::string_view name, std::string fallback) const {
    auto v = get(name);
    return v ? *v : std::move(fallback);
}

std::vector<std::string> parsed_args::all(std::string_view name, bool split_commas) const {
    auto it = values.find(name);
    if (it == values.end()) {
        return {};
    }
    if (!split_commas) {
        return it->second;
    }
    std::vector<std::string> out;
    for (const auto& v : it->second) {
        size_t start = 0;
        while (start <= v.size()) {
            auto comma = v.find(',', start);
            auto part = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!part.empty()) {
                out.push_back(part);
            }
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
    }
    return out;
}

std::optional<int64_t> parsed_args::get_int(std::string_view name, std::string& error) const {
    auto v = get(name);
    if (!v) {
        return std::nullopt;
    }
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || ptr != v->data() + v->size()) {
        error = "--" + std::string(name) + " needs an integer, got '" + *v + "'";
        return std::nullopt;
    }
    return out;
}

std::optional<parsed_args> parse_args(int argc, char** argv, int first, const option_spec& spec, std::string& error) {
    parsed_args out;
    for (int i = first; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a.size() < 3 || a.substr(0, 2) != "--") {
            error = "unexpected argument '" + std::string(a) + "'";
            return std::nullopt;
        }
        std::string name(a.substr(2));
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (contains(spec.with_value, name) || contains(common_values, name)) {
            if (inline_value) {
                out.values[name].push_back(*inline_value);
            } else if (i + 1 < argc) {
                out.values[name].push_back(argv[++i]);
            } else {
                error = "--" + name + " needs a value";
                return std::nullopt;
            }
        } else if (contains(spec.flags, name) || contains(common_flags, name)) {
            if (inline_value) {
                error = "--" + name + " takes no value";
                return std::nullopt;
            }
            out.flags.insert(name);
        } else {
            error = "unknown option --" + name;
            return std::nullopt;
        }
    }
    return out;
}

std::optional<std::pair<std::string, std::string>> split_key_value(std::string_view kv) {
    auto eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        return std::nullopt;
    }
    return std::make_pair(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
}

} // namespace brook::cli

#include "output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace brook::cli {

void table::print(std::ostream& out) const {
    std::vector<size_t> widths(_header.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    };
    measure(_header);
    for (const auto& r : _rows) {
        measure(r);
    }
    auto line = [&](const std::vector<std::string>& row) {
        std::string s;
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            s += row[i];
            if (i + 1 < row.size()) {
                s.append(widths[i] - row[i].size() + 2, ' ');
            }
        }
        out << s << '\n';
    };
    line(_header);
    for (const auto& r : _rows) {
        line(r);
    }
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
    return out;
}

void json_writer::comma() {
    if (_after_key) {
        _after_key = false;
        return;
    }
    if (!_first.empty()) {
        if (!_first.back()) {
            _out += ',';
        }
        _first.back() = false;
    }
}

json_writer& json_writer::begin_object() {
    comma();
    _out += '{';
    _first.push_back(true);
    return *this;
}

json_writer& json_writer::end_object() {
    _out += '}';
    _first.pop_back();
    return *this;
}

json_writer& json_writer::begin_array() {
    comma();
    _out += '[';
    _first.push_back(true);
    return *this;
}

json_writer& json_writer::end_array() {
    _out += ']';
    _first.pop_back();
    return *this;
}

json_writer& json_writer::key(std::string_view k) {
    comma();
    _out += json_string(k);
    _out += ':';
    _after_key = true;
    return *this;
}

json_writer& json_writer::value(std::string_view s) {
    comma();
    _out += json_string(s);
    return *this;
}

json_writer& json_writer::value(int64_t v) {
    comma();
    _out += std::to_string(v);
    return *this;
}

json_writer& json_writer::value(uint64_t v) {
    comma();
    _out += std::to_string(v);
    return *this;
}

json_writer& json_writer::value(double v) {
    comma();
    if (!std::isfinite(v)) {
        _out += "null";
        return *this;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    _out += buf;
    return *this;
}

json_writer& json_writer::value(bool v) {
    comma();
    _out += v ? "true" : "false";
    return *this;
}

json_writer& json_writer::null() {
    comma();
    _out += "null";
    return *this;
}

json_writer& json_writer::value(const std::optional<std::string>& s) {
    return s ? value(std::string_view(*s)) : null();
}

} // namespace brook::cli

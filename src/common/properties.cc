#include "brook/common/properties.h"

#include <algorithm>

namespace brook {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f';
}

// A logical line: physical lines joined by continuations, with the line number it starts on.
struct logical_line {
    std::string text;
    size_t line;
};

// True if `s` ends in an odd number of backslashes (the last one escapes the newline).
bool ends_with_continuation(std::string_view s) {
    size_t n = 0;
    for (auto it = s.rbegin(); it != s.rend() && *it == '\\'; ++it) {
        ++n;
    }
    return n % 2 == 1;
}

std::vector<logical_line> split_logical_lines(std::string_view text) {
    std::vector<logical_line> out;
    size_t line_no = 0;
    size_t pos = 0;
    bool continuing = false;
    while (pos <= text.size()) {
        if (pos == text.size()) {
            break;
        }
        size_t end = text.find_first_of("\r\n", pos);
        std::string_view raw = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (end == std::string_view::npos) {
            pos = text.size();
        } else {
            pos = end + 1;
            if (text[end] == '\r' && pos < text.size() && text[pos] == '\n') {
                ++pos;
            }
        }
        ++line_no;
        if (continuing) {
            size_t first = 0;
            while (first < raw.size() && is_blank(raw[first])) {
                ++first;
            }
            raw.remove_prefix(first);
        } else {
            size_t first = 0;
            while (first < raw.size() && is_blank(raw[first])) {
                ++first;
            }
            if (first == raw.size() || raw[first] == '#' || raw[first] == '!') {
                continue;
            }
            raw.remove_prefix(first);
            out.push_back({std::string(), line_no});
        }
        bool cont = ends_with_continuation(raw);
        if (cont) {
            raw.remove_suffix(1);
        }
        out.back().text.append(raw);
        continuing = cont;
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Reads one possibly escaped character at s[i]; advances i. Returns false with a reason on a bad escape.
bool read_char(std::string_view s, size_t& i, std::string& out, bool& escaped, std::string& reason) {
    escaped = false;
    if (s[i] != '\\') {
        out.push_back(s[i++]);
        return true;
    }
    escaped = true;
    ++i;
    if (i == s.size()) {
        return true; // a lone trailing backslash after continuation handling: ignore it
    }
    char c = s[i++];
    switch (c) {
    case 't':
        out.push_back('\t');
        return true;
    case 'n':
        out.push_back('\n');
        return true;
    case 'r':
        out.push_back('\r');
        return true;
    case 'f':
        out.push_back('\f');
        return true;
    case 'u': {
        if (i + 4 > s.size()) {
            reason = "malformed \\uXXXX escape";
            return false;
        }
        uint32_t cp = 0;
        for (int k = 0; k < 4; ++k) {
            int h = hex_value(s[i + k]);
            if (h < 0) {
                reason = "malformed \\uXXXX escape";
                return false;
            }
            cp = cp * 16 + static_cast<uint32_t>(h);
        }
        i += 4;
        append_utf8(out, cp);
        return true;
    }
    default:
        out.push_back(c);
        return true;
    }
}

} // namespace

properties_parse_result parse_properties(std::string_view text) {
    properties_parse_result result;
    for (const auto& ll : split_logical_lines(text)) {
        std::string_view s = ll.text;
        std::string key;
        std::string value;
        std::string reason;
        size_t i = 0;
        bool escaped = false;
        bool bad = false;
        // Key: up to the first unescaped separator.
        while (i < s.size()) {
            char c = s[i];
            if (c == '=' || c == ':' || is_blank(c)) {
                break;
            }
            if (!read_char(s, i, key, escaped, reason)) {
                bad = true;
                break;
            }
        }
        if (!bad) {
            // Separator: blanks, then at most one '=' or ':', then blanks.
            while (i < s.size() && is_blank(s[i])) {
                ++i;
            }
            if (i < s.size() && (s[i] == '=' || s[i] == ':')) {
                ++i;
            }
            while (i < s.size() && is_blank(s[i])) {
                ++i;
            }
            while (i < s.size()) {
                if (!read_char(s, i, value, escaped, reason)) {
                    bad = true;
                    break;
                }
            }
        }
        if (bad) {
            result.errors.push_back({ll.line, reason});
            continue;
        }
        auto existing =
            std::find_if(result.entries.begin(), result.entries.end(), [&](const property& p) { return p.key == key; });
        if (existing != result.entries.end()) {
            existing->value = std::move(value);
            existing->line = ll.line;
        } else {
            result.entries.push_back({std::move(key), std::move(value), ll.line});
        }
    }
    return result;
}

} // namespace brook

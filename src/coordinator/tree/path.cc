#include "coordinator/tree/path.h"

#include <cstdint>

namespace brook::coordinator::tree {
namespace {

// Decodes one UTF-8 code point at s[i]; returns false on malformed input.
bool next_code_point(std::string_view s, size_t& i, uint32_t& cp) {
    auto c = static_cast<uint8_t>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
        return false;
    }
    cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
        auto cc = static_cast<uint8_t>(s[i + k]);
        if ((cc >> 6) != 2) {
            return false;
        }
        cp = (cp << 6) | (cc & 0x3f);
    }
    i += n;
    return true;
}

bool bad_code_point(uint32_t cp) {
    return cp == 0 || (cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xf8ff) ||
           (cp >= 0xfff0 && cp <= 0xffff);
}

} // namespace

bool valid_path(std::string_view path, bool sequential) {
    if (path.empty() || path[0] != '/') {
        return false;
    }
    if (path.size() == 1) {
        return true;
    }
    if (path.back() == '/' && !sequential) {
        return false;
    }
    size_t seg_start = 1;
    for (size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            std::string_view seg = path.substr(seg_start, i - seg_start);
            bool last = i == path.size();
            if (seg.empty() && !(last && sequential)) {
                return false;
            }
            if (seg == "." || seg == "..") {
                return false;
            }
            seg_start = i + 1;
        }
    }
    for (size_t i = 0; i < path.size();) {
        uint32_t cp = 0;
        if (!next_code_point(path, i, cp) || bad_code_point(cp)) {
            return false;
        }
    }
    return true;
}

std::string_view parent_of(std::string_view path) {
    auto pos = path.rfind('/');
    return pos == 0 ? std::string_view("/") : path.substr(0, pos);
}

std::string_view name_of(std::string_view path) {
    return path.substr(path.rfind('/') + 1);
}

bool is_under(std::string_view path, std::string_view root) {
    if (root == "/") {
        return true;
    }
    return path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/');
}

} // namespace brook::coordinator::tree

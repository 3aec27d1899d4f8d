#include "brook/log/checkpoint.h"

#include "brook/log/errc.h"
#include "file_io.h"

#include <charconv>
#include <sstream>

namespace brook::log {
namespace {

// Splits on '\n', dropping one trailing empty line.
std::vector<std::string_view> lines_of(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start < s.size()) {
        size_t nl = s.find('\n', start);
        if (nl == std::string_view::npos) {
            out.push_back(s.substr(start));
            break;
        }
        out.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

template<class T>
std::optional<T> to_int(std::string_view s) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        size_t sp = line.find(' ', i);
        if (sp == std::string_view::npos) {
            sp = line.size();
        }
        if (sp > i) {
            out.push_back(line.substr(i, sp - i));
        }
        i = sp + 1;
    }
    return out;
}

// Parses "0\n<count>\n" and returns the entry lines, checking the count.
result<std::vector<std::string_view>> entry_lines(std::string_view text) {
    auto ls = lines_of(text);
    if (ls.size() < 2 || ls[0] != "0") {
        return errc::bad_checkpoint;
    }
    auto count = to_int<int64_t>(ls[1]);
    if (!count || *count < 0 || size_t(*count) != ls.size() - 2) {
        return errc::bad_checkpoint;
    }
    return std::vector<std::string_view>(ls.begin() + 2, ls.end());
}

result<std::string> read_or_empty(const std::filesystem::path& path, bool* missing) {
    auto r = detail::read_text_file(path);
    if (!r && r.error() == std::errc::no_such_file_or_directory) {
        *missing = true;
        return std::string{};
    }
    *missing = false;
    return r;
}

constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

} // namespace

std::string topic_partition::dir_name() const {
    return topic + "-" + std::to_string(partition);
}

std::optional<topic_partition> topic_partition::from_dir_name(std::string_view name) {
    auto dash = name.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) {
        return std::nullopt;
    }
    auto p = to_int<int32_t>(name.substr(dash + 1));
    if (!p || *p < 0) {
        return std::nullopt;
    }
    return topic_partition{std::string(name.substr(0, dash)), *p};
}

result<void> write_offset_checkpoint(const std::filesystem::path& path, const offset_map& offsets) {
    std::string s = "0\n" + std::to_string(offsets.size()) + "\n";
    for (const auto& [tp, off] : offsets) {
        s += tp.topic + " " + std::to_string(tp.partition) + " " + std::to_string(off.value()) + "\n";
    }
    return detail::write_file_atomically(path, s);
}

result<offset_map> read_offset_checkpoint(const std::filesystem::path& path) {
    bool missing = false;
    BOOST_OUTCOME_TRY(auto text, read_or_empty(path, &missing));
    offset_map out;
    if (missing) {
        return out;
    }
    BOOST_OUTCOME_TRY(auto ls, entry_lines(text));
    for (auto line : ls) {
        auto f = fields(line);
        if (f.size() != 3) {
            return errc::bad_checkpoint;
        }
        auto p = to_int<int32_t>(f[1]);
        auto o = to_int<int64_t>(f[2]);
        if (!p || !o) {
            return errc::bad_checkpoint;
        }
        out[topic_partition{std::string(f[0]), *p}] = offset(*o);
    }
    return out;
}

result<void> write_epoch_checkpoint(const std::filesystem::path& path, const std::vector<epoch_entry>& entries,
                                    bool durable) {
    std::string s = "0\n" + std::to_string(entries.size()) + "\n";
    for (const auto& e : entries) {
        s += std::to_string(e.epoch.value()) + " " + std::to_string(e.start_offset.value()) + "\n";
    }
    return detail::write_file_atomically(path, s, durable);
}

result<std::vector<epoch_entry>> read_epoch_checkpoint(const std::filesystem::path& path) {
    bool missing = false;
    BOOST_OUTCOME_TRY(auto text, read_or_empty(path, &missing));
    std::vector<epoch_entry> out;
    if (missing) {
        return out;
    }
    BOOST_OUTCOME_TRY(auto ls, entry_lines(text));
    for (auto line : ls) {
        auto f = fields(line);
        if (f.size() != 2) {
            return errc::bad_checkpoint;
        }
        auto e = to_int<int32_t>(f[0]);
        auto o = to_int<int64_t>(f[1]);
        if (!e || !o) {
            return errc::bad_checkpoint;
        }
        out.push_back({leader_epoch(*e), offset(*o)});
    }
    return out;
}

std::string encode_topic_id(const topic_id& id) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (uint8_t b : id) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += b64[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out += b64[(acc << (6 - bits)) & 0x3f];
    }
    return out; // 22 characters, no padding (Kafka's Uuid.toString)
}

std::optional<topic_id> decode_topic_id(std::string_view s) {
    while (!s.empty() && s.back() == '=') {
        s.remove_suffix(1);
    }
    if (s.size() != 22) {
        return std::nullopt;
    }
    topic_id id{};
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (char c : s) {
        const char* p = std::char_traits<char>::find(b64, 64, c);
        if (p == nullptr) {
            if (c == '+') {
                p = b64 + 62;
            } else if (c == '/') {
                p = b64 + 63;
            } else {
                return std::nullopt;
            }
        }
        acc = (acc << 6) | uint32_t(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < id.size()) {
                id[n++] = uint8_t((acc >> bits) & 0xff);
            }
        }
    }
    return id;
}

result<void> write_partition_metadata(const std::filesystem::path& path, const topic_id& id) {
    return detail::write_file_atomically(path, "version: 0\ntopic_id: " + encode_topic_id(id) + "\n");
}

result<topic_id> read_partition_metadata(const std::filesystem::path& path) {
    BOOST_OUTCOME_TRY(auto text, detail::read_text_file(path));
    std::optional<topic_id> id;
    bool version_ok = false;
    for (auto line : lines_of(text)) {
        if (line == "version: 0") {
            version_ok = true;
        } else if (line.starts_with("topic_id: ")) {
            id = decode_topic_id(line.substr(10));
        }
    }
    if (!version_ok || !id) {
        return errc::bad_checkpoint;
    }
    return *id;
}

result<void> write_meta_properties(const std::filesystem::path& path, const meta_properties& meta) {
    std::string s = "#\n#Brook broker metadata\nversion=0\nbroker.id=" + std::to_string(meta.broker_id) +
                    "\ncluster.id=" + meta.cluster_id + "\n";
    return detail::write_file_atomically(path, s);
}

result<meta_properties> read_meta_properties(const std::filesystem::path& path) {
    BOOST_OUTCOME_TRY(auto text, detail::read_text_file(path));
    meta_properties m;
    bool version_ok = false;
    for (auto line : lines_of(text)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        if (line == "version=0") {
            version_ok = true;
        } else if (line.starts_with("broker.id=")) {
            auto v = to_int<int32_t>(line.substr(10));
            if (!v) {
                return errc::bad_checkpoint;
            }
            m.broker_id = *v;
        } else if (line.starts_with("cluster.id=")) {
            m.cluster_id = std::string(line.substr(11));
        }
    }
    if (!version_ok) {
        return errc::bad_checkpoint;
    }
    return m;
}

} // namespace brook::log

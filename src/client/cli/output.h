#pragma once
// Human and machine output of `brook`: aligned text tables and a small JSON writer.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace brook::cli {

/// Columns padded to the widest cell, separated by two spaces; the header row in capitals.
class table {
public:
    explicit table(std::vector<std::string> header) : _header(std::move(header)) {}
    void add(std::vector<std::string> row) { _rows.push_back(std::move(row)); }
    void print(std::ostream& out) const;
    bool empty() const noexcept { return _rows.empty(); }

private:
    std::vector<std::string> _header;
    std::vector<std::vector<std::string>> _rows;
};

/// JSON string literal of `s` (UTF-8 passed through; control characters and invalid bytes escaped).
std::string json_string(std::string_view s);

/// Builds one JSON value; callers nest begin/end calls and the writer adds the commas.
class json_writer {
public:
    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    json_writer& key(std::string_view k);
    json_writer& value(std::string_view s);
    json_writer& value(const char* s) { return value(std::string_view(s)); }
    json_writer& value(const std::string& s) { return value(std::string_view(s)); }
    json_writer& value(int64_t v);
    json_writer& value(int32_t v) { return value(static_cast<int64_t>(v)); }
    json_writer& value(uint64_t v);
    json_writer& value(double v);
    json_writer& value(bool v);
    json_writer& null();
    /// A string or null.
    json_writer& value(const std::optional<std::string>& s);
    const std::string& str() const noexcept { return _out; }

private:
    void comma();
    std::string _out;
    std::vector<bool> _first;
    bool _after_key = false;
};

} // namespace brook::cli

#pragma once
// A parser for Java `.properties` files (the format of Kafka's server.properties and ZooKeeper's
// zoo.cfg):
//   - lines starting (after blanks) with '#' or '!' are comments;
//   - `key=value`, `key: value` and `key value` (first unescaped '=', ':' or blank ends the key);
//   - a line ending in an odd number of backslashes continues on the next line (leading blanks of
//     the continuation are dropped);
//   - escapes \t \n \r \f \\ \uXXXX, and '\x' for any other x means x (so `\=`, `\:`, `\ `).
// Later duplicates of a key replace earlier ones; the line number kept is the last one.
#include "brook/common/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace brook {

struct property {
    std::string key;
    std::string value;
    /// 1-based line where the key starts.
    size_t line = 0;
};

struct properties_error {
    size_t line = 0;
    std::string reason;
};

/// The parsed entries in file order (last wins for duplicates), or the first malformed line.
struct properties_parse_result {
    std::vector<property> entries;
    std::vector<properties_error> errors;
    bool ok() const noexcept { return errors.empty(); }
};

/// Parses properties text. Never throws on bad input: malformed lines (bad \u escapes) are
/// reported with their line number in `errors`.
properties_parse_result parse_properties(std::string_view text);

} // namespace brook

#pragma once
// ZooKeeper path rules (PathUtils.validatePath): absolute, no empty, "." or ".." segments, no trailing
// slash except the root, no NUL, no control characters (U+0001-U+001F, U+007F-U+009F) and none of
// U+D800-U+F8FF or U+FFF0-U+FFFF.
#include <string_view>

namespace brook::coordinator::tree {

/// True if `path` is a valid znode path. With `sequential`, a trailing '/' is allowed because the
/// server appends the counter.
bool valid_path(std::string_view path, bool sequential = false);

/// "/a/b" -> "/a", "/a" -> "/". REQUIRES: valid path other than "/".
std::string_view parent_of(std::string_view path);
/// "/a/b" -> "b". REQUIRES: valid path other than "/".
std::string_view name_of(std::string_view path);
/// True if `path` equals `root` or lies under it.
bool is_under(std::string_view path, std::string_view root);

} // namespace brook::coordinator::tree

#pragma once
// The coordinator session of a running broker, kept in its log dir so that the next run can end
// it if this one crashes (file `<log.dir>/coordinator-session`):
//
//   session.id=<session id, hex without 0x>
//   session.password=<password bytes, hex>
//
// Written (temporary file + rename) after each new session; removed after a clean close.
#include "brook/common/bytes.h"
#include "brook/common/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace brook::broker::zk {

struct stored_session {
    int64_t id = 0;
    bytes password;
};

result<void> write_session_file(const std::filesystem::path& file, const stored_session& s);
/// nullopt when the file is absent or unreadable.
std::optional<stored_session> read_session_file(const std::filesystem::path& file);

} // namespace brook::broker::zk

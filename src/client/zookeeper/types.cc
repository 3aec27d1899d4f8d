#include "brook/client/zookeeper/types.h"

#include "brook/client/zookeeper/errc.h"

namespace brook::client::zookeeper {

std::vector<acl> open_acl_unsafe() {
    return {acl{perms::all, acl_id{"world", "anyone"}}};
}

std::vector<acl> read_acl_unsafe() {
    return {acl{perms::read, acl_id{"world", "anyone"}}};
}

std::vector<acl> creator_all_acl() {
    return {acl{perms::all, acl_id{"auth", ""}}};
}

std::string_view to_string(session_state s) noexcept {
    switch (s) {
    case session_state::connecting:
        return "connecting";
    case session_state::connected:
        return "connected";
    case session_state::suspended:
        return "suspended";
    case session_state::expired:
        return "expired";
    case session_state::auth_failed:
        return "auth_failed";
    case session_state::closed:
        return "closed";
    }
    return "unknown";
}

std::error_code multi_result::first_error() const noexcept {
    if (committed) {
        return {};
    }
    // Ops before the failing one report success, those after it runtime_inconsistency.
    for (const auto& r : results) {
        if (r.error && r.error != error_code::runtime_inconsistency) {
            return r.error;
        }
    }
    return results.empty() ? std::error_code(error_code::system_error) : results.front().error;
}

} // namespace brook::client::zookeeper

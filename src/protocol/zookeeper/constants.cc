#include "brook/protocol/zookeeper/constants.h"

namespace brook::protocol::zookeeper {

std::string_view to_string(op_code op) noexcept {
    switch (op) {
    case op_code::notification:
        return "notification";
    case op_code::create:
        return "create";
    case op_code::remove:
        return "delete";
    case op_code::exists:
        return "exists";
    case op_code::get_data:
        return "getData";
    case op_code::set_data:
        return "setData";
    case op_code::get_acl:
        return "getACL";
    case op_code::set_acl:
        return "setACL";
    case op_code::get_children:
        return "getChildren";
    case op_code::sync:
        return "sync";
    case op_code::ping:
        return "ping";
    case op_code::get_children2:
        return "getChildren2";
    case op_code::check:
        return "check";
    case op_code::multi:
        return "multi";
    case op_code::create2:
        return "create2";
    case op_code::reconfig:
        return "reconfig";
    case op_code::check_watches:
        return "checkWatches";
    case op_code::remove_watches:
        return "removeWatches";
    case op_code::create_container:
        return "createContainer";
    case op_code::delete_container:
        return "deleteContainer";
    case op_code::create_ttl:
        return "createTTL";
    case op_code::multi_read:
        return "multiRead";
    case op_code::auth:
        return "auth";
    case op_code::set_watches:
        return "setWatches";
    case op_code::sasl:
        return "sasl";
    case op_code::get_ephemerals:
        return "getEphemerals";
    case op_code::get_all_children_number:
        return "getAllChildrenNumber";
    case op_code::set_watches2:
        return "setWatches2";
    case op_code::add_watch:
        return "addWatch";
    case op_code::who_am_i:
        return "whoAmI";
    case op_code::create_session:
        return "createSession";
    case op_code::close_session:
        return "closeSession";
    case op_code::error:
        return "error";
    }
    return "unknown";
}

std::string_view to_string(error_code e) noexcept {
    switch (e) {
    case error_code::ok:
        return "Ok";
    case error_code::system_error:
        return "SystemError";
    case error_code::runtime_inconsistency:
        return "RuntimeInconsistency";
    case error_code::data_inconsistency:
        return "DataInconsistency";
    case error_code::connection_loss:
        return "ConnectionLoss";
    case error_code::marshalling_error:
        return "MarshallingError";
    case error_code::unimplemented:
        return "Unimplemented";
    case error_code::operation_timeout:
        return "OperationTimeout";
    case error_code::bad_arguments:
        return "BadArguments";
    case error_code::unknown_session:
        return "UnknownSession";
    case error_code::new_config_no_quorum:
        return "NewConfigNoQuorum";
    case error_code::reconfig_in_progress:
        return "ReconfigInProgress";
    case error_code::api_error:
        return "APIError";
    case error_code::no_node:
        return "NoNode";
    case error_code::no_auth:
        return "NoAuth";
    case error_code::bad_version:
        return "BadVersion";
    case error_code::no_children_for_ephemerals:
        return "NoChildrenForEphemerals";
    case error_code::node_exists:
        return "NodeExists";
    case error_code::not_empty:
        return "NotEmpty";
    case error_code::session_expired:
        return "SessionExpired";
    case error_code::invalid_callback:
        return "InvalidCallback";
    case error_code::invalid_acl:
        return "InvalidACL";
    case error_code::auth_failed:
        return "AuthFailed";
    case error_code::session_moved:
        return "SessionMoved";
    case error_code::not_read_only:
        return "NotReadOnly";
    case error_code::ephemeral_on_local_session:
        return "EphemeralOnLocalSession";
    case error_code::no_watcher:
        return "NoWatcher";
    case error_code::request_timeout:
        return "RequestTimeout";
    case error_code::reconfig_disabled:
        return "ReconfigDisabled";
    case error_code::session_closed_require_sasl_auth:
        return "SessionClosedRequireSaslAuth";
    case error_code::quota_exceeded:
        return "QuotaExceeded";
    case error_code::throttled:
        return "Throttled";
    }
    return "Unknown";
}

} // namespace brook::protocol::zookeeper

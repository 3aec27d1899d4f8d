#include "coordinator/tree/prep.h"

#include "coordinator/tree/path.h"

#include <cstdio>

namespace brook::coordinator::tree {

using zk::error_code;

std::optional<prep_view::record> prep_view::get(const std::string& path) const {
    if (auto it = _overlay.find(path); it != _overlay.end()) {
        return it->second;
    }
    const znode* n = _tree.find(path);
    if (n == nullptr) {
        return std::nullopt;
    }
    return record{
        n->version,      n->cversion, n->aversion, n->ephemeral_owner, static_cast<int32_t>(n->children.size()),
        _tree.acl_of(*n)};
}

void prep_view::note(const std::string& path, std::optional<record> r) {
    if (_in_multi) {
        _overlay[path] = std::move(r);
    }
}

prep_view::prepared prep_view::create(zk::op_code type, const std::string& req_path, const bytes& data, acl_list acl,
                                      int32_t flags, int64_t ttl) {
    auto mode = static_cast<zk::create_mode>(flags);
    if (!zk::is_valid(mode)) {
        return {error_code::bad_arguments, {}};
    }
    bool wants_ttl = type == zk::op_code::create_ttl;
    if (zk::is_ttl(mode) != wants_ttl || (wants_ttl && (ttl <= 0 || ttl > max_ttl))) {
        return {error_code::bad_arguments, {}};
    }
    if ((mode == zk::create_mode::container) != (type == zk::op_code::create_container) &&
        type != zk::op_code::create && type != zk::op_code::create2) {
        return {error_code::bad_arguments, {}};
    }
    bool sequential = zk::is_sequential(mode);
    if (!valid_path(req_path, sequential) || req_path == "/") {
        return {error_code::bad_arguments, {}};
    }
    if (static_cast<int64_t>(data.size()) > _max_data) {
        return {error_code::bad_arguments, {}};
    }
    std::string parent_path(parent_of(req_path));
    auto parent = get(parent_path);
    if (!parent) {
        return {error_code::no_node, {}};
    }
    if (!allowed(parent->acl, _who, zk::perms::create)) {
        return {error_code::no_auth, {}};
    }
    std::string path = req_path;
    if (sequential) {
        char suffix[16];
        std::snprintf(suffix, sizeof suffix, "%010d", parent->cversion);
        path += suffix;
    }
    if (!fix_acl(acl, _who)) {
        return {error_code::invalid_acl, {}};
    }
    if (get(path)) {
        return {error_code::node_exists, {}};
    }
    if (is_session_owner(parent->owner)) {
        return {error_code::no_children_for_ephemerals, {}};
    }
    int64_t owner = 0;
    if (zk::is_ephemeral(mode)) {
        owner = _session;
    } else if (mode == zk::create_mode::container) {
        owner = container_owner;
    } else if (wants_ttl) {
        owner = ttl_marker | ttl;
    }
    create_txn t{path, data, acl, owner, parent->cversion + 1};
    parent->cversion++;
    parent->num_children++;
    note(parent_path, std::move(parent));
    note(path, record{0, 0, 0, owner, 0, std::move(acl)});
    return {error_code::ok, std::move(t)};
}

prep_view::prepared prep_view::remove(const zk::delete_request& req) {
    if (!valid_path(req.path) || req.path == "/") {
        return {error_code::bad_arguments, {}};
    }
    std::string parent_path(parent_of(req.path));
    auto parent = get(parent_path);
    if (!parent) {
        return {error_code::no_node, {}};
    }
    if (!allowed(parent->acl, _who, zk::perms::remove)) {
        return {error_code::no_auth, {}};
    }
    auto node = get(req.path);
    if (!node) {
        return {error_code::no_node, {}};
    }
    if (req.version != -1 && req.version != node->version) {
        return {error_code::bad_version, {}};
    }
    if (node->num_children > 0) {
        return {error_code::not_empty, {}};
    }
    parent->cversion++;
    parent->num_children--;
    note(parent_path, std::move(parent));
    note(req.path, std::nullopt);
    return {error_code::ok, delete_txn{req.path}};
}

prep_view::prepared prep_view::set_data(const zk::set_data_request& req) {
    if (!valid_path(req.path)) {
        return {error_code::bad_arguments, {}};
    }
    if (static_cast<int64_t>(req.data.size()) > _max_data) {
        return {error_code::bad_arguments, {}};
    }
    auto node = get(req.path);
    if (!node) {
        return {error_code::no_node, {}};
    }
    if (!allowed(node->acl, _who, zk::perms::write)) {
        return {error_code::no_auth, {}};
    }
    if (req.version != -1 && req.version != node->version) {
        return {error_code::bad_version, {}};
    }
    node->version++;
    int32_t v = node->version;
    note(req.path, std::move(node));
    return {error_code::ok, set_data_txn{req.path, req.data, v}};
}

prep_view::prepared prep_view::prepare_set_acl(const zk::set_acl_request& req) {
    if (!valid_path(req.path)) {
        return {error_code::bad_arguments, {}};
    }
    auto node = get(req.path);
    if (!node) {
        return {error_code::no_node, {}};
    }
    if (!allowed(node->acl, _who, zk::perms::admin)) {
        return {error_code::no_auth, {}};
    }
    acl_list acl = req.acl;
    if (!fix_acl(acl, _who)) {
        return {error_code::invalid_acl, {}};
    }
    if (req.version != -1 && req.version != node->aversion) {
        return {error_code::bad_version, {}};
    }
    node->aversion++;
    node->acl = acl;
    int32_t v = node->aversion;
    note(req.path, std::move(node));
    return {error_code::ok, set_acl_txn{req.path, std::move(acl), v}};
}

prep_view::prepared prep_view::check(const zk::check_version_request& req) {
    if (!valid_path(req.path)) {
        return {error_code::bad_arguments, {}};
    }
    auto node = get(req.path);
    if (!node) {
        return {error_code::no_node, {}};
    }
    if (!allowed(node->acl, _who, zk::perms::read)) {
        return {error_code::no_auth, {}};
    }
    if (req.version != -1 && req.version != node->version) {
        return {error_code::bad_version, {}};
    }
    return {error_code::ok, check_txn{req.path, req.version}};
}

} // namespace brook::coordinator::tree

#pragma once
// ACL schemes world, digest, ip and auth (ZooKeeper's built-in authentication providers), and an
// intern table so znodes share one copy of each distinct ACL list.
#include "brook/protocol/zookeeper/constants.h"
#include "brook/protocol/zookeeper/records.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace brook::coordinator::tree {

namespace zk = brook::protocol::zookeeper;
using acl_list = std::vector<zk::acl>;

/// Who a request comes from: its authenticated ids (always includes ip:<address>).
struct auth_info {
    std::vector<zk::acl_id> ids;
};

/// "user:password" -> "user:" + base64(sha1("user:password")), the digest scheme's id form.
std::string digest_id(std::string_view user_password);

/// Checks the ACL list of a create/setACL and resolves the `auth` scheme into the caller's
/// authenticated ids (digest only, like ZooKeeper). Returns false if the list is empty, names an
/// unknown scheme, has a malformed id, or uses `auth` without any authenticated id.
bool fix_acl(acl_list& acl, const auth_info& who);

/// True if `who` holds `perm` under `acl` (an empty list allows everything).
bool allowed(const acl_list& acl, const auth_info& who, int32_t perm);

/// Interns ACL lists: equal lists get the same index. Index 0 is OPEN_ACL_UNSAFE (world:anyone, all).
class acl_table {
public:
    acl_table();
    uint32_t intern(const acl_list& acl);
    const acl_list& get(uint32_t index) const { return _lists[index]; }
    size_t size() const noexcept { return _lists.size(); }

private:
    std::vector<acl_list> _lists;
    std::map<std::string, uint32_t> _index; // key: encoded list
};

} // namespace brook::coordinator::tree

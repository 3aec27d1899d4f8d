#pragma once
// Builders of client operations on a session: map client arguments to a request record (chroot
// applied), and the reply to the client's result (chroot removed, watches registered). client.h
// forwards to these; recipes compose them.
#include "brook/client/zookeeper/client.h"

#include <memory>

namespace brook::client::zookeeper::detail {

class session;
using session_ptr = std::shared_ptr<session>;

namespace ops {
operation<std::string> create(session_ptr s, std::string path, bytes data, create_mode mode, std::vector<acl> acl);
operation<created_node> create2(session_ptr s, std::string path, bytes data, create_mode mode, std::vector<acl> acl);
operation<created_node> create_ttl(session_ptr s, std::string path, bytes data, create_mode mode,
                                   std::chrono::milliseconds ttl, std::vector<acl> acl);
operation<std::vector<std::string>> get_ephemerals(session_ptr s, std::string prefix);
operation<int32_t> get_all_children_number(session_ptr s, std::string path);
operation<void> remove(session_ptr s, std::string path, int32_t version);
operation<std::optional<stat>> exists(session_ptr s, std::string path, watcher w);
operation<node_data> get_data(session_ptr s, std::string path, watcher w);
operation<stat> set_data(session_ptr s, std::string path, bytes data, int32_t version);
operation<std::vector<std::string>> get_children(session_ptr s, std::string path, watcher w);
operation<children_and_stat> get_children2(session_ptr s, std::string path, watcher w);
operation<void> add_watch(session_ptr s, std::string path, add_watch_mode mode, watcher w);
operation<void> remove_watches(session_ptr s, std::string path, watcher_type type);
operation<void> check_watches(session_ptr s, std::string path, watcher_type type);
operation<multi_result> multi(session_ptr s, std::vector<multi_op> ops);
operation<std::vector<read_result>> multi_read(session_ptr s, std::vector<multi_read_op> ops);
operation<std::string> sync(session_ptr s, std::string path);
operation<acl_and_stat> get_acl(session_ptr s, std::string path);
operation<stat> set_acl(session_ptr s, std::string path, std::vector<acl> acl, int32_t version);
operation<void> ensure_path(session_ptr s, std::string path);
operation<void> delete_recursive(session_ptr s, std::string path);
} // namespace ops

} // namespace brook::client::zookeeper::detail

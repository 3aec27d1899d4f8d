#include "brook/client/zookeeper/client.h"

#include "client/zookeeper/ops.h"
#include "client/zookeeper/session.h"

namespace brook::client::zookeeper {

client::client(boost::asio::io_context& io, client_options options)
    : _session(std::make_shared<detail::session>(io, std::move(options))) {
    _session->start();
}

client::~client() {
    _session->close([](result<void>) {});
}

operation<void> client::wait_connected() {
    return operation<void>([s = _session](callback<void> cb) { s->wait_connected(std::move(cb)); });
}

operation<void> client::close() {
    return operation<void>([s = _session](callback<void> cb) { s->close(std::move(cb)); });
}

session_state client::state() const noexcept {
    return _session->state();
}

int64_t client::session_id() const noexcept {
    return _session->id();
}

bytes client::session_password() const {
    return _session->password();
}

std::chrono::milliseconds client::negotiated_timeout() const noexcept {
    return _session->negotiated_timeout();
}

operation<std::string> client::create(std::string path, bytes data, create_mode mode, std::vector<acl> acl) {
    return detail::ops::create(_session, std::move(path), std::move(data), mode, std::move(acl));
}

operation<created_node> client::create2(std::string path, bytes data, create_mode mode, std::vector<acl> acl) {
    return detail::ops::create2(_session, std::move(path), std::move(data), mode, std::move(acl));
}

operation<void> client::remove(std::string path, int32_t version) {
    return detail::ops::remove(_session, std::move(path), version);
}

operation<std::optional<stat>> client::exists(std::string path, watcher w) {
    return detail::ops::exists(_session, std::move(path), std::move(w));
}

operation<node_data> client::get_data(std::string path, watcher w) {
    return detail::ops::get_data(_session, std::move(path), std::move(w));
}

operation<stat> client::set_data(std::string path, bytes data, int32_t version) {
    return detail::ops::set_data(_session, std::move(path), std::move(data), version);
}

operation<std::vector<std::string>> client::get_children(std::string path, watcher w) {
    return detail::ops::get_children(_session, std::move(path), std::move(w));
}

operation<children_and_stat> client::get_children2(std::string path, watcher w) {
    return detail::ops::get_children2(_session, std::move(path), std::move(w));
}

operation<void> client::add_watch(std::string path, add_watch_mode mode, watcher w) {
    return detail::ops::add_watch(_session, std::move(path), mode, std::move(w));
}

operation<void> client::remove_watches(std::string path, watcher_type type) {
    return detail::ops::remove_watches(_session, std::move(path), type);
}

operation<void> client::check_watches(std::string path, watcher_type type) {
    return detail::ops::check_watches(_session, std::move(path), type);
}

operation<multi_result> client::multi(std::vector<multi_op> ops) {
    return detail::ops::multi(_session, std::move(ops));
}

operation<std::vector<read_result>> client::multi_read(std::vector<multi_read_op> ops) {
    return detail::ops::multi_read(_session, std::move(ops));
}

operation<std::string> client::sync(std::string path) {
    return detail::ops::sync(_session, std::move(path));
}

operation<acl_and_stat> client::get_acl(std::string path) {
    return detail::ops::get_acl(_session, std::move(path));
}

operation<created_node> client::create_ttl(std::string path, bytes data, create_mode mode,
                                           std::chrono::milliseconds ttl, std::vector<acl> acl) {
    return detail::ops::create_ttl(_session, std::move(path), std::move(data), mode, ttl, std::move(acl));
}

operation<std::vector<std::string>> client::get_ephemerals(std::string prefix) {
    return detail::ops::get_ephemerals(_session, std::move(prefix));
}

operation<int32_t> client::get_all_children_number(std::string path) {
    return detail::ops::get_all_children_number(_session, std::move(path));
}

operation<stat> client::set_acl(std::string path, std::vector<acl> acl, int32_t version) {
    return detail::ops::set_acl(_session, std::move(path), std::move(acl), version);
}

operation<void> client::add_auth(std::string scheme, bytes auth) {
    return operation<void>([s = _session, scheme = std::move(scheme), auth = std::move(auth)](callback<void> cb) {
        s->add_auth(scheme, auth, std::move(cb));
    });
}

operation<std::string> client::create_ephemeral(std::string path, bytes data) {
    return create(std::move(path), std::move(data), create_mode::ephemeral);
}

operation<std::string> client::create_sequential(std::string prefix, bytes data, bool ephemeral) {
    return create(std::move(prefix), std::move(data),
                  ephemeral ? create_mode::ephemeral_sequential : create_mode::persistent_sequential);
}

operation<void> client::ensure_path(std::string path) {
    return detail::ops::ensure_path(_session, std::move(path));
}

operation<void> client::delete_recursive(std::string path) {
    return detail::ops::delete_recursive(_session, std::move(path));
}

} // namespace brook::client::zookeeper

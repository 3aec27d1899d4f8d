#include "client/zookeeper/ops.h"

#include "client/zookeeper/session.h"

namespace brook::client::zookeeper::detail::ops {
namespace {

namespace proto = protocol::zookeeper;

/// An operation that sends `body` as `type` and turns the reply into T with `decode`, which runs
/// on the strand and is only called for replies (errors of the request itself bypass it).
template<class T, class Decode>
operation<T> request(session_ptr s, proto::op_code type, proto::request_body body, Decode decode) {
    return operation<T>([s = std::move(s), type, body = std::move(body), decode](callback<T> cb) mutable {
        auto sp = s.get();
        sp->submit(type, std::move(body), [s = std::move(s), decode, cb = std::move(cb)](result<reply> r) {
            if (!r) {
                cb(r.error());
                return;
            }
            cb(decode(*s, r.value()));
        });
    });
}

/// An operation that fails with `ec` (on the strand, like every completion).
template<class T>
operation<T> failed(session_ptr s, std::error_code ec) {
    return operation<T>([s = std::move(s), ec](callback<T> cb) {
        s->fail_later([cb = std::move(cb)](std::error_code e) { cb(e); }, ec);
    });
}

template<class R>
result<R> body_of(const reply& rep) {
    if (rep.header.err != 0) {
        return from_wire(rep.header.err);
    }
    return proto::decode<R>(rep.body);
}

proto::op_code create_op(create_mode mode, bool want_stat) {
    if (mode == create_mode::container) {
        return proto::op_code::create_container;
    }
    return want_stat ? proto::op_code::create2 : proto::op_code::create;
}

} // namespace

operation<std::string> create(session_ptr s, std::string path, bytes data, create_mode mode, std::vector<acl> acl) {
    auto sp = s->server_path(path, proto::is_sequential(mode));
    if (!sp) {
        return failed<std::string>(std::move(s), sp.error());
    }
    auto type = create_op(mode, false);
    proto::create_request req{std::move(sp.value()), std::move(data), std::move(acl), static_cast<int32_t>(mode)};
    return request<std::string>(std::move(s), type, std::move(req),
                                [type](session& ss, const reply& rep) -> result<std::string> {
                                    if (type == proto::op_code::create_container) {
                                        BOOST_OUTCOME_TRY(auto r, body_of<proto::create2_response>(rep));
                                        return ss.client_path(r.path);
                                    }
                                    BOOST_OUTCOME_TRY(auto r, body_of<proto::create_response>(rep));
                                    return ss.client_path(r.path);
                                });
}

operation<created_node> create2(session_ptr s, std::string path, bytes data, create_mode mode, std::vector<acl> acl) {
    auto sp = s->server_path(path, proto::is_sequential(mode));
    if (!sp) {
        return failed<created_node>(std::move(s), sp.error());
    }
    proto::create_request req{std::move(sp.value()), std::move(data), std::move(acl), static_cast<int32_t>(mode)};
    return request<created_node>(std::move(s), create_op(mode, true), std::move(req),
                                 [](session& ss, const reply& rep) -> result<created_node> {
                                     BOOST_OUTCOME_TRY(auto r, body_of<proto::create2_response>(rep));
                                     return created_node{ss.client_path(r.path), r.stat};
                                 });
}

operation<created_node> create_ttl(session_ptr s, std::string path, bytes data, create_mode mode,
                                   std::chrono::milliseconds ttl, std::vector<acl> acl) {
    auto sp = s->server_path(path, proto::is_sequential(mode));
    if (!sp) {
        return failed<created_node>(std::move(s), sp.error());
    }
    // The reply is a Create2Response (path and stat).
    proto::create_ttl_request req{std::move(sp.value()), std::move(data), std::move(acl), static_cast<int32_t>(mode),
                                  static_cast<int64_t>(ttl.count())};
    return request<created_node>(std::move(s), proto::op_code::create_ttl, std::move(req),
                                 [](session& ss, const reply& rep) -> result<created_node> {
                                     BOOST_OUTCOME_TRY(auto r, body_of<proto::create2_response>(rep));
                                     return created_node{ss.client_path(r.path), r.stat};
                                 });
}

operation<std::vector<std::string>> get_ephemerals(session_ptr s, std::string prefix) {
    auto sp = s->server_path(prefix);
    if (!sp) {
        return failed<std::vector<std::string>>(std::move(s), sp.error());
    }
    return request<std::vector<std::string>>(
        std::move(s), proto::op_code::get_ephemerals, proto::get_ephemerals_request{std::move(sp.value())},
        [](session& ss, const reply& rep) -> result<std::vector<std::string>> {
            BOOST_OUTCOME_TRY(auto r, body_of<proto::get_ephemerals_response>(rep));
            std::vector<std::string> out;
            out.reserve(r.ephemerals.size());
            for (const auto& p : r.ephemerals) {
                // With a chroot "/c", the server's prefix match also returns "/cx/..." nodes: those
                // are outside the chroot and are dropped.
                if (ss.in_chroot(p)) {
                    out.push_back(ss.client_path(p));
                }
            }
            return out;
        });
}

operation<int32_t> get_all_children_number(session_ptr s, std::string path) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<int32_t>(std::move(s), sp.error());
    }
    return request<int32_t>(std::move(s), proto::op_code::get_all_children_number,
                            proto::get_all_children_number_request{std::move(sp.value())},
                            [](session&, const reply& rep) -> result<int32_t> {
                                BOOST_OUTCOME_TRY(auto r, body_of<proto::get_all_children_number_response>(rep));
                                return r.total_number;
                            });
}

operation<void> remove(session_ptr s, std::string path, int32_t version) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<void>(std::move(s), sp.error());
    }
    return request<void>(std::move(s), proto::op_code::remove, proto::delete_request{std::move(sp.value()), version},
                         [](session&, const reply& rep) -> result<void> {
                             if (rep.header.err != 0) {
                                 return from_wire(rep.header.err);
                             }
                             return success();
                         });
}

operation<std::optional<stat>> exists(session_ptr s, std::string path, watcher w) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<std::optional<stat>>(std::move(s), sp.error());
    }
    bool watch = static_cast<bool>(w);
    auto server = sp.value();
    return request<std::optional<stat>>(
        std::move(s), proto::op_code::exists, proto::exists_request{server, watch},
        [server, w = std::move(w)](session& ss, const reply& rep) -> result<std::optional<stat>> {
            // The server sets a watch either way: a data watch on an existing node, an exist watch
            // on a missing one.
            if (rep.header.err == static_cast<int32_t>(error_code::no_node)) {
                ss.watches().add(watch_kind::exist, server, w);
                return std::optional<stat>();
            }
            BOOST_OUTCOME_TRY(auto r, body_of<proto::exists_response>(rep));
            ss.watches().add(watch_kind::data, server, w);
            return std::optional<stat>(r.stat);
        });
}

operation<node_data> get_data(session_ptr s, std::string path, watcher w) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<node_data>(std::move(s), sp.error());
    }
    bool watch = static_cast<bool>(w);
    auto server = sp.value();
    return request<node_data>(std::move(s), proto::op_code::get_data, proto::get_data_request{server, watch},
                              [server, w = std::move(w)](session& ss, const reply& rep) -> result<node_data> {
                                  BOOST_OUTCOME_TRY(auto r, body_of<proto::get_data_response>(rep));
                                  ss.watches().add(watch_kind::data, server, w);
                                  return node_data{std::move(r.data), r.stat};
                              });
}

operation<stat> set_data(session_ptr s, std::string path, bytes data, int32_t version) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<stat>(std::move(s), sp.error());
    }
    return request<stat>(std::move(s), proto::op_code::set_data,
                         proto::set_data_request{std::move(sp.value()), std::move(data), version},
                         [](session&, const reply& rep) -> result<stat> {
                             BOOST_OUTCOME_TRY(auto r, body_of<proto::set_data_response>(rep));
                             return r.stat;
                         });
}

operation<std::vector<std::string>> get_children(session_ptr s, std::string path, watcher w) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<std::vector<std::string>>(std::move(s), sp.error());
    }
    bool watch = static_cast<bool>(w);
    auto server = sp.value();
    return request<std::vector<std::string>>(
        std::move(s), proto::op_code::get_children, proto::get_children_request{server, watch},
        [server, w = std::move(w)](session& ss, const reply& rep) -> result<std::vector<std::string>> {
            BOOST_OUTCOME_TRY(auto r, body_of<proto::get_children_response>(rep));
            ss.watches().add(watch_kind::child, server, w);
            return std::move(r.children);
        });
}

operation<children_and_stat> get_children2(session_ptr s, std::string path, watcher w) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<children_and_stat>(std::move(s), sp.error());
    }
    bool watch = static_cast<bool>(w);
    auto server = sp.value();
    return request<children_and_stat>(
        std::move(s), proto::op_code::get_children2, proto::get_children2_request{server, watch},
        [server, w = std::move(w)](session& ss, const reply& rep) -> result<children_and_stat> {
            BOOST_OUTCOME_TRY(auto r, body_of<proto::get_children2_response>(rep));
            ss.watches().add(watch_kind::child, server, w);
            return children_and_stat{std::move(r.children), r.stat};
        });
}

operation<void> add_watch(session_ptr s, std::string path, add_watch_mode mode, watcher w) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<void>(std::move(s), sp.error());
    }
    auto server = sp.value();
    auto kind = mode == add_watch_mode::persistent ? watch_kind::persistent : watch_kind::persistent_recursive;
    return request<void>(std::move(s), proto::op_code::add_watch,
                         proto::add_watch_request{server, static_cast<int32_t>(mode)},
                         [server, kind, w = std::move(w)](session& ss, const reply& rep) -> result<void> {
                             if (rep.header.err != 0) {
                                 return from_wire(rep.header.err);
                             }
                             ss.watches().add(kind, server, w);
                             return success();
                         });
}

operation<void> remove_watches(session_ptr s, std::string path, watcher_type type) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<void>(std::move(s), sp.error());
    }
    auto server = sp.value();
    return request<void>(std::move(s), proto::op_code::remove_watches,
                         proto::remove_watches_request{server, static_cast<int32_t>(type)},
                         [server, type](session& ss, const reply& rep) -> result<void> {
                             if (rep.header.err != 0) {
                                 return from_wire(rep.header.err);
                             }
                             // Forgotten only once the server has dropped them, so a failed
                             // request leaves both sides as they were.
                             ss.watches().remove(server, type);
                             return success();
                         });
}

operation<void> check_watches(session_ptr s, std::string path, watcher_type type) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<void>(std::move(s), sp.error());
    }
    return request<void>(std::move(s), proto::op_code::check_watches,
                         proto::check_watches_request{std::move(sp.value()), static_cast<int32_t>(type)},
                         [](session&, const reply& rep) -> result<void> {
                             if (rep.header.err != 0) {
                                 return from_wire(rep.header.err);
                             }
                             return success();
                         });
}

operation<std::string> sync(session_ptr s, std::string path) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<std::string>(std::move(s), sp.error());
    }
    return request<std::string>(std::move(s), proto::op_code::sync, proto::sync_request{std::move(sp.value())},
                                [](session& ss, const reply& rep) -> result<std::string> {
                                    BOOST_OUTCOME_TRY(auto r, body_of<proto::sync_response>(rep));
                                    return ss.client_path(r.path);
                                });
}

operation<acl_and_stat> get_acl(session_ptr s, std::string path) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<acl_and_stat>(std::move(s), sp.error());
    }
    return request<acl_and_stat>(std::move(s), proto::op_code::get_acl, proto::get_acl_request{std::move(sp.value())},
                                 [](session&, const reply& rep) -> result<acl_and_stat> {
                                     BOOST_OUTCOME_TRY(auto r, body_of<proto::get_acl_response>(rep));
                                     return acl_and_stat{std::move(r.acl), r.stat};
                                 });
}

operation<stat> set_acl(session_ptr s, std::string path, std::vector<acl> acl, int32_t version) {
    auto sp = s->server_path(path);
    if (!sp) {
        return failed<stat>(std::move(s), sp.error());
    }
    return request<stat>(std::move(s), proto::op_code::set_acl,
                         proto::set_acl_request{std::move(sp.value()), std::move(acl), version},
                         [](session&, const reply& rep) -> result<stat> {
                             BOOST_OUTCOME_TRY(auto r, body_of<proto::set_acl_response>(rep));
                             return r.stat;
                         });
}

} // namespace brook::client::zookeeper::detail::ops

// multi: client ops -> MultiRequest (chroot applied), MultiResponse -> per-op results.
#include "client/zookeeper/ops.h"
#include "client/zookeeper/session.h"

#include <type_traits>

namespace brook::client::zookeeper::detail::ops {
namespace {

namespace proto = protocol::zookeeper;

result<proto::multi_op> to_wire(const session& s, const multi_op& op) {
    return std::visit(
        [&s](const auto& o) -> result<proto::multi_op> {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, op::create>) {
                BOOST_OUTCOME_TRY(auto p, s.server_path(o.path, proto::is_sequential(o.mode)));
                return proto::multi_op{proto::op_code::create, proto::create_request{std::move(p), o.data, o.acl,
                                                                                     static_cast<int32_t>(o.mode)}};
            } else if constexpr (std::is_same_v<T, op::remove>) {
                BOOST_OUTCOME_TRY(auto p, s.server_path(o.path));
                return proto::multi_op{proto::op_code::remove, proto::delete_request{std::move(p), o.version}};
            } else if constexpr (std::is_same_v<T, op::set_data>) {
                BOOST_OUTCOME_TRY(auto p, s.server_path(o.path));
                return proto::multi_op{proto::op_code::set_data,
                                       proto::set_data_request{std::move(p), o.data, o.version}};
            } else {
                BOOST_OUTCOME_TRY(auto p, s.server_path(o.path));
                return proto::multi_op{proto::op_code::check, proto::check_version_request{std::move(p), o.version}};
            }
        },
        op);
}

} // namespace

operation<multi_result> multi(session_ptr s, std::vector<multi_op> ops) {
    proto::multi_request req;
    req.ops.reserve(ops.size());
    for (const auto& o : ops) {
        auto w = to_wire(*s, o);
        if (!w) {
            auto ec = w.error();
            return operation<multi_result>([s, ec](callback<multi_result> cb) {
                s->fail_later([cb = std::move(cb)](std::error_code e) { cb(e); }, ec);
            });
        }
        req.ops.push_back(std::move(w.value()));
    }
    return operation<multi_result>([s = std::move(s), req = std::move(req)](callback<multi_result> cb) mutable {
        auto sp = s.get();
        sp->submit(proto::op_code::multi, std::move(req), [s = std::move(s), cb = std::move(cb)](result<reply> r) {
            if (!r) {
                cb(r.error());
                return;
            }
            const auto& rep = r.value();
            // A server that aborted the transaction may still answer err = 0 with the per-op
            // results (Apache ZooKeeper does); without a body the header's code is all we have.
            if (rep.body.empty()) {
                cb(rep.header.err != 0 ? from_wire(rep.header.err) : std::error_code(errc::protocol_violation));
                return;
            }
            proto::jute_reader reader(rep.body);
            auto rsp = proto::decode_multi_response(reader);
            if (!rsp) {
                cb(rsp.error());
                return;
            }
            multi_result out;
            out.committed = true;
            for (auto& res : rsp.value().results) {
                op_result o;
                if (res.type == proto::op_code::error) {
                    auto* e = std::get_if<proto::error_response>(&res.body);
                    o.error = from_wire(e != nullptr ? e->err : res.err);
                    out.committed = false;
                } else if (auto* c = std::get_if<proto::create_response>(&res.body)) {
                    o.path = s->client_path(c->path);
                } else if (auto* c2 = std::get_if<proto::create2_response>(&res.body)) {
                    o.path = s->client_path(c2->path);
                    o.stat = c2->stat;
                } else if (auto* sd = std::get_if<proto::set_data_response>(&res.body)) {
                    o.stat = sd->stat;
                }
                out.results.push_back(std::move(o));
            }
            cb(std::move(out));
        });
    });
}

operation<std::vector<read_result>> multi_read(session_ptr s, std::vector<multi_read_op> ops) {
    proto::multi_request req;
    req.ops.reserve(ops.size());
    for (const auto& o : ops) {
        auto w = std::visit(
            [&s](const auto& r) -> result<proto::multi_op> {
                using T = std::decay_t<decltype(r)>;
                BOOST_OUTCOME_TRY(auto p, s->server_path(r.path));
                if constexpr (std::is_same_v<T, read_op::get_data>) {
                    return proto::multi_op{proto::op_code::get_data, proto::get_data_request{std::move(p), false}};
                } else {
                    return proto::multi_op{proto::op_code::get_children,
                                           proto::get_children_request{std::move(p), false}};
                }
            },
            o);
        if (!w) {
            auto ec = w.error();
            return operation<std::vector<read_result>>([s, ec](callback<std::vector<read_result>> cb) {
                s->fail_later([cb = std::move(cb)](std::error_code e) { cb(e); }, ec);
            });
        }
        req.ops.push_back(std::move(w.value()));
    }
    return operation<std::vector<read_result>>(
        [s = std::move(s), req = std::move(req)](callback<std::vector<read_result>> cb) mutable {
            auto sp = s.get();
            sp->submit(proto::op_code::multi_read, std::move(req), [cb = std::move(cb)](result<reply> r) {
                if (!r) {
                    cb(r.error());
                    return;
                }
                const auto& rep = r.value();
                if (rep.header.err != 0) {
                    cb(from_wire(rep.header.err));
                    return;
                }
                proto::jute_reader reader(rep.body);
                auto rsp = proto::decode_multi_response(reader);
                if (!rsp) {
                    cb(rsp.error());
                    return;
                }
                std::vector<read_result> out;
                out.reserve(rsp.value().results.size());
                for (auto& res : rsp.value().results) {
                    read_result o;
                    if (res.type == proto::op_code::error) {
                        auto* e = std::get_if<proto::error_response>(&res.body);
                        o.error = from_wire(e != nullptr ? e->err : res.err);
                    } else if (auto* d = std::get_if<proto::get_data_response>(&res.body)) {
                        o.data = std::move(d->data);
                        o.stat = d->stat;
                    } else if (auto* c = std::get_if<proto::get_children_response>(&res.body)) {
                        o.children = std::move(c->children);
                    }
                    out.push_back(std::move(o));
                }
                cb(std::move(out));
            });
        });
}

} // namespace brook::client::zookeeper::detail::ops

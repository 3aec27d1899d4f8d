#include "brook/protocol/zookeeper/requests.h"

namespace brook::protocol::zookeeper {
namespace {

template<class R>
result<request_body> body(jute_reader& r) {
    BOOST_OUTCOME_TRY(auto rec, decode<R>(r));
    return request_body{std::move(rec)};
}

} // namespace

result<request_body> decode_request_body(op_code type, jute_reader& r) {
    switch (type) {
    case op_code::ping:
    case op_code::close_session:
    case op_code::who_am_i:
        return request_body{};
    case op_code::create:
    case op_code::create2:
    case op_code::create_container:
        return body<create_request>(r);
    case op_code::create_ttl:
        return body<create_ttl_request>(r);
    case op_code::remove:
    case op_code::delete_container:
        return body<delete_request>(r);
    case op_code::exists:
        return body<exists_request>(r);
    case op_code::get_data:
        return body<get_data_request>(r);
    case op_code::set_data:
        return body<set_data_request>(r);
    case op_code::get_acl:
        return body<get_acl_request>(r);
    case op_code::set_acl:
        return body<set_acl_request>(r);
    case op_code::get_children:
        return body<get_children_request>(r);
    case op_code::get_children2:
        return body<get_children2_request>(r);
    case op_code::sync:
        return body<sync_request>(r);
    case op_code::check:
        return body<check_version_request>(r);
    case op_code::multi:
    case op_code::multi_read: {
        BOOST_OUTCOME_TRY(auto m, decode_multi_request(r));
        return request_body{std::move(m)};
    }
    case op_code::check_watches:
        return body<check_watches_request>(r);
    case op_code::remove_watches:
        return body<remove_watches_request>(r);
    case op_code::auth:
        return body<auth_packet>(r);
    case op_code::set_watches:
        return body<set_watches>(r);
    case op_code::set_watches2:
        return body<set_watches2>(r);
    case op_code::get_ephemerals:
        return body<get_ephemerals_request>(r);
    case op_code::get_all_children_number:
        return body<get_all_children_number_request>(r);
    case op_code::add_watch:
        return body<add_watch_request>(r);
    default:
        return errc::unknown_opcode;
    }
}

result<request> decode_request(bytes_view packet) {
    jute_reader r(packet);
    request req;
    BOOST_OUTCOME_TRY(req.header, decode<request_header>(r));
    BOOST_OUTCOME_TRY(req.body, decode_request_body(static_cast<op_code>(req.header.type), r));
    return req;
}

void encode_request(jute_writer& w, const request& req) {
    encode(w, req.header);
    std::visit(
        [&w](const auto& b) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(b)>, std::monostate>) {
                encode(w, b);
            }
        },
        req.body);
}

size_t begin_frame(jute_writer& w) {
    size_t pos = w.size();
    w.write_int32(0);
    return pos;
}

void end_frame(jute_writer& w, size_t pos) {
    w.patch_int32(pos, static_cast<int32_t>(w.size() - pos - 4));
}

} // namespace brook::protocol::zookeeper

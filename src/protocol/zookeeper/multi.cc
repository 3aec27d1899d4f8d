#include "brook/protocol/zookeeper/multi.h"

namespace brook::protocol::zookeeper {
namespace {

constexpr multi_header end_marker{-1, true, -1};

template<class R>
result<multi_op_body> op_body(jute_reader& r) {
    BOOST_OUTCOME_TRY(auto rec, decode<R>(r));
    return multi_op_body{std::move(rec)};
}

result<multi_op_body> decode_op(op_code type, jute_reader& r) {
    switch (type) {
    case op_code::create:
    case op_code::create2:
    case op_code::create_container:
        return op_body<create_request>(r);
    case op_code::create_ttl:
        return op_body<create_ttl_request>(r);
    case op_code::remove:
        return op_body<delete_request>(r);
    case op_code::set_data:
        return op_body<set_data_request>(r);
    case op_code::check:
        return op_body<check_version_request>(r);
    case op_code::get_children:
        return op_body<get_children_request>(r);
    case op_code::get_data:
        return op_body<get_data_request>(r);
    default:
        return errc::unknown_opcode;
    }
}

template<class R>
result<multi_result_body> result_body(jute_reader& r) {
    BOOST_OUTCOME_TRY(auto rec, decode<R>(r));
    return multi_result_body{std::move(rec)};
}

result<multi_result_body> decode_result(op_code type, jute_reader& r) {
    switch (type) {
    case op_code::create:
        return result_body<create_response>(r);
    case op_code::create2:
        return result_body<create2_response>(r);
    case op_code::remove:
    case op_code::check:
        return multi_result_body{};
    case op_code::set_data:
        return result_body<set_data_response>(r);
    case op_code::get_children:
        return result_body<get_children_response>(r);
    case op_code::get_data:
        return result_body<get_data_response>(r);
    case op_code::error:
        return result_body<error_response>(r);
    default:
        return errc::unknown_opcode;
    }
}

// Each entry takes at least a MultiHeader (9 bytes), which bounds the loop by the packet size.
template<class Entry, class DecodeBody>
result<std::vector<Entry>> decode_entries(jute_reader& r, DecodeBody decode_body) {
    std::vector<Entry> out;
    for (;;) {
        BOOST_OUTCOME_TRY(auto h, decode<multi_header>(r));
        if (h.done) {
            return out;
        }
        auto type = static_cast<op_code>(h.type);
        BOOST_OUTCOME_TRY(auto body, decode_body(type, r));
        out.push_back(Entry{type, h.err, std::move(body)});
    }
}

} // namespace

void encode(jute_writer& w, const multi_request& req) {
    for (const auto& op : req.ops) {
        encode(w, multi_header{static_cast<int32_t>(op.type), false, -1});
        std::visit([&w](const auto& body) { encode(w, body); }, op.body);
    }
    encode(w, end_marker);
}

void encode(jute_writer& w, const multi_response& rsp) {
    for (const auto& res : rsp.results) {
        encode(w, multi_header{static_cast<int32_t>(res.type), false, res.err});
        std::visit(
            [&w](const auto& body) {
                if constexpr (!std::is_same_v<std::decay_t<decltype(body)>, std::monostate>) {
                    encode(w, body);
                }
            },
            res.body);
    }
    encode(w, end_marker);
}

result<multi_request> decode_multi_request(jute_reader& r) {
    struct entry {
        op_code type;
        int32_t err;
        multi_op_body body;
    };
    BOOST_OUTCOME_TRY(auto entries, decode_entries<entry>(r, decode_op));
    multi_request req;
    req.ops.reserve(entries.size());
    for (auto& e : entries) {
        req.ops.push_back(multi_op{e.type, std::move(e.body)});
    }
    return req;
}

result<multi_response> decode_multi_response(jute_reader& r) {
    BOOST_OUTCOME_TRY(auto entries, decode_entries<multi_result>(r, decode_result));
    return multi_response{std::move(entries)};
}

} // namespace brook::protocol::zookeeper

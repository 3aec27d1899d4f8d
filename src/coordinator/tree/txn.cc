#include "coordinator/tree/txn.h"

#include "brook/protocol/zookeeper/jute.h"

namespace brook::coordinator::tree {
namespace {

template<class Variant>
void encode_body(zk::jute_writer& w, const Variant& body);

void encode_one(zk::jute_writer&, const close_session_txn&) {}
void encode_one(zk::jute_writer& w, const multi_txn& m) {
    w.write_int32(static_cast<int32_t>(m.ops.size()));
    for (const auto& op : m.ops) {
        w.write_int32(static_cast<int32_t>(type_of(std::visit([](const auto& o) { return txn_body{o}; }, op))));
        encode_body(w, op);
    }
}
template<zk::jute_record R>
void encode_one(zk::jute_writer& w, const R& r) {
    zk::encode(w, r);
}

template<class Variant>
void encode_body(zk::jute_writer& w, const Variant& body) {
    std::visit([&w](const auto& b) { encode_one(w, b); }, body);
}

template<class R, class Variant>
result<Variant> decode_as(zk::jute_reader& r) {
    BOOST_OUTCOME_TRY(auto rec, zk::decode<R>(r));
    return Variant{std::move(rec)};
}

result<txn_op> decode_op(txn_type type, zk::jute_reader& r) {
    switch (type) {
    case txn_type::create:
        return decode_as<create_txn, txn_op>(r);
    case txn_type::remove:
        return decode_as<delete_txn, txn_op>(r);
    case txn_type::set_data:
        return decode_as<set_data_txn, txn_op>(r);
    case txn_type::set_acl:
        return decode_as<set_acl_txn, txn_op>(r);
    case txn_type::check:
        return decode_as<check_txn, txn_op>(r);
    default:
        return zk::errc::unknown_opcode;
    }
}

} // namespace

txn_type type_of(const txn_body& body) {
    static constexpr txn_type types[] = {txn_type::create,        txn_type::remove, txn_type::set_data,
                                         txn_type::set_acl,       txn_type::check,  txn_type::create_session,
                                         txn_type::close_session, txn_type::multi};
    return types[body.index()];
}

bytes encode_txn(const txn& t) {
    bytes out;
    zk::jute_writer w(out);
    zk::encode(w, t.header);
    encode_body(w, t.body);
    return out;
}

result<txn> decode_txn(bytes_view in) {
    zk::jute_reader r(in);
    txn t;
    BOOST_OUTCOME_TRY(t.header, zk::decode<txn_header>(r));
    auto type = static_cast<txn_type>(t.header.type);
    switch (type) {
    case txn_type::create_session: {
        BOOST_OUTCOME_TRY(auto b, (decode_as<create_session_txn, txn_body>(r)));
        t.body = std::move(b);
        return t;
    }
    case txn_type::close_session:
        t.body = close_session_txn{};
        return t;
    case txn_type::multi: {
        BOOST_OUTCOME_TRY(size_t n, r.read_count(8));
        multi_txn m;
        for (size_t i = 0; i < n; ++i) {
            BOOST_OUTCOME_TRY(int32_t op_type, r.read_int32());
            BOOST_OUTCOME_TRY(auto op, decode_op(static_cast<txn_type>(op_type), r));
            m.ops.push_back(std::move(op));
        }
        t.body = std::move(m);
        return t;
    }
    default: {
        BOOST_OUTCOME_TRY(auto op, decode_op(type, r));
        t.body = std::visit([](auto&& o) { return txn_body{std::move(o)}; }, std::move(op));
        return t;
    }
    }
}

} // namespace brook::coordinator::tree

// libFuzzer target for the ZooKeeper jute codec: decodes random bytes as the connect handshake, as a
// whole request packet, and as each request body by opcode; whatever decodes must re-encode and
// decode to the same value. Also feeds the coordinator's txn decoder.
#include "brook/protocol/zookeeper/connect.h"
#include "brook/protocol/zookeeper/requests.h"
#include "coordinator/tree/txn.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace zk = brook::protocol::zookeeper;

namespace {

constexpr zk::op_code ops[] = {
    zk::op_code::create,
    zk::op_code::remove,
    zk::op_code::exists,
    zk::op_code::get_data,
    zk::op_code::set_data,
    zk::op_code::get_acl,
    zk::op_code::set_acl,
    zk::op_code::get_children,
    zk::op_code::sync,
    zk::op_code::ping,
    zk::op_code::get_children2,
    zk::op_code::check,
    zk::op_code::multi,
    zk::op_code::create2,
    zk::op_code::check_watches,
    zk::op_code::remove_watches,
    zk::op_code::create_container,
    zk::op_code::create_ttl,
    zk::op_code::multi_read,
    zk::op_code::auth,
    zk::op_code::set_watches,
    zk::op_code::get_ephemerals,
    zk::op_code::get_all_children_number,
    zk::op_code::set_watches2,
    zk::op_code::add_watch,
    zk::op_code::close_session,
    zk::op_code::who_am_i,
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    brook::bytes_view in(data, size);
    static_cast<void>(zk::decode_connect(in));
    static_cast<void>(brook::coordinator::tree::decode_txn(in));
    if (auto req = zk::decode_request(in)) {
        brook::bytes out;
        zk::jute_writer w(out);
        zk::encode_request(w, req.value());
        auto again = zk::decode_request(brook::bytes_view(out));
        if (!again || again.value().header.xid != req.value().header.xid ||
            again.value().body.index() != req.value().body.index()) {
            std::abort();
        }
    }
    for (auto op : ops) {
        zk::jute_reader r(in);
        static_cast<void>(zk::decode_request_body(op, r));
    }
    zk::jute_reader r(in);
    static_cast<void>(zk::decode_multi_response(r));
    return 0;
}

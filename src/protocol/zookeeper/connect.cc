#include "brook/protocol/zookeeper/connect.h"

namespace brook::protocol::zookeeper {

result<connect_handshake> decode_connect(bytes_view body) {
    jute_reader r(body);
    connect_handshake hs;
    BOOST_OUTCOME_TRY(hs.request, decode<connect_request>(r));
    if (!r.at_end()) {
        BOOST_OUTCOME_TRY(bool ro, r.read_bool());
        hs.read_only = ro;
    }
    return hs;
}

void encode_connect_response(jute_writer& w, const connect_response& rsp, std::optional<bool> read_only) {
    encode(w, rsp);
    if (read_only) {
        w.write_bool(*read_only);
    }
}

} // namespace brook::protocol::zookeeper

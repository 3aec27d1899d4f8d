#pragma once
// Requests as a closed set: the body record for each opcode the server accepts after the handshake.
//
//   client -> server: len | RequestHeader{xid, type} | body(type)
//   server -> client: len | ReplyHeader{xid, zxid, err} | body (only when err == 0)
//
// ping, closeSession and whoAmI have empty bodies (std::monostate). create, create2 and
// createContainer share CreateRequest.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/zookeeper/constants.h"
#include "brook/protocol/zookeeper/multi.h"
#include "brook/protocol/zookeeper/records.h"

#include <variant>

namespace brook::protocol::zookeeper {

using request_body =
    std::variant<std::monostate, create_request, create_ttl_request, delete_request, exists_request, get_data_request,
                 set_data_request, get_acl_request, set_acl_request, get_children_request, get_children2_request,
                 sync_request, check_version_request, multi_request, check_watches_request, remove_watches_request,
                 auth_packet, set_watches, set_watches2, get_ephemerals_request, get_all_children_number_request,
                 add_watch_request>;

struct request {
    request_header header;
    request_body body;
};

/// Decodes a request packet (RequestHeader + body, without the length prefix). Unknown opcodes
/// fail with errc::unknown_opcode; the header is still available through `decode<request_header>`.
result<request> decode_request(bytes_view packet);

/// Decodes the body of `type` from `r`.
result<request_body> decode_request_body(op_code type, jute_reader& r);

/// Encodes a request packet (header + body, no length prefix): used by clients and tests.
void encode_request(jute_writer& w, const request& req);

/// Starts a length-prefixed frame: reserves the 4-byte length and returns its position.
size_t begin_frame(jute_writer& w);
/// Ends the frame started at `pos` by writing the length of what followed it.
void end_frame(jute_writer& w, size_t pos);

} // namespace brook::protocol::zookeeper

#pragma once
// The connect handshake, including the `readOnly` byte that 3.x clients append after
// ConnectRequest outside the IDL. The server answers with a trailing `readOnly` byte after
// ConnectResponse only when the client sent one (old clients omit it and would choke on it).
//
//   client -> server: len | ConnectRequest | [readOnly: boolean]
//   server -> client: len | ConnectResponse | [readOnly: boolean]   (only if the request had it)
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/zookeeper/records.h"

#include <optional>

namespace brook::protocol::zookeeper {

struct connect_handshake {
    connect_request request;
    /// Present when the client appended the readOnly byte.
    std::optional<bool> read_only;
};

/// Decodes a ConnectRequest body (without the length prefix) and the optional readOnly byte.
result<connect_handshake> decode_connect(bytes_view body);

/// Encodes a ConnectResponse body (without the length prefix), with the readOnly byte when
/// `read_only` is set (set it iff the client's request carried one).
void encode_connect_response(jute_writer& w, const connect_response& rsp, std::optional<bool> read_only);

} // namespace brook::protocol::zookeeper

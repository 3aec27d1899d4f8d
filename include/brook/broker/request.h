#pragma once
// A request as the network layer hands it to the dispatcher.
//
// Frame on the wire (all integers big-endian):
//   int32 size            bytes that follow; checked against socket.request.max.bytes
//   int16 request_api_key
//   int16 request_api_version
//   int32 correlation_id
//   ...                   rest of the request header (client id, tagged fields) and the body
// The network layer reads only the first 8 bytes after the size; decoding the rest belongs to the
// handler of the API, which knows the header version of each API version.
#include "brook/common/bytes.h"

#include <cstdint>
#include <optional>
#include <string>

namespace brook::broker {

/// The fixed 8 bytes that start every request header.
struct request_prefix {
    int16_t api_key = 0;
    int16_t api_version = 0;
    int32_t correlation_id = 0;

    static constexpr size_t size = 8;
    /// nullopt when `frame` is shorter than 8 bytes.
    static std::optional<request_prefix> parse(bytes_view frame) noexcept;
};

/// Where a request came from; for logs and for handlers that care (replica fetches, quotas later).
struct connection_info {
    uint64_t id = 0;
    std::string listener;
    std::string peer; // "ip:port"
};

struct request {
    request_prefix prefix;
    /// The whole frame without the size prefix: header and body.
    bytes frame;
    const connection_info* connection = nullptr; // valid while the handler runs synchronously
};

} // namespace brook::broker

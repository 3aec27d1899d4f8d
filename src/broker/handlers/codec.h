#pragma once
// Decoding a request and encoding its reply with the protocol module's generated messages.
//
// The reply carries what follows the correlation id (the connection writes the size and the
// correlation id): the tagged-field byte of response header v1 for flexible versions, then the body.
#include "brook/broker/request.h"
#include "brook/broker/response.h"
#include "brook/protocol/kafka/api.h"
#include "brook/protocol/kafka/decode_errc.h"
#include "brook/protocol/kafka/headers.h"
#include "brook/protocol/kafka/wire.h"

#include <utility>

namespace brook::broker::handlers {

namespace kafka = protocol::kafka;

template<class Request>
struct decoded {
    kafka::request_header header;
    Request body;
};

/// Decodes the header and the body of `Request` at the request's version.
template<class Request>
result<decoded<Request>> decode(const request& r) {
    kafka::reader in{bytes_view(r.frame)};
    auto header = kafka::request_header::decode(in);
    if (!header) {
        return header.error();
    }
    const int16_t version = header.value().api_version;
    if (version < Request::min_version || version > Request::max_version) {
        return kafka::decode_errc::unsupported_version;
    }
    // Decoded in place inside the returned value: moving a decoded body (optional<vector<...>>
    // members) trips GCC's -Wmaybe-uninitialized false positive.
    result<decoded<Request>> out{decoded<Request>{}};
    out.value().header = std::move(header).value();
    out.value().body.decode_from(in, version);
    if (!in.ok()) {
        return in.error();
    }
    return out;
}

template<class Response>
response encode(const Response& body, int16_t version) {
    bytes out;
    out.reserve(1 + body.encoded_size(version));
    kafka::writer w(out);
    if (kafka::response_header_version(Response::api_key, version) >= 1) {
        w.write_uvarint(0); // no tagged fields in the header
    }
    body.encode(w, version);
    return response(std::move(out));
}

} // namespace brook::broker::handlers

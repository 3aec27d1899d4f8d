#pragma once
// Decoding a request and encoding its reply with the protocol module's generated messages.
//
// The reply carries what follows the correlation id (the connection writes the size and the
// correlation id): the tagged-field byte of response header v1 for flexible versions, then the body.
#include "brook/broker/request.h"
#include "brook/broker/response.h"
#include "brook/protocol/kafka/api.h"
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
    BOOST_OUTCOME_TRY(auto header, kafka::request_header::decode(in));
    BOOST_OUTCOME_TRY(auto body, Request::decode(in, header.api_version));
    return decoded<Request>{std::move(header), std::move(body)};
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

#pragma once
// Whole request/response frames: header + body, dispatched on the API key.
//
// A frame here is the bytes after Kafka's int32 size prefix (the connection strips and adds it).
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/api.h"
#include "brook/protocol/kafka/headers.h"
#include "brook/protocol/kafka/messages/all.h"

namespace brook::protocol::kafka {

struct decoded_request {
    request_header header;
    request_body body;
};

/// Decodes a request frame. Unknown keys give decode_errc::unknown_api_key, versions outside the
/// table decode_errc::unsupported_version, bytes after the body decode_errc::trailing_bytes. For
/// ApiVersions with an unsupported version, use decode_request_header and answer with
/// encode_unsupported_api_versions_response instead of closing the connection.
result<decoded_request> decode_request(bytes_view frame);

/// Same, reading the whole of `r`; on a decode error `r.error_field()` names the failing field
/// (e.g. for a log line).
result<decoded_request> decode_request(reader& r);

/// Decodes only the header (e.g. to answer an unsupported ApiVersions request).
result<request_header> decode_request_header(bytes_view frame);

/// Body dispatch on the API key (generated).
result<request_body> decode_request_body(int16_t api_key, int16_t version, reader& r);
result<response_body> decode_response_body(int16_t api_key, int16_t version, reader& r);

/// The API key of a body.
int16_t api_key_of(const request_body& body) noexcept;
int16_t api_key_of(const response_body& body) noexcept;

/// Encodes header + body as a frame (without the size prefix). The header's api_key must match
/// the body and its api_version must be within the body's range (REQUIRES).
bytes encode_request(const request_header& header, const request_body& body);

/// Encodes a response frame (without the size prefix) at `version`, with the header version the
/// API table prescribes.
bytes encode_response(int32_t correlation_id, int16_t version, const response_body& body);

/// Decodes a response frame of `api_key`/`version`.
result<std::pair<response_header, response_body>> decode_response(int16_t api_key, int16_t version, bytes_view frame);

/// The answer Kafka gives to an ApiVersions request whose version it does not know: error
/// UNSUPPORTED_VERSION and only the ApiVersions range, meant to be encoded at version 0.
api_versions_response make_unsupported_api_versions_response();

/// That answer as a full frame: response header v0 + the v0 body.
bytes encode_unsupported_api_versions_response(int32_t correlation_id);

/// An ApiVersions response (at any version) listing the whole API table.
api_versions_response make_api_versions_response();

} // namespace brook::protocol::kafka

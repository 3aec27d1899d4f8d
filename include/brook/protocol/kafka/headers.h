#pragma once
// Kafka request and response headers.
//
// Request header (after the int32 frame size):
//   v0: int16 api_key, int16 api_version, int32 correlation_id
//   v1: v0 + client_id (classic nullable string, int16 length)
//   v2: v1 + tagged fields. client_id stays a classic string even here.
// Response header:
//   v0: int32 correlation_id
//   v1: v0 + tagged fields
#include "brook/common/result.h"
#include "brook/protocol/kafka/wire.h"

#include <cstdint>
#include <optional>
#include <string>

namespace brook::protocol::kafka {

struct request_header {
    int16_t api_key{0};
    int16_t api_version{0};
    int32_t correlation_id{0};
    std::optional<std::string> client_id;
    tagged_fields unknown_tagged_fields;

    void encode(writer& w, int16_t header_version) const;
    size_t encoded_size(int16_t header_version) const;
    static result<request_header> decode(reader& r, int16_t header_version);
    /// Decodes the header of a request frame, picking the header version from the API table (v1
    /// for unknown keys, so the key, version and correlation id are still readable).
    static result<request_header> decode(reader& r);
    bool operator==(const request_header&) const = default;
};

struct response_header {
    int32_t correlation_id{0};
    tagged_fields unknown_tagged_fields;

    void encode(writer& w, int16_t header_version) const;
    size_t encoded_size(int16_t header_version) const;
    static result<response_header> decode(reader& r, int16_t header_version);
    bool operator==(const response_header&) const = default;
};

/// Reads (header_version >= the flexible header) a tagged-field section holding only unknown tags.
void read_unknown_tags(reader& r, tagged_fields& out, const char* field);
void write_unknown_tags(writer& w, const tagged_fields& tags);

} // namespace brook::protocol::kafka

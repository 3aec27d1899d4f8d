#include "brook/protocol/kafka/headers.h"

#include "brook/protocol/kafka/api.h"

namespace brook::protocol::kafka {

void read_unknown_tags(reader& r, tagged_fields& out, const char* field) {
    const uint32_t count = r.read_tag_count(field);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
        const uint32_t tag = r.read_uvarint(field);
        const uint32_t size = r.read_uvarint(field);
        bytes data = r.read_raw(size, field);
        if (r.ok()) {
            out.push_back({tag, std::move(data)});
        }
    }
}

void write_unknown_tags(writer& w, const tagged_fields& tags) {
    w.write_uvarint(static_cast<uint32_t>(tags.size()));
    size_t next = 0;
    w.write_unknown_tags(tags, next, UINT64_MAX);
}

void request_header::encode(writer& w, int16_t header_version) const {
    w.write_int16(api_key);
    w.write_int16(api_version);
    w.write_int32(correlation_id);
    if (header_version >= 1) {
        w.write_string(client_id, true, false);
    }
    if (header_version >= 2) {
        write_unknown_tags(w, unknown_tagged_fields);
    }
}

size_t request_header::encoded_size(int16_t header_version) const {
    size_t n = 8;
    if (header_version >= 1) {
        n += string_size(client_id, true, false);
    }
    if (header_version >= 2) {
        n += uvarint_size(unknown_tagged_fields.size()) + unknown_tags_size(unknown_tagged_fields);
    }
    return n;
}

result<request_header> request_header::decode(reader& r, int16_t header_version) {
    request_header h;
    h.api_key = r.read_int16("request_header.api_key");
    h.api_version = r.read_int16("request_header.api_version");
    h.correlation_id = r.read_int32("request_header.correlation_id");
    if (header_version >= 1) {
        h.client_id = r.read_nullable_string("request_header.client_id", true, false);
    }
    if (header_version >= 2) {
        read_unknown_tags(r, h.unknown_tagged_fields, "request_header._tagged_fields");
    }
    if (!r.ok()) {
        return r.error();
    }
    return h;
}

result<request_header> request_header::decode(reader& r) {
    // Peek at key and version to choose the header version, then decode from the start.
    reader peek = r;
    const int16_t key = peek.read_int16("request_header.api_key");
    const int16_t version = peek.read_int16("request_header.api_version");
    if (!peek.ok()) {
        r.merge_error(peek);
        return r.error();
    }
    return decode(r, request_header_version(key, version));
}

void response_header::encode(writer& w, int16_t header_version) const {
    w.write_int32(correlation_id);
    if (header_version >= 1) {
        write_unknown_tags(w, unknown_tagged_fields);
    }
}

size_t response_header::encoded_size(int16_t header_version) const {
    size_t n = 4;
    if (header_version >= 1) {
        n += uvarint_size(unknown_tagged_fields.size()) + unknown_tags_size(unknown_tagged_fields);
    }
    return n;
}

result<response_header> response_header::decode(reader& r, int16_t header_version) {
    response_header h;
    h.correlation_id = r.read_int32("response_header.correlation_id");
    if (header_version >= 1) {
        read_unknown_tags(r, h.unknown_tagged_fields, "response_header._tagged_fields");
    }
    if (!r.ok()) {
        return r.error();
    }
    return h;
}

} // namespace brook::protocol::kafka

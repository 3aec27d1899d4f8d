#include "brook/protocol/kafka/request.h"

#include "brook/protocol/kafka/error_code.h"

namespace brook::protocol::kafka {

result<request_header> decode_request_header(bytes_view frame) {
    reader r(frame);
    return request_header::decode(r);
}

result<decoded_request> decode_request(bytes_view frame) {
    reader r(frame);
    return decode_request(r);
}

result<decoded_request> decode_request(reader& r) {
    BOOST_OUTCOME_TRY(auto header, request_header::decode(r));
    const api_info* api = find_api(header.api_key);
    if (api == nullptr) {
        return decode_errc::unknown_api_key;
    }
    if (header.api_version < api->min_version || header.api_version > api->max_version) {
        return decode_errc::unsupported_version;
    }
    BOOST_OUTCOME_TRY(auto body, decode_request_body(header.api_key, header.api_version, r));
    if (r.remaining() != 0) {
        r.fail(decode_errc::trailing_bytes, "request");
        return decode_errc::trailing_bytes;
    }
    return decoded_request{std::move(header), std::move(body)};
}

int16_t api_key_of(const request_body& body) noexcept {
    return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::api_key; }, body);
}

int16_t api_key_of(const response_body& body) noexcept {
    return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::api_key; }, body);
}

bytes encode_request(const request_header& header, const request_body& body) {
    const int16_t hv = request_header_version(header.api_key, header.api_version);
    const int16_t v = header.api_version;
    bytes out;
    out.reserve(header.encoded_size(hv) + std::visit([v](const auto& m) { return m.encoded_size(v); }, body));
    writer w(out);
    header.encode(w, hv);
    std::visit([&w, v](const auto& m) { m.encode(w, v); }, body);
    return out;
}

bytes encode_response(int32_t correlation_id, int16_t version, const response_body& body) {
    const int16_t hv = response_header_version(api_key_of(body), version);
    response_header header{correlation_id, {}};
    bytes out;
    out.reserve(header.encoded_size(hv) +
                std::visit([version](const auto& m) { return m.encoded_size(version); }, body));
    writer w(out);
    header.encode(w, hv);
    std::visit([&w, version](const auto& m) { m.encode(w, version); }, body);
    return out;
}

result<std::pair<response_header, response_body>> decode_response(int16_t api_key, int16_t version, bytes_view frame) {
    reader r(frame);
    BOOST_OUTCOME_TRY(auto header, response_header::decode(r, response_header_version(api_key, version)));
    BOOST_OUTCOME_TRY(auto body, decode_response_body(api_key, version, r));
    if (r.remaining() != 0) {
        return decode_errc::trailing_bytes;
    }
    return std::pair<response_header, response_body>{std::move(header), std::move(body)};
}

api_versions_response make_unsupported_api_versions_response() {
    api_versions_response resp;
    resp.error_code = static_cast<int16_t>(error_code::unsupported_version);
    resp.api_keys.push_back(
        {api_versions_request::api_key, api_versions_request::min_version, api_versions_request::max_version, {}});
    return resp;
}

bytes encode_unsupported_api_versions_response(int32_t correlation_id) {
    return encode_response(correlation_id, 0, make_unsupported_api_versions_response());
}

api_versions_response make_api_versions_response() {
    api_versions_response resp;
    for (const auto& api : api_table()) {
        resp.api_keys.push_back({api.key, api.min_version, api.max_version, {}});
    }
    return resp;
}

} // namespace brook::protocol::kafka

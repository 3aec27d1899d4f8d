// ApiVersions (key 18): the APIs this broker implements with their version ranges.
#include "brook/protocol/kafka/messages/api_versions.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/handlers.h"
#include "brook/protocol/kafka/error_code.h"

namespace brook::broker::handlers {

namespace {

/// Kafka's rule for ClientSoftwareName/Version: [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?
bool valid_software_field(std::string_view s) noexcept {
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (s.empty() || !alnum(s.front()) || !alnum(s.back())) {
        return false;
    }
    for (char c : s) {
        if (!alnum(c) && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

kafka::api_versions_response full_answer() {
    kafka::api_versions_response resp;
    for (const auto& api : implemented_apis()) {
        resp.api_keys.push_back({api.key, api.min_version, api.max_version, {}});
    }
    return resp;
}

} // namespace

void handle_api_versions(broker_context&, request r, responder reply) {
    const int16_t version = r.prefix.api_version;
    if (version < kafka::api_versions_request::min_version || version > kafka::api_versions_request::max_version) {
        // A version we cannot parse: answer at v0 with UNSUPPORTED_VERSION and our ApiVersions
        // range, so the client retries with a version we know (CLIENT-VERSIONS.md section 4.1).
        kafka::api_versions_response resp;
        resp.error_code = static_cast<int16_t>(kafka::error_code::unsupported_version);
        for (const auto& api : implemented_apis()) {
            if (api.key == kafka::api_versions_request::api_key) {
                resp.api_keys.push_back({api.key, api.min_version, api.max_version, {}});
            }
        }
        reply.send(encode(resp, 0));
        return;
    }
    auto req = decode<kafka::api_versions_request>(r);
    if (!req) {
        reply.close_connection();
        return;
    }
    auto resp = full_answer();
    if (version >= 3 && (!valid_software_field(req.value().body.client_software_name) ||
                         !valid_software_field(req.value().body.client_software_version))) {
        resp.error_code = static_cast<int16_t>(kafka::error_code::invalid_request);
    }
    reply.send(encode(resp, version));
}

} // namespace brook::broker::handlers

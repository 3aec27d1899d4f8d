// Fuzzes Kafka request decoding: any API key and version (the header comes from the input), then the
// body; whatever decodes must re-encode to a frame that decodes again and re-encodes to the same
// bytes (bytes, not values, are compared: float64 fields may hold NaN). Response bodies are fuzzed
// too, with the key and version taken from the first input bytes.
#include "brook/protocol/kafka/request.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

using namespace brook::protocol::kafka;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

void fuzz_request(brook::bytes_view frame) {
    auto decoded = decode_request(frame);
    if (!decoded) {
        return;
    }
    const auto& req = decoded.value();
    brook::bytes again = encode_request(req.header, req.body);
    auto redecoded = decode_request(again);
    check(redecoded.has_value());
    check(redecoded.value().header == req.header);
    check(encode_request(redecoded.value().header, redecoded.value().body) == again);
}

void fuzz_response(brook::bytes_view data) {
    if (data.size() < 3) {
        return;
    }
    const auto table = api_table();
    const api_info& api = table[data[0] % table.size()];
    const int16_t version = static_cast<int16_t>(api.min_version + data[1] % (api.max_version - api.min_version + 1));
    reader r(data.subspan(2));
    auto body = decode_response_body(api.key, version, r);
    if (!body) {
        return;
    }
    const size_t size = std::visit([version](const auto& m) { return m.encoded_size(version); }, body.value());
    brook::bytes out;
    writer w(out);
    std::visit([&w, version](const auto& m) { m.encode(w, version); }, body.value());
    check(out.size() == size);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    brook::bytes_view input(data + 1, size - 1);
    if (data[0] & 1) {
        fuzz_response(input);
    } else {
        fuzz_request(input);
    }
    return 0;
}

// Whole request/response frames: header versions, dispatch, and the ApiVersions fallback.
#include "brook/protocol/kafka/error_code.h"
#include "brook/protocol/kafka/request.h"

#include <gtest/gtest.h>

namespace brook::protocol::kafka {
namespace {

TEST(ApiFrame, MetadataRequestV1RoundTrip) {
    request_header h{api_keys::metadata, 1, 42, std::string("cli"), {}};
    metadata_request body;
    body.topics.emplace().push_back({{}, std::string("t"), {}});
    bytes frame = encode_request(h, body);
    // header v1: key, version, correlation id, client id; body: array count 1, name "t".
    EXPECT_EQ(frame, (bytes{0, 3, 0, 1, 0, 0, 0, 42, 0, 3, 'c', 'l', 'i', 0, 0, 0, 1, 0, 1, 't'}));
    auto d = decode_request(frame);
    ASSERT_TRUE(d.has_value()) << d.error().message();
    EXPECT_EQ(d.value().header, h);
    ASSERT_TRUE(std::holds_alternative<metadata_request>(d.value().body));
    EXPECT_EQ(std::get<metadata_request>(d.value().body), body);
    EXPECT_EQ(api_key_of(d.value().body), api_keys::metadata);
}

TEST(ApiFrame, FlexibleRequestUsesHeaderV2WithClassicClientId) {
    request_header h{api_keys::api_versions, 3, 7, std::string("c"), {}};
    api_versions_request body;
    body.client_software_name = "x";
    body.client_software_version = "1";
    bytes frame = encode_request(h, body);
    EXPECT_EQ(frame, (bytes{0, 18, 0, 3, 0, 0, 0, 7, 0, 1, 'c', 0, 2, 'x', 2, '1', 0}));
    auto d = decode_request(frame);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(std::get<api_versions_request>(d.value().body), body);
}

TEST(ApiFrame, UnknownKeyAndVersionAreErrors) {
    bytes unknown_key{0, 99, 0, 0, 0, 0, 0, 1, 0xff, 0xff};
    EXPECT_EQ(decode_request(unknown_key).error(), decode_errc::unknown_api_key);
    bytes bad_version{0, 3, 0, 99, 0, 0, 0, 1, 0xff, 0xff, 0};
    EXPECT_EQ(decode_request(bad_version).error(), decode_errc::unsupported_version);
    bytes trailing{0, 12, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0, 1, 'g', 0, 0, 0, 1, 0, 1, 'm', 9};
    EXPECT_EQ(decode_request(trailing).error(), decode_errc::trailing_bytes);
}

TEST(ApiFrame, DecodeErrorNamesTheField) {
    // Metadata v1 announcing 5 topics but holding one truncated name.
    bytes frame{0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 5, 0, 4, 'a'};
    reader r(frame);
    EXPECT_EQ(decode_request(r).error(), decode_errc::length_exceeds_input);
    EXPECT_STREQ(r.error_field(), "metadata_request.topics");
    bytes frame2{0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 1, 0, 4, 'a'};
    reader r2(frame2);
    EXPECT_EQ(decode_request(r2).error(), decode_errc::truncated);
    EXPECT_STREQ(r2.error_field(), "metadata_request.metadata_request_topic.name");
}

TEST(ApiFrame, UnsupportedApiVersionsAnswerIsV0WithOnlyItsOwnRange) {
    // ApiVersions v4 from a future client: the header still decodes.
    bytes req{0, 18, 0, 4, 0, 0, 0, 9, 0, 1, 'c', 0};
    EXPECT_EQ(decode_request(req).error(), decode_errc::unsupported_version);
    auto h = decode_request_header(req);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h.value().correlation_id, 9);
    bytes resp = encode_unsupported_api_versions_response(h.value().correlation_id);
    // header v0 (correlation id), error 35, one entry {18, 0, 3}.
    EXPECT_EQ(resp, (bytes{0, 0, 0, 9, 0, 35, 0, 0, 0, 1, 0, 18, 0, 0, 0, 3}));
}

TEST(ApiFrame, ApiVersionsResponseV3HasNoHeaderTags) {
    auto body = make_api_versions_response();
    EXPECT_EQ(body.api_keys.size(), api_table().size());
    bytes frame = encode_response(5, 3, body);
    auto d = decode_response(api_keys::api_versions, 3, frame);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d.value().first.correlation_id, 5);
    EXPECT_EQ(std::get<api_versions_response>(d.value().second), body);
    EXPECT_EQ(frame[4], 0); // error code high byte right after the 4-byte correlation id
}

TEST(ApiFrame, FlexibleResponseHasHeaderTags) {
    heartbeat_response body;
    body.error_code = static_cast<int16_t>(error_code::rebalance_in_progress);
    bytes frame = encode_response(1, 4, body);
    EXPECT_EQ(frame, (bytes{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 27, 0}));
}

} // namespace
} // namespace brook::protocol::kafka

// Round trip of every request and response type at every version: a value with non-default data in
// every field valid at the version encodes to exactly encoded_size() bytes and decodes back equal;
// every strict prefix of the encoding fails to decode (without crashing).
#include "brook/protocol/kafka/api.h"
#include "brook/protocol/kafka/messages/all.h"
#include "brook/protocol/kafka/messages/samples.h"
#include "brook/protocol/kafka/request.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace brook::protocol::kafka {
namespace {

struct stats {
    int pairs = 0;
};

template<class T>
void check_round_trip(int16_t version, uint32_t seed) {
    SCOPED_TRACE(std::string(typeid(T).name()) + " v" + std::to_string(version) + " seed " + std::to_string(seed));
    T value;
    samples::sample(value, version, seed);
    bytes out;
    writer w(out);
    value.encode(w, version);
    ASSERT_EQ(out.size(), value.encoded_size(version));

    reader r(out);
    auto decoded = T::decode(r, version);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message() << " at " << r.error_field();
    EXPECT_EQ(r.remaining(), 0u);
    EXPECT_TRUE(decoded.value() == value);

    // Re-encoding the decoded value gives the same bytes.
    bytes again;
    writer w2(again);
    decoded.value().encode(w2, version);
    EXPECT_EQ(again, out);

    for (size_t n = 0; n < out.size(); ++n) {
        reader pr(bytes_view(out).first(n));
        auto partial = T::decode(pr, version);
        ASSERT_FALSE(partial.has_value()) << "prefix of " << n << " of " << out.size() << " bytes decoded";
        ASSERT_NE(std::string(pr.error_field()), "");
    }
}

template<class T>
void check_all_versions(stats& s) {
    for (int16_t v = T::min_version; v <= T::max_version; ++v) {
        for (uint32_t seed : {0u, 1u}) {
            check_round_trip<T>(v, seed);
        }
        ++s.pairs;
    }
}

template<size_t... I>
void check_every_api(stats& s, std::index_sequence<I...>) {
    (check_all_versions<std::variant_alternative_t<I, request_body>>(s), ...);
    (check_all_versions<std::variant_alternative_t<I, response_body>>(s), ...);
}

TEST(ApiRoundTrip, EveryRequestAndResponseAtEveryVersion) {
    stats s;
    check_every_api(s, std::make_index_sequence<std::variant_size_v<request_body>>{});
    // Each API contributes its request and its response at each version.
    int expected = 0;
    for (const auto& api : api_table()) {
        expected += 2 * (api.max_version - api.min_version + 1);
    }
    EXPECT_EQ(s.pairs, expected);
}

template<size_t I>
void check_variant_entry() {
    const auto& api = api_table()[I];
    EXPECT_EQ((std::variant_alternative_t<I, request_body>::api_key), api.key);
    EXPECT_EQ((std::variant_alternative_t<I, response_body>::api_key), api.key);
    EXPECT_EQ((std::variant_alternative_t<I, request_body>::max_version), api.max_version);
}

template<size_t... I>
void check_variant_order(std::index_sequence<I...>) {
    (check_variant_entry<I>(), ...);
}

TEST(ApiTable, VariantsFollowTheTable) {
    ASSERT_EQ(api_table().size(), std::variant_size_v<request_body>);
    ASSERT_EQ(api_table().size(), 45u);
    check_variant_order(std::make_index_sequence<std::variant_size_v<request_body>>{});
}

TEST(ApiTable, KnownRangesOfKafka38) {
    const auto* produce = find_api(api_keys::produce);
    ASSERT_NE(produce, nullptr);
    EXPECT_EQ(produce->name, "produce");
    EXPECT_EQ(produce->min_version, 0);
    EXPECT_EQ(produce->max_version, 11);
    EXPECT_EQ(produce->first_flexible_version, 9);
    EXPECT_EQ(find_api(api_keys::fetch)->max_version, 16);
    EXPECT_EQ(find_api(api_keys::metadata)->first_flexible_version, 9);
    EXPECT_EQ(find_api(api_keys::sasl_handshake)->first_flexible_version, -1);
    EXPECT_EQ(find_api(47)->max_version, 0); // OffsetDelete
    EXPECT_EQ(find_api(47)->first_flexible_version, -1);
    EXPECT_EQ(find_api(60)->first_flexible_version, 0); // DescribeCluster
    EXPECT_EQ(find_api(4), nullptr);                    // LeaderAndIsr: not a client API
    EXPECT_EQ(find_api(-1), nullptr);
    EXPECT_EQ(find_api(1000), nullptr);
}

TEST(ApiTable, HeaderVersionsFollowFlexibility) {
    EXPECT_EQ(request_header_version(api_keys::metadata, 8), 1);
    EXPECT_EQ(request_header_version(api_keys::metadata, 9), 2);
    EXPECT_EQ(response_header_version(api_keys::metadata, 8), 0);
    EXPECT_EQ(response_header_version(api_keys::metadata, 9), 1);
    // ApiVersions answers always use response header v0, even when the request is flexible.
    EXPECT_EQ(request_header_version(api_keys::api_versions, 3), 2);
    EXPECT_EQ(response_header_version(api_keys::api_versions, 3), 0);
    EXPECT_EQ(response_header_version(api_keys::sasl_handshake, 1), 0);
}

TEST(ApiTable, HighestCommonVersionIsTheTopOfTheOverlap) {
    EXPECT_EQ(highest_common_version(0, 7, 0, 11), 7);
    EXPECT_EQ(highest_common_version(3, 11, 0, 5), 5);
    EXPECT_EQ(highest_common_version(4, 6, 0, 3), -1);
    EXPECT_EQ(highest_common_version(0, 0, 0, 0), 0);
    EXPECT_EQ(highest_common_version(2, 9, 5, 5), 5);
}

} // namespace
} // namespace brook::protocol::kafka

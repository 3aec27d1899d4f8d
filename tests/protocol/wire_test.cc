// Kafka wire primitives: encodings, sizes and the reader's bounds checks.
#include "brook/protocol/kafka/error_code.h"
#include "brook/protocol/kafka/wire.h"

#include <gtest/gtest.h>

#include <limits>

namespace brook::protocol::kafka {
namespace {

bytes encode(auto fn) {
    bytes out;
    writer w(out);
    fn(w);
    return out;
}

TEST(Wire, FixedIntegersAreBigEndian) {
    auto b = encode([](writer& w) {
        w.write_int16(0x0102);
        w.write_int32(-2);
        w.write_int64(0x0102030405060708);
    });
    EXPECT_EQ(b, (bytes{1, 2, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8}));
    reader r(b);
    EXPECT_EQ(r.read_int16("a"), 0x0102);
    EXPECT_EQ(r.read_int32("b"), -2);
    EXPECT_EQ(r.read_int64("c"), 0x0102030405060708);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u);
}

TEST(Wire, VarintsUseZigZag) {
    struct tc {
        int32_t v;
        bytes wire;
    };
    for (const auto& c : {tc{0, {0}}, tc{-1, {1}}, tc{1, {2}}, tc{-64, {0x7f}}, tc{64, {0x80, 0x01}},
                          tc{std::numeric_limits<int32_t>::max(), {0xfe, 0xff, 0xff, 0xff, 0x0f}},
                          tc{std::numeric_limits<int32_t>::min(), {0xff, 0xff, 0xff, 0xff, 0x0f}}}) {
        // Named copies: clang 14 cannot capture structured bindings in a lambda.
        const int32_t v = c.v;
        const bytes& wire = c.wire;
        EXPECT_EQ(encode([v](writer& w) { w.write_varint(v); }), wire);
        EXPECT_EQ(varint_size(v), wire.size());
        reader r(wire);
        EXPECT_EQ(r.read_varint("v"), v);
        EXPECT_TRUE(r.ok());
    }
    for (int64_t v : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                      int64_t{1} << 40}) {
        auto b = encode([v](writer& w) { w.write_varlong(v); });
        EXPECT_EQ(varlong_size(v), b.size());
        reader r(b);
        EXPECT_EQ(r.read_varlong("v"), v);
        EXPECT_TRUE(r.ok());
    }
}

TEST(Wire, OverlongVarintIsAnError) {
    bytes b{0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    reader r(b);
    r.read_uvarint("x.count");
    EXPECT_EQ(r.error(), decode_errc::invalid_varint);
    EXPECT_STREQ(r.error_field(), "x.count");
}

TEST(Wire, ClassicAndCompactStrings) {
    EXPECT_EQ(encode([](writer& w) { w.write_string("ab", false); }), (bytes{0, 2, 'a', 'b'}));
    EXPECT_EQ(encode([](writer& w) { w.write_string("ab", true); }), (bytes{3, 'a', 'b'}));
    EXPECT_EQ(encode([](writer& w) { w.write_string(std::optional<std::string>(), true, false); }),
              (bytes{0xff, 0xff}));
    EXPECT_EQ(encode([](writer& w) { w.write_string(std::optional<std::string>(), true, true); }), (bytes{0}));
    // A null value in a version where the field is not nullable is written as empty.
    EXPECT_EQ(encode([](writer& w) { w.write_string(std::optional<std::string>(), false, true); }), (bytes{1}));
    bytes b{0xff, 0xff};
    reader r(b);
    EXPECT_FALSE(r.read_nullable_string("f", true, false).has_value());
    reader r2(b);
    r2.read_string("topic.name", false);
    EXPECT_EQ(r2.error(), decode_errc::unexpected_null);
    EXPECT_STREQ(r2.error_field(), "topic.name");
}

TEST(Wire, BytesAndArrays) {
    EXPECT_EQ(encode([](writer& w) { w.write_bytes(bytes{9}, false); }), (bytes{0, 0, 0, 1, 9}));
    EXPECT_EQ(encode([](writer& w) { w.write_bytes(std::optional<bytes>(), true, false); }),
              (bytes{0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(encode([](writer& w) { w.write_array_length(std::nullopt, true, true); }), (bytes{0}));
    EXPECT_EQ(encode([](writer& w) { w.write_array_length(3, false, true); }), (bytes{4}));
    EXPECT_EQ(array_length_size(std::nullopt, true, true), 1u);
}

TEST(Wire, CountsAreCappedByRemainingBytes) {
    // Two billion int32 elements announced in a 4-byte buffer: rejected before any allocation.
    bytes b{0x7f, 0xff, 0xff, 0xff};
    reader r(b);
    EXPECT_EQ(r.read_array_length("m.partitions", false, false, 4), 0);
    EXPECT_EQ(r.error(), decode_errc::length_exceeds_input);
    EXPECT_STREQ(r.error_field(), "m.partitions");

    bytes s{0x7f, 0xff, 'a'};
    reader rs(s);
    rs.read_string("m.name", false);
    EXPECT_EQ(rs.error(), decode_errc::truncated);

    bytes neg{0xff, 0xff, 0xff, 0xfe};
    reader rn(neg);
    rn.read_nullable_bytes("m.data", true, false);
    EXPECT_EQ(rn.error(), decode_errc::invalid_length);
}

TEST(Wire, ErrorsAreStickyAndKeepTheFirstField) {
    bytes b{1};
    reader r(b);
    EXPECT_EQ(r.read_int32("first"), 0);
    EXPECT_EQ(r.read_int8("second"), 0);
    EXPECT_STREQ(r.error_field(), "first");
    EXPECT_EQ(r.remaining(), 1u);
}

TEST(Wire, UuidAndFloat) {
    uuid u{};
    for (size_t i = 0; i < u.size(); ++i) {
        u[i] = static_cast<uint8_t>(i);
    }
    auto b = encode([&u](writer& w) {
        w.write_float64(0.5);
        w.write_uuid(u);
    });
    ASSERT_EQ(b.size(), 24u);
    reader r(b);
    EXPECT_EQ(r.read_float64("f"), 0.5);
    EXPECT_EQ(r.read_uuid("u"), u);
}

TEST(ErrorCodes, TableCoversKafka38) {
    EXPECT_EQ(describe(error_code::none).name, "NONE");
    EXPECT_EQ(describe(error_code::unknown_server_error).name, "UNKNOWN_SERVER_ERROR");
    EXPECT_EQ(describe(error_code::not_leader_or_follower).name, "NOT_LEADER_OR_FOLLOWER");
    EXPECT_TRUE(is_retriable(error_code::not_leader_or_follower));
    EXPECT_FALSE(is_retriable(error_code::topic_already_exists));
    EXPECT_EQ(static_cast<int16_t>(error_code::member_id_required), 79);
    EXPECT_EQ(describe(int16_t{120}).name, "TRANSACTION_ABORTABLE");
    EXPECT_EQ(describe(int16_t{500}).name, "UNKNOWN");
    for (int16_t c = min_error_code; c <= max_error_code; ++c) {
        EXPECT_EQ(static_cast<int16_t>(describe(c).code), c);
        EXPECT_FALSE(describe(c).name.empty());
    }
}

} // namespace
} // namespace brook::protocol::kafka

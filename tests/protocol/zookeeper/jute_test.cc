#include "brook/protocol/zookeeper/connect.h"
#include "brook/protocol/zookeeper/requests.h"

#include <gtest/gtest.h>

namespace zk = brook::protocol::zookeeper;

namespace {

template<class R>
void expect_round_trip(const R& rec) {
    auto wire = zk::encode(rec);
    auto back = zk::decode<R>(brook::bytes_view(wire));
    ASSERT_TRUE(back) << R::jute_name;
    EXPECT_EQ(back.value(), rec) << R::jute_name;
    // Every strict prefix is truncated and must fail cleanly.
    for (size_t n = 0; n < wire.size(); ++n) {
        EXPECT_FALSE(zk::decode<R>(brook::bytes_view(wire.data(), n))) << R::jute_name << " prefix " << n;
    }
}

zk::stat sample_stat() {
    return zk::stat{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
}

} // namespace

TEST(jute, stat_is_68_bytes_in_idl_order) {
    auto wire = zk::encode(sample_stat());
    ASSERT_EQ(wire.size(), 68u);
    EXPECT_EQ(wire[7], 1);   // czxid
    EXPECT_EQ(wire[67], 11); // pzxid last
}

TEST(jute, records_round_trip) {
    expect_round_trip(zk::create_request{"/a", {1, 2}, {{31, {"world", "anyone"}}}, 3});
    expect_round_trip(zk::create_ttl_request{"/t", {}, {{1, {"digest", "u:x"}}}, 5, 1000});
    expect_round_trip(zk::set_watches2{7, {"/a"}, {"/b"}, {"/c"}, {"/d"}, {"/e"}});
    expect_round_trip(zk::get_data_response{{9}, sample_stat()});
    expect_round_trip(zk::get_acl_response{{{31, {"ip", "127.0.0.1"}}}, sample_stat()});
    expect_round_trip(zk::watcher_event{3, 3, "/x"});
    expect_round_trip(zk::reply_header{5, 1LL << 33, -101});
    expect_round_trip(zk::connect_request{0, 0, 30000, 0, brook::bytes(16, 3)});
}

TEST(jute, null_string_and_buffer_decode_as_empty) {
    brook::bytes wire = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1};
    auto r = zk::decode<zk::set_data_request>(brook::bytes_view(wire));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().path, "");
    EXPECT_TRUE(r.value().data.empty());
    EXPECT_EQ(r.value().version, 1);
}

TEST(jute, huge_lengths_are_rejected_before_allocating) {
    brook::bytes wire = {0x7f, 0xff, 0xff, 0xff, 'a'};
    EXPECT_EQ(zk::decode<zk::sync_request>(brook::bytes_view(wire)).error(), zk::errc::bad_length);
    brook::bytes vec = {0, 0, 0, 1, 'a', 0x7f, 0xff, 0xff, 0xff};
    EXPECT_EQ(zk::decode<zk::set_acl_request>(brook::bytes_view(vec)).error(), zk::errc::bad_length);
    brook::bytes neg = {0xff, 0xff, 0xff, 0xfe};
    EXPECT_EQ(zk::decode<zk::sync_request>(brook::bytes_view(neg)).error(), zk::errc::bad_length);
}

TEST(jute, connect_read_only_byte_is_optional) {
    zk::connect_request req{0, 0, 10000, 0, brook::bytes(16, 0)};
    auto wire = zk::encode(req);
    auto old_client = zk::decode_connect(brook::bytes_view(wire));
    ASSERT_TRUE(old_client);
    EXPECT_FALSE(old_client.value().read_only.has_value());
    wire.push_back(1);
    auto new_client = zk::decode_connect(brook::bytes_view(wire));
    ASSERT_TRUE(new_client);
    EXPECT_EQ(new_client.value().read_only, true);

    brook::bytes out;
    zk::jute_writer w(out);
    zk::encode_connect_response(w, zk::connect_response{0, 10000, 42, brook::bytes(16, 7)}, false);
    EXPECT_EQ(out.size(), 4u + 4 + 8 + 4 + 16 + 1);
}

TEST(jute, multi_request_round_trip) {
    zk::multi_request m;
    m.ops.push_back({zk::op_code::create, zk::create_request{"/a", {}, {}, 0}});
    m.ops.push_back({zk::op_code::check, zk::check_version_request{"/a", 0}});
    m.ops.push_back({zk::op_code::set_data, zk::set_data_request{"/a", {1}, -1}});
    m.ops.push_back({zk::op_code::remove, zk::delete_request{"/a", -1}});
    zk::request req{{7, static_cast<int32_t>(zk::op_code::multi)}, m};
    brook::bytes wire;
    zk::jute_writer w(wire);
    zk::encode_request(w, req);
    auto back = zk::decode_request(brook::bytes_view(wire));
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value().header.xid, 7);
    EXPECT_EQ(std::get<zk::multi_request>(back.value().body), m);
}

TEST(jute, multi_without_terminator_fails) {
    zk::multi_request m;
    m.ops.push_back({zk::op_code::remove, zk::delete_request{"/a", -1}});
    brook::bytes wire;
    zk::jute_writer w(wire);
    zk::encode(w, m);
    wire.resize(wire.size() - 9);
    zk::jute_reader r{brook::bytes_view(wire)};
    EXPECT_FALSE(zk::decode_multi_request(r));
}

TEST(jute, multi_response_round_trip) {
    zk::multi_response rsp;
    rsp.results.push_back({zk::op_code::create2, 0, zk::create2_response{"/a", sample_stat()}});
    rsp.results.push_back({zk::op_code::remove, 0, std::monostate{}});
    rsp.results.push_back({zk::op_code::error, -101, zk::error_response{-101}});
    brook::bytes wire;
    zk::jute_writer w(wire);
    zk::encode(w, rsp);
    zk::jute_reader r{brook::bytes_view(wire)};
    auto back = zk::decode_multi_response(r);
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value(), rsp);
}

TEST(jute, unknown_opcode_is_an_error) {
    brook::bytes wire;
    zk::jute_writer w(wire);
    zk::encode(w, zk::request_header{1, 999});
    EXPECT_EQ(zk::decode_request(brook::bytes_view(wire)).error(), zk::errc::unknown_opcode);
}

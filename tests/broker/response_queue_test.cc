// Reply ordering and frame splitting without sockets.
#include "broker/network/frame_reader.h"
#include "broker/network/response_queue.h"
#include "brook/broker/errc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace brook::broker::network {
namespace {

TEST(response_queue, front_waits_for_its_reply) {
    response_queue q;
    auto a = q.reserve(1, 10);
    auto b = q.reserve(2, 20);
    EXPECT_EQ(q.in_flight_bytes(), 30u);
    EXPECT_TRUE(q.complete(b, handler_reply::none()));
    EXPECT_FALSE(q.pop_ready());
    EXPECT_TRUE(q.complete(a, handler_reply::send(response(bytes{1}))));
    auto first = q.pop_ready();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->correlation_id, 1);
    auto second = q.pop_ready();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->correlation_id, 2);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.in_flight_bytes(), 0u);
}

TEST(response_queue, duplicate_and_unknown_completions_are_refused) {
    response_queue q;
    auto a = q.reserve(1, 1);
    EXPECT_TRUE(q.complete(a, handler_reply::none()));
    EXPECT_FALSE(q.complete(a, handler_reply::none()));
    EXPECT_FALSE(q.complete(a + 5, handler_reply::none()));
    q.pop_ready();
    EXPECT_FALSE(q.complete(a, handler_reply::none()));
}

bytes frame_bytes(int32_t size, size_t body) {
    // Sized once up front: growing a 4-byte vector trips a GCC 12 -Warray-bounds false positive at -O3.
    bytes b(4 + body, 0x5a);
    b[0] = static_cast<uint8_t>(size >> 24);
    b[1] = static_cast<uint8_t>(size >> 16);
    b[2] = static_cast<uint8_t>(size >> 8);
    b[3] = static_cast<uint8_t>(size);
    return b;
}

void feed(frame_reader& r, const bytes& data) {
    size_t off = 0;
    while (off < data.size()) {
        auto space = r.prepare();
        auto n = std::min(space.size(), data.size() - off);
        std::memcpy(space.data(), data.data() + off, n);
        r.commit(n);
        off += n;
    }
}

TEST(frame_reader, splits_back_to_back_frames) {
    frame_reader r(1000);
    auto data = frame_bytes(8, 8);
    auto second = frame_bytes(12, 12);
    data.insert(data.end(), second.begin(), second.end());
    feed(r, data);
    auto a = r.next();
    ASSERT_TRUE(a && a.value());
    EXPECT_EQ(a.value()->size(), 8u);
    auto b = r.next();
    ASSERT_TRUE(b && b.value());
    EXPECT_EQ(b.value()->size(), 12u);
    auto c = r.next();
    ASSERT_TRUE(c);
    EXPECT_FALSE(c.value());
}

TEST(frame_reader, frame_larger_than_the_buffer_grows_it) {
    frame_reader r(1 << 20);
    feed(r, frame_bytes(300000, 300000));
    auto a = r.next();
    ASSERT_TRUE(a && a.value());
    EXPECT_EQ(a.value()->size(), 300000u);
}

TEST(frame_reader, oversized_prefix_is_refused_before_the_body_arrives) {
    frame_reader r(1000);
    feed(r, bytes{0x7f, 0xff, 0xff, 0xff});
    auto a = r.next();
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), make_error_code(errc::request_too_large));
}

TEST(frame_reader, frame_shorter_than_a_header_is_refused) {
    frame_reader r(1000);
    feed(r, frame_bytes(7, 7));
    auto a = r.next();
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), make_error_code(errc::request_too_small));
}

// Frames around direct_threshold (shared buffer vs. a buffer of their own) arriving in reads of
// awkward sizes, drained after every read as the connection does: each comes out whole and in order.
TEST(frame_reader, mixed_small_and_large_frames_in_odd_reads_come_out_intact) {
    const size_t t = frame_reader::direct_threshold;
    const std::vector<size_t> sizes{8, t - 1, t, 9, t + 1, 300000, 100, 200000, t, 8, 70000, 12};
    bytes stream;
    for (size_t i = 0; i < sizes.size(); ++i) {
        auto f = frame_bytes(static_cast<int32_t>(sizes[i]), sizes[i]);
        for (size_t k = 4; k < f.size(); ++k) {
            f[k] = static_cast<uint8_t>(i * 31 + k);
        }
        stream.insert(stream.end(), f.begin(), f.end());
    }
    for (size_t chunk : {size_t{1}, size_t{3}, size_t{4097}, t - 3, t + 5, size_t{65536}, size_t{1} << 20}) {
        frame_reader r(1 << 20);
        std::vector<bytes> got;
        size_t off = 0;
        while (off < stream.size()) {
            auto space = r.prepare();
            ASSERT_FALSE(space.empty());
            auto n = std::min({space.size(), stream.size() - off, chunk});
            std::memcpy(space.data(), stream.data() + off, n);
            r.commit(n);
            off += n;
            for (;;) {
                auto f = r.next();
                ASSERT_TRUE(f) << f.error().message();
                if (!f.value()) {
                    break;
                }
                got.push_back(std::move(*f.value()));
            }
        }
        ASSERT_EQ(got.size(), sizes.size()) << "chunk " << chunk;
        for (size_t i = 0; i < sizes.size(); ++i) {
            ASSERT_EQ(got[i].size(), sizes[i]) << "chunk " << chunk << " frame " << i;
            for (size_t k = 0; k < sizes[i]; ++k) {
                ASSERT_EQ(got[i][k], static_cast<uint8_t>(i * 31 + k + 4)) << "chunk " << chunk << " frame " << i;
            }
        }
        EXPECT_EQ(r.buffered(), 0u);
    }
}

} // namespace
} // namespace brook::broker::network

// FetchResponse with records left in files: the bytes on the wire equal the generated codec's.
#include "broker/handlers/codec.h"
#include "broker/handlers/fetch_encode.h"
#include "harness/test_dirs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>

namespace brook::broker::handlers {
namespace {

using fetch_response = kafka::fetch_response;

bytes pattern(size_t n, uint8_t seed) {
    bytes b(n);
    for (size_t i = 0; i < n; ++i) {
        b[i] = static_cast<uint8_t>(seed + i * 7);
    }
    return b;
}

/// Writes `b` to a file and returns a region covering it, holding the descriptor open.
file_region file_with(const test::temp_dir& dir, const std::string& name, const bytes& b, size_t pad) {
    const auto path = dir / name;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    bytes padded = pattern(pad, 99);
    padded.insert(padded.end(), b.begin(), b.end());
    EXPECT_EQ(::write(fd, padded.data(), padded.size()), static_cast<ssize_t>(padded.size()));
    auto owner = std::shared_ptr<int>(new int(fd), [](int* p) {
        ::close(*p);
        delete p;
    });
    return file_region{fd, static_cast<int64_t>(pad), static_cast<uint32_t>(b.size()), owner};
}

bytes flatten(const response& r) {
    bytes out;
    for (const auto& chunk : r.chunks()) {
        if (const auto* b = std::get_if<bytes>(&chunk)) {
            out.insert(out.end(), b->begin(), b->end());
            continue;
        }
        const auto& region = std::get<file_region>(chunk);
        bytes part(region.length);
        EXPECT_EQ(::pread(region.fd, part.data(), part.size(), region.offset), static_cast<ssize_t>(part.size()));
        out.insert(out.end(), part.begin(), part.end());
    }
    EXPECT_EQ(out.size(), r.size());
    return out;
}

bytes flatten_generated(const fetch_response& body, int16_t version) {
    return flatten(encode(body, version));
}

fetch_response sample(bool with_tags) {
    fetch_response resp;
    resp.throttle_time_ms = 17;
    resp.error_code = 0;
    resp.session_id = 12345;
    for (int t = 0; t < 3; ++t) {
        fetch_response::fetchable_topic_response tr;
        tr.topic = "topic-";
        tr.topic += std::to_string(t);
        tr.topic_id[0] = static_cast<uint8_t>(t + 1);
        tr.topic_id[15] = 0x5a;
        for (int p = 0; p < 3; ++p) {
            fetch_response::partition_data pd;
            pd.partition_index = p;
            pd.high_watermark = 1000 + p;
            pd.last_stable_offset = 990 + p;
            pd.log_start_offset = 10 * p;
            pd.preferred_read_replica = p == 1 ? 3 : -1;
            if (p == 0) {
                pd.error_code = 1; // an error partition: null records
            } else if (p == 1) {
                // Large enough for a multi-byte compact length.
                pd.records = pattern(static_cast<size_t>(300 + 40 * t), static_cast<uint8_t>(t));
                pd.aborted_transactions.emplace();
                pd.aborted_transactions->push_back({.producer_id = 77, .first_offset = 5, .unknown_tagged_fields = {}});
            } else {
                pd.records = bytes(); // no data, empty records
            }
            if (with_tags && p == 1) {
                pd.diverging_epoch.epoch = 4;
                pd.diverging_epoch.end_offset = 400;
                pd.current_leader.leader_id = 2;
                pd.current_leader.leader_epoch = 9;
                pd.snapshot_id.end_offset = 3;
                pd.snapshot_id.epoch = 1;
            }
            tr.partitions.push_back(std::move(pd));
        }
        resp.responses.push_back(std::move(tr));
    }
    if (with_tags) {
        resp.node_endpoints.push_back(
            {.node_id = 2, .host = "h", .port = 9092, .rack = "r", .unknown_tagged_fields = {}});
    }
    return resp;
}

TEST(fetch_encode, equals_generated_codec_without_regions) {
    for (bool tags : {false, true}) {
        const auto resp = sample(tags);
        for (int16_t v = 0; v <= 16; ++v) {
            SCOPED_TRACE(testing::Message() << "version " << v << " tags " << tags);
            auto ours = encode_fetch_response(resp, v, {});
            EXPECT_EQ(flatten(ours), flatten_generated(resp, v));
        }
    }
}

TEST(fetch_encode, regions_give_the_same_bytes_as_copying) {
    test::temp_dir dir("brook-fetch-encode");
    for (bool tags : {false, true}) {
        const auto resp = sample(tags);
        // The same response with every non-empty records field moved to a file.
        auto stripped = resp;
        fetch_regions regions(resp.responses.size());
        size_t files = 0;
        for (size_t t = 0; t < resp.responses.size(); ++t) {
            for (size_t p = 0; p < resp.responses[t].partitions.size(); ++p) {
                auto& pd = stripped.responses[t].partitions[p];
                std::optional<file_region> region;
                if (pd.records && !pd.records->empty()) {
                    std::string name = "f";
                    name += std::to_string(files++);
                    region = file_with(dir, name, *pd.records, 13 * t);
                    pd.records.reset();
                }
                regions[t].push_back(std::move(region));
            }
        }
        for (int16_t v = 0; v <= 16; ++v) {
            SCOPED_TRACE(testing::Message() << "version " << v << " tags " << tags);
            auto ours = encode_fetch_response(stripped, v, regions);
            size_t region_chunks = 0;
            for (const auto& c : ours.chunks()) {
                region_chunks += std::holds_alternative<file_region>(c) ? 1 : 0;
            }
            EXPECT_EQ(region_chunks, 3u);
            EXPECT_EQ(flatten(ours), flatten_generated(resp, v));
        }
    }
}

TEST(fetch_encode, a_region_keeps_an_unlinked_file_readable) {
    test::temp_dir dir("brook-fetch-encode");
    const bytes data = pattern(4096, 3);
    auto region = file_with(dir, "segment", data, 0);
    std::filesystem::remove(dir / "segment"); // retention deleting the segment meanwhile
    fetch_response resp;
    resp.responses.resize(1);
    resp.responses[0].topic = "t";
    resp.responses[0].partitions.resize(1);
    auto r = encode_fetch_response(resp, 11, fetch_regions{{region}});
    region = {};
    auto expected = resp;
    expected.responses[0].partitions[0].records = data;
    EXPECT_EQ(flatten(r), flatten_generated(expected, 11));
}

} // namespace
} // namespace brook::broker::handlers

#pragma once
// Helpers for the log tests: batches built with the protocol's builder, a fake clock, reading back
// the keys of what a read returned.
#include "brook/common/bytes.h"
#include "brook/log/file_handle.h"
#include "brook/log/log_config.h"
#include "brook/log/partition_log.h"
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/record_batch_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace brook::log::test {

struct fake_clock {
    std::shared_ptr<std::atomic<int64_t>> now = std::make_shared<std::atomic<int64_t>>(1'700'000'000'000);
    clock_fn fn() const {
        auto p = now;
        return [p] { return p->load(); };
    }
    void advance(int64_t ms) const { now->fetch_add(ms); }
};

struct rec {
    std::optional<std::string> key;
    std::optional<std::string> value;
};

inline bytes make_batch(const std::vector<rec>& records, int64_t ts,
                        protocol::kafka::compression_type codec = protocol::kafka::compression_type::none) {
    protocol::kafka::record_batch_builder b;
    b.compression(codec);
    for (const auto& r : records) {
        b.append(ts, r.key ? std::optional<std::string_view>(*r.key) : std::nullopt,
                 r.value ? std::optional<std::string_view>(*r.value) : std::nullopt);
    }
    auto out = b.build();
    EXPECT_TRUE(out) << out.error().message();
    return std::move(out.value());
}

/// A batch of `n` records with values of `value_size` bytes.
inline bytes make_batch(int n, size_t value_size, int64_t ts, const std::string& key_prefix = "k") {
    std::vector<rec> rs;
    for (int i = 0; i < n; ++i) {
        rs.push_back({key_prefix + std::to_string(i), std::string(value_size, char('a' + i % 26))});
    }
    return make_batch(rs, ts);
}

inline append_result append_ok(partition_log& log, bytes batch, leader_epoch epoch = leader_epoch(0)) {
    auto r = log.append_as_leader(batch, epoch);
    EXPECT_TRUE(r) << r.error().message();
    return r ? r.value() : append_result{};
}

/// (offset, key, value) of every record in `data` (whole batches).
struct read_record {
    int64_t offset;
    std::optional<std::string> key;
    std::optional<std::string> value;
};

inline std::vector<read_record> decode_records(bytes_view data) {
    std::vector<read_record> out;
    auto batches = protocol::kafka::split_record_batches(data, false);
    EXPECT_TRUE(batches);
    if (!batches) {
        return out;
    }
    for (auto b : batches.value()) {
        auto d = protocol::kafka::decoded_record_batch::decode(b, 1 << 26, true);
        EXPECT_TRUE(d);
        if (!d) {
            continue;
        }
        auto all = d.value().all_records();
        EXPECT_TRUE(all);
        for (const auto& r : all.value()) {
            read_record x{d.value().header().base_offset + r.offset_delta, std::nullopt, std::nullopt};
            if (r.key) {
                x.key = std::string(as_string_view(*r.key));
            }
            if (r.value) {
                x.value = std::string(as_string_view(*r.value));
            }
            out.push_back(std::move(x));
        }
    }
    return out;
}

/// Reads the whole log from `from` to its end, batch region by batch region.
inline std::vector<read_record> read_all(partition_log& log, offset from = offset(-1)) {
    std::vector<read_record> out;
    offset next = from.value() < 0 ? log.log_start_offset() : from;
    for (int guard = 0; guard < 100000 && next < log.log_end_offset(); ++guard) {
        bytes buf;
        auto r = log.read_into(next, 64 * 1024, offset::max(), buf);
        EXPECT_TRUE(r) << r.error().message();
        if (!r || r.value().region.length == 0) {
            break;
        }
        auto recs = decode_records(buf);
        out.insert(out.end(), recs.begin(), recs.end());
        next = r.value().next_offset;
    }
    return out;
}

} // namespace brook::log::test

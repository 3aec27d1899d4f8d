#include "batch_format.h"

#include "brook/log/errc.h"
#include "brook/protocol/kafka/record_batch.h"

namespace brook::log {

namespace pk = protocol::kafka;

result<batch_header> parse_batch_header(bytes_view d) noexcept {
    auto r = pk::parse_record_batch_header_prefix(d);
    if (!r) {
        return errc::corrupt_batch;
    }
    const auto& p = r.value();
    if (p.base_offset < 0 || p.last_offset_delta < 0 || p.records_count < 0) {
        return errc::corrupt_batch;
    }
    batch_header h;
    h.base_offset = offset(p.base_offset);
    h.batch_length = p.batch_length;
    h.epoch = leader_epoch(p.partition_leader_epoch);
    h.magic = p.magic;
    h.crc = p.crc;
    h.attributes = p.attributes;
    h.last_offset_delta = p.last_offset_delta;
    h.base_timestamp = p.base_timestamp;
    h.max_timestamp = p.max_timestamp;
    h.record_count = p.records_count;
    return h;
}

bool batch_crc_matches(bytes_view batch) noexcept {
    return pk::crc_matches(batch);
}

void set_base_offset(std::span<uint8_t> batch, offset base) noexcept {
    pk::set_base_offset(batch, base.value());
}

void set_partition_leader_epoch(std::span<uint8_t> batch, leader_epoch epoch) noexcept {
    pk::set_partition_leader_epoch(batch, epoch.value());
}

void set_log_append_time(std::span<uint8_t> batch, int64_t ts) noexcept {
    pk::set_log_append_time(batch, ts);
}

} // namespace brook::log

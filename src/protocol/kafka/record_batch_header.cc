#include "brook/common/crc32c.h"
#include "brook/protocol/kafka/record_batch.h"
#include "protocol/kafka/records_wire.h"

namespace brook::protocol::kafka {

namespace layout = record_batch_layout;
using namespace records_wire;

namespace {

// batchLength counts everything after itself, so a valid batch has at least the rest of the header.
constexpr int32_t min_batch_length = static_cast<int32_t>(layout::header_size - layout::log_overhead);

record_batch_header decode_header(const uint8_t* p) noexcept {
    record_batch_header h;
    h.base_offset = static_cast<int64_t>(load_be64(p + layout::base_offset));
    h.batch_length = static_cast<int32_t>(load_be32(p + layout::batch_length));
    h.partition_leader_epoch = static_cast<int32_t>(load_be32(p + layout::partition_leader_epoch));
    h.magic = static_cast<int8_t>(p[layout::magic]);
    h.crc = load_be32(p + layout::crc);
    h.attributes = static_cast<int16_t>(load_be16(p + layout::attributes));
    h.last_offset_delta = static_cast<int32_t>(load_be32(p + layout::last_offset_delta));
    h.base_timestamp = static_cast<int64_t>(load_be64(p + layout::base_timestamp));
    h.max_timestamp = static_cast<int64_t>(load_be64(p + layout::max_timestamp));
    h.producer_id = static_cast<int64_t>(load_be64(p + layout::producer_id));
    h.producer_epoch = static_cast<int16_t>(load_be16(p + layout::producer_epoch));
    h.base_sequence = static_cast<int32_t>(load_be32(p + layout::base_sequence));
    h.records_count = static_cast<int32_t>(load_be32(p + layout::records_count));
    return h;
}

} // namespace

result<record_batch_header> parse_record_batch_header_prefix(bytes_view data) noexcept {
    if (data.size() < layout::header_size) {
        return record_errc::batch_header_truncated;
    }
    if (static_cast<int8_t>(data[layout::magic]) != layout::current_magic) {
        return record_errc::unsupported_magic;
    }
    auto h = decode_header(data.data());
    if (h.batch_length < min_batch_length) {
        return record_errc::bad_batch_length;
    }
    return h;
}

result<record_batch_header> parse_record_batch_header(bytes_view data) noexcept {
    BOOST_OUTCOME_TRY(auto h, parse_record_batch_header_prefix(data));
    if (h.size_bytes() > data.size()) {
        return record_errc::bad_batch_length;
    }
    return h;
}

void write_record_batch_header(const record_batch_header& h, std::span<uint8_t> out) noexcept {
    uint8_t* p = out.data();
    store_be64(p + layout::base_offset, static_cast<uint64_t>(h.base_offset));
    store_be32(p + layout::batch_length, static_cast<uint32_t>(h.batch_length));
    store_be32(p + layout::partition_leader_epoch, static_cast<uint32_t>(h.partition_leader_epoch));
    p[layout::magic] = static_cast<uint8_t>(h.magic);
    store_be32(p + layout::crc, h.crc);
    store_be16(p + layout::attributes, static_cast<uint16_t>(h.attributes));
    store_be32(p + layout::last_offset_delta, static_cast<uint32_t>(h.last_offset_delta));
    store_be64(p + layout::base_timestamp, static_cast<uint64_t>(h.base_timestamp));
    store_be64(p + layout::max_timestamp, static_cast<uint64_t>(h.max_timestamp));
    store_be64(p + layout::producer_id, static_cast<uint64_t>(h.producer_id));
    store_be16(p + layout::producer_epoch, static_cast<uint16_t>(h.producer_epoch));
    store_be32(p + layout::base_sequence, static_cast<uint32_t>(h.base_sequence));
    store_be32(p + layout::records_count, static_cast<uint32_t>(h.records_count));
}

uint32_t compute_record_batch_crc(bytes_view whole_batch) noexcept {
    return crc32c(whole_batch.subspan(layout::crc_start));
}

bool crc_matches(bytes_view whole_batch) noexcept {
    if (whole_batch.size() < layout::header_size) {
        return false;
    }
    return load_be32(whole_batch.data() + layout::crc) == compute_record_batch_crc(whole_batch);
}

void set_base_offset(std::span<uint8_t> batch, int64_t base_offset) noexcept {
    store_be64(batch.data() + layout::base_offset, static_cast<uint64_t>(base_offset));
}

void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch) noexcept {
    store_be32(batch.data() + layout::partition_leader_epoch, static_cast<uint32_t>(epoch));
}

void update_record_batch_crc(std::span<uint8_t> batch) noexcept {
    store_be32(batch.data() + layout::crc, compute_record_batch_crc(batch));
}

void set_log_append_time(std::span<uint8_t> batch, int64_t append_time_ms) noexcept {
    const auto attrs = static_cast<uint16_t>(load_be16(batch.data() + layout::attributes) |
                                             static_cast<uint16_t>(batch_attributes::log_append_time));
    store_be16(batch.data() + layout::attributes, attrs);
    store_be64(batch.data() + layout::max_timestamp, static_cast<uint64_t>(append_time_ms));
    update_record_batch_crc(batch);
}

} // namespace brook::protocol::kafka

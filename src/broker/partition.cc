#include "broker/partition.h"

#include "brook/protocol/kafka/record_batch.h"

#include <algorithm>

namespace brook::broker {

namespace kafka = protocol::kafka;

partition::partition(std::string topic, int32_t index) : _topic(std::move(topic)), _index(index) {}

append_result partition::append(bytes batches, int32_t leader_epoch, uint32_t batch_count) {
    std::lock_guard lock(_mutex);
    append_result result;
    result.base_offset = _log_end;
    size_t pos = 0;
    for (uint32_t i = 0; i < batch_count && pos < batches.size(); ++i) {
        auto header = kafka::parse_record_batch_header(bytes_view(batches).subspan(pos));
        if (!header) {
            // produce_validation checked every batch; a failure here is a bug, not bad input.
            result.error = kafka_error::corrupt_message;
            return result;
        }
        const auto& h = header.value();
        size_t size = static_cast<size_t>(h.batch_length) + 12;
        std::span<uint8_t> whole(batches.data() + pos, size);
        kafka::set_base_offset(whole, _log_end);
        kafka::set_partition_leader_epoch(whole, leader_epoch);
        stored_batch b{_log_end, _log_end + h.last_offset_delta, h.max_timestamp, bytes(whole.begin(), whole.end())};
        _log_end = b.last_offset + 1;
        _batches.push_back(std::move(b));
        pos += size;
    }
    // Alone in the ISR, the leader's log end is the high watermark.
    _high_watermark = _log_end;
    result.log_start_offset = _log_start;
    return result;
}

size_t partition::first_batch_ending_at_or_after(int64_t offset) const {
    auto it = std::lower_bound(_batches.begin(), _batches.end(), offset,
                               [](const stored_batch& b, int64_t o) { return b.last_offset < o; });
    return static_cast<size_t>(it - _batches.begin());
}

read_result partition::read(int64_t offset, int32_t max_bytes, bool min_one) const {
    std::lock_guard lock(_mutex);
    read_result r;
    r.high_watermark = _high_watermark;
    r.last_stable_offset = _high_watermark;
    r.log_start_offset = _log_start;
    if (offset < _log_start || offset > _log_end) {
        r.error = kafka_error::offset_out_of_range;
        return r;
    }
    size_t budget = max_bytes > 0 ? static_cast<size_t>(max_bytes) : 0;
    for (size_t i = first_batch_ending_at_or_after(offset); i < _batches.size(); ++i) {
        const auto& b = _batches[i];
        if (b.base_offset >= _high_watermark) {
            break;
        }
        if (b.data.size() > budget && !(min_one && r.records.empty())) {
            break;
        }
        r.records.insert(r.records.end(), b.data.begin(), b.data.end());
        budget = b.data.size() > budget ? 0 : budget - b.data.size();
    }
    return r;
}

int64_t partition::log_start_offset() const {
    std::lock_guard lock(_mutex);
    return _log_start;
}

int64_t partition::log_end_offset() const {
    std::lock_guard lock(_mutex);
    return _log_end;
}

int64_t partition::high_watermark() const {
    std::lock_guard lock(_mutex);
    return _high_watermark;
}

uint64_t partition::bytes_available_from(int64_t offset) const {
    std::lock_guard lock(_mutex);
    uint64_t total = 0;
    for (size_t i = first_batch_ending_at_or_after(offset); i < _batches.size(); ++i) {
        if (_batches[i].base_offset >= _high_watermark) {
            break;
        }
        total += _batches[i].data.size();
    }
    return total;
}

std::optional<std::pair<int64_t, int64_t>> partition::offset_for_timestamp(int64_t timestamp) const {
    std::lock_guard lock(_mutex);
    for (const auto& b : _batches) {
        if (b.max_timestamp >= timestamp) {
            // The batch granularity answer: Kafka narrows to the record; the batch's base offset is
            // what a consumer seeking there needs to start reading.
            return std::pair{std::max(b.base_offset, _log_start), b.max_timestamp};
        }
    }
    return std::nullopt;
}

std::pair<int64_t, int64_t> partition::max_timestamp() const {
    std::lock_guard lock(_mutex);
    std::pair<int64_t, int64_t> best{-1, -1};
    for (const auto& b : _batches) {
        if (b.max_timestamp > best.second) {
            best = {b.last_offset, b.max_timestamp};
        }
    }
    return best;
}

} // namespace brook::broker

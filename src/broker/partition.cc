#include "broker/partition.h"

#include "brook/log/errc.h"

#include <algorithm>

namespace brook::broker {

namespace {

kafka_error to_kafka(const std::error_code& ec) {
    if (ec == log::errc::corrupt_batch) {
        return kafka_error::corrupt_message;
    }
    if (ec == log::errc::invalid_batch) {
        return kafka_error::invalid_record;
    }
    if (ec == log::errc::record_too_large) {
        return kafka_error::message_too_large;
    }
    if (ec == log::errc::offset_out_of_range) {
        return kafka_error::offset_out_of_range;
    }
    if (ec == log::errc::log_offline || ec == log::errc::io_error) {
        return kafka_error::kafka_storage_error;
    }
    if (ec == log::errc::closed) {
        return kafka_error::not_leader_or_follower;
    }
    return kafka_error::unknown_server_error;
}

} // namespace

partition::partition(std::string topic, int32_t index, std::shared_ptr<log::partition_log> log)
    : _topic(std::move(topic)), _index(index), _log(std::move(log)) {}

append_result partition::append(bytes batches, int32_t leader_epoch) {
    std::lock_guard lock(_append_mutex);
    append_result result;
    auto appended = _log->append_as_leader(batches, brook::leader_epoch(leader_epoch));
    if (!appended) {
        result.error = to_kafka(appended.error());
        return result;
    }
    // Alone in the ISR, the leader's log end is the high watermark.
    _log->set_high_watermark(_log->log_end_offset());
    result.base_offset = appended.value().base_offset.value();
    result.log_start_offset = appended.value().log_start_offset.value();
    return result;
}

read_result partition::read(int64_t offset, int32_t max_bytes, bool min_one) const {
    read_result r;
    r.high_watermark = _log->high_watermark().value();
    r.last_stable_offset = r.high_watermark;
    r.log_start_offset = _log->log_start_offset().value();
    if (!min_one && max_bytes <= 0) {
        return r;
    }
    auto limit = static_cast<size_t>(std::max(max_bytes, 0));
    auto read = _log->read_into(brook::offset(offset), limit, brook::offset(r.high_watermark), r.records);
    if (!read) {
        r.error = to_kafka(read.error());
        r.records.clear();
        return r;
    }
    if (!min_one && r.records.size() > limit) {
        // The log returns the first batch whole; only the response's first partition may exceed.
        r.records.clear();
    }
    return r;
}

read_result partition::read_region(int64_t offset, int32_t max_bytes, bool min_one) const {
    read_result r;
    r.high_watermark = _log->high_watermark().value();
    r.last_stable_offset = r.high_watermark;
    r.log_start_offset = _log->log_start_offset().value();
    if (!min_one && max_bytes <= 0) {
        return r;
    }
    auto limit = static_cast<size_t>(std::max(max_bytes, 0));
    auto read = _log->read(brook::offset(offset), limit, brook::offset(r.high_watermark));
    if (!read) {
        r.error = to_kafka(read.error());
        return r;
    }
    // The log returns the first batch whole; only the response's first partition may exceed.
    if (min_one || read.value().region.length <= limit) {
        r.region = std::move(read.value().region);
    }
    return r;
}

int64_t partition::log_start_offset() const {
    return _log->log_start_offset().value();
}

int64_t partition::log_end_offset() const {
    return _log->log_end_offset().value();
}

int64_t partition::high_watermark() const {
    return _log->high_watermark().value();
}

uint64_t partition::bytes_available_from(int64_t offset) const {
    auto hw = _log->high_watermark();
    if (brook::offset(offset) >= hw) {
        return 0;
    }
    auto r = _log->read(brook::offset(offset), SIZE_MAX, hw);
    return r ? r.value().region.length : 0;
}

std::optional<std::pair<int64_t, int64_t>> partition::offset_for_timestamp(int64_t timestamp) const {
    auto found = _log->offset_for_timestamp(timestamp);
    if (!found || !found.value()) {
        return std::nullopt;
    }
    // Kafka answers with the first record at or after the time, not its batch's base offset.
    return std::pair{std::max(found.value()->record_offset.value(), log_start_offset()),
                     found.value()->record_timestamp};
}

} // namespace brook::broker

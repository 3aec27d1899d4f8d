#include "broker/produce_validation.h"

#include "brook/protocol/kafka/record_batch.h"

namespace brook::broker {

namespace kafka = protocol::kafka;

validated_records validate_produce_records(bytes_view records, int32_t max_batch_bytes) {
    validated_records v;
    auto fail = [&v](kafka::error_code e, std::string why) {
        v.error = e;
        v.message = std::move(why);
        return v;
    };
    size_t pos = 0;
    while (pos < records.size()) {
        auto rest = records.subspan(pos);
        auto header = kafka::parse_record_batch_header_prefix(rest);
        if (!header) {
            return fail(kafka::error_code::corrupt_message, "record batch header is truncated or malformed");
        }
        const auto& h = header.value();
        if (h.magic != 2) {
            return fail(kafka::error_code::corrupt_message, "record batch magic is not 2");
        }
        if (h.batch_length < 49 || static_cast<size_t>(h.batch_length) + 12 > rest.size()) {
            return fail(kafka::error_code::corrupt_message, "record batch length does not match the data");
        }
        size_t size = static_cast<size_t>(h.batch_length) + 12;
        if (size > static_cast<size_t>(max_batch_bytes)) {
            return fail(kafka::error_code::message_too_large,
                        "record batch of " + std::to_string(size) + " bytes exceeds message.max.bytes");
        }
        // The CRC is not checked here: the log's append verifies it (corrupt_batch, answered as
        // CORRUPT_MESSAGE) before anything is written, and a second pass over every byte costs
        // produce throughput.
        if (h.last_offset_delta < 0 || h.records_count < 0) {
            return fail(kafka::error_code::invalid_record, "record batch has negative counts");
        }
        ++v.batch_count;
        pos += size;
    }
    if (v.batch_count != 1) {
        return fail(kafka::error_code::invalid_record,
                    v.batch_count == 0 ? "produce request has no record batch"
                                       : "produce requests at version 3+ carry exactly one record batch");
    }
    return v;
}

} // namespace brook::broker

#pragma once
// Checks of the records of one partition in a Produce request before anything is appended.
//
// A produce at version 3+ carries exactly one RecordBatch (magic 2). Each batch is checked for
// framing (its batchLength fits the data), magic, size against message.max.bytes and sane counts;
// the CRC-32C is verified once, by the log's append (log::errc::corrupt_batch -> CORRUPT_MESSAGE). The first failure
// decides the partition's error code, as in Kafka:
//   CORRUPT_MESSAGE    framing, magic or CRC
//   MESSAGE_TOO_LARGE  batch larger than message.max.bytes
//   INVALID_RECORD     no batch, more than one batch, negative counts
#include "brook/common/bytes.h"
#include "brook/protocol/kafka/error_code.h"

#include <cstdint>
#include <string>

namespace brook::broker {

struct validated_records {
    protocol::kafka::error_code error = protocol::kafka::error_code::none;
    uint32_t batch_count = 0;
    /// Human-readable reason, sent as the partition's error message (Produce v8+).
    std::string message;
};

validated_records validate_produce_records(bytes_view records, int32_t max_batch_bytes);

} // namespace brook::broker

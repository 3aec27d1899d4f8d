// Fuzzes RecordBatch v2 and legacy message set decoding: any bytes must decode or fail with an
// error, never crash, read out of bounds or allocate past the decompression bound.
#include "brook/protocol/kafka/record_batch_reader.h"
#include "brook/protocol/kafka/record_legacy.h"

#include <cstddef>
#include <cstdint>

namespace {

namespace kafka = brook::protocol::kafka;

constexpr size_t max_decompressed = 256 * 1024;

void walk_batch(brook::bytes_view whole) {
    kafka::batch_validation_options opts;
    opts.verify_crc = false;
    opts.max_decompressed = max_decompressed;
    (void)kafka::validate_record_batch(whole, opts);
    auto d = kafka::decoded_record_batch::decode(whole, max_decompressed, false);
    if (!d) {
        return;
    }
    auto reader = d.value().records();
    while (!reader.done()) {
        auto r = reader.next();
        if (!r) {
            return;
        }
        for (const auto& h : r.value().headers()) {
            (void)h;
        }
        if (d.value().header().is_control()) {
            (void)kafka::parse_control_record(r.value());
        }
    }
    (void)reader.finish();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const brook::bytes_view in(data, size);
    (void)kafka::parse_record_batch_header(in);
    (void)kafka::crc_matches(in);
    auto batches = kafka::split_record_batches(in, true);
    if (batches) {
        for (auto b : batches.value()) {
            walk_batch(b);
        }
    }
    kafka::legacy_read_options lo;
    lo.verify_crc = false;
    lo.max_decompressed = max_decompressed;
    (void)kafka::read_message_set(in, lo);
    (void)kafka::down_convert_to_message_set(in, 1, max_decompressed);
    return 0;
}

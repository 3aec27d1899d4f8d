#include "brook/protocol/kafka/compression.h"
#include "brook/protocol/kafka/record_batch_reader.h"
#include "brook/protocol/kafka/record_recompress.h"

#include <algorithm>

namespace brook::protocol::kafka {

result<bytes> recompress_record_batch(bytes_view batch, compression_type target, size_t max_decompressed) {
    BOOST_OUTCOME_TRY(auto decoded, decoded_record_batch::decode(batch, max_decompressed));
    record_batch_header h = decoded.header();
    if (h.compression() == target) {
        return bytes(batch.begin(), batch.end());
    }
    BOOST_OUTCOME_TRY(auto payload, compress(target, decoded.payload()));
    h.attributes =
        static_cast<int16_t>((h.attributes & ~batch_attributes::compression_mask) | static_cast<int16_t>(target));
    h.batch_length =
        static_cast<int32_t>(record_batch_layout::header_size - record_batch_layout::log_overhead + payload.size());
    bytes out(record_batch_layout::header_size + payload.size());
    write_record_batch_header(h, std::span<uint8_t>(out.data(), record_batch_layout::header_size));
    std::copy(payload.begin(), payload.end(), out.begin() + record_batch_layout::header_size);
    update_record_batch_crc(out);
    return out;
}

} // namespace brook::protocol::kafka

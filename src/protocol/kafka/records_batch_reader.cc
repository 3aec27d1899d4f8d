#include "brook/protocol/kafka/record_batch_reader.h"

namespace brook::protocol::kafka {

namespace layout = record_batch_layout;

namespace {

result<record_batch_header> check_header(bytes_view whole_batch, bool verify_crc) noexcept {
    BOOST_OUTCOME_TRY(auto h, parse_record_batch_header(whole_batch));
    if (h.size_bytes() != whole_batch.size()) {
        return record_errc::bad_batch_length;
    }
    if (verify_crc && h.crc != compute_record_batch_crc(whole_batch)) {
        return record_errc::crc_mismatch;
    }
    if (h.records_count < 0) {
        return record_errc::bad_records_count;
    }
    if (static_cast<uint8_t>(h.compression()) > static_cast<uint8_t>(compression_type::zstd)) {
        return record_errc::unsupported_compression;
    }
    return h;
}

// Record i must carry offsetDelta i, and the header must agree on the last one.
result<void> check_sequential_offsets(const record_batch_header& h, bytes_view payload) noexcept {
    if (h.last_offset_delta != h.records_count - 1 && h.records_count > 0) {
        return record_errc::bad_offset_delta;
    }
    record_reader reader(payload, h.records_count);
    for (int32_t i = 0; !reader.done(); ++i) {
        BOOST_OUTCOME_TRY(auto r, reader.next());
        if (r.offset_delta != i) {
            return record_errc::bad_offset_delta;
        }
    }
    return reader.finish();
}

} // namespace

result<record_batch_header> validate_record_batch(bytes_view whole_batch, const batch_validation_options& opts) {
    BOOST_OUTCOME_TRY(auto h, check_header(whole_batch, opts.verify_crc));
    if (!opts.check_records) {
        return h;
    }
    const bytes_view body = whole_batch.subspan(layout::header_size);
    if (h.compression() == compression_type::none) {
        // Each record takes at least 7 bytes, which rejects absurd counts before iterating.
        if (static_cast<size_t>(h.records_count) > body.size() / 7 + 1) {
            return record_errc::bad_records_count;
        }
        BOOST_OUTCOME_TRY(validate_records(body, h.records_count));
        if (opts.require_sequential_offsets) {
            BOOST_OUTCOME_TRY(check_sequential_offsets(h, body));
        }
        return h;
    }
    BOOST_OUTCOME_TRY(auto payload, decompress(h.compression(), body, opts.max_decompressed));
    BOOST_OUTCOME_TRY(validate_records(payload, h.records_count));
    if (opts.require_sequential_offsets) {
        BOOST_OUTCOME_TRY(check_sequential_offsets(h, payload));
    }
    return h;
}

result<decoded_record_batch> decoded_record_batch::decode(bytes_view whole_batch, size_t max_decompressed,
                                                          bool verify_crc) {
    decoded_record_batch d;
    BOOST_OUTCOME_TRY(d._header, check_header(whole_batch, verify_crc));
    const bytes_view body = whole_batch.subspan(layout::header_size);
    if (d._header.compression() == compression_type::none) {
        d._view = body;
        return d;
    }
    BOOST_OUTCOME_TRY(d._owned, decompress(d._header.compression(), body, max_decompressed));
    d._owned_payload = true;
    return d;
}

result<std::vector<record_view>> decoded_record_batch::all_records() const {
    std::vector<record_view> out;
    const auto p = payload();
    // Each record takes at least 7 bytes: cap the reservation by what the payload can hold.
    out.reserve(std::min(static_cast<size_t>(_header.records_count), p.size() / 7 + 1));
    auto reader = records();
    while (!reader.done()) {
        BOOST_OUTCOME_TRY(auto r, reader.next());
        out.push_back(r);
    }
    BOOST_OUTCOME_TRY(reader.finish());
    return out;
}

result<std::vector<bytes_view>> split_record_batches(bytes_view data, bool allow_partial_tail) {
    std::vector<bytes_view> out;
    size_t pos = 0;
    while (pos < data.size()) {
        const bytes_view rest = data.subspan(pos);
        auto h = parse_record_batch_header_prefix(rest);
        if (!h) {
            if (allow_partial_tail && h.error() == record_errc::batch_header_truncated) {
                break;
            }
            return h.error();
        }
        if (h.value().size_bytes() > rest.size()) {
            if (allow_partial_tail) {
                break;
            }
            return record_errc::bad_batch_length;
        }
        out.push_back(rest.first(h.value().size_bytes()));
        pos += h.value().size_bytes();
    }
    return out;
}

} // namespace brook::protocol::kafka

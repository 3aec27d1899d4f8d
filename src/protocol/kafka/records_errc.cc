#include "brook/protocol/kafka/record_errc.h"

#include <string>

namespace brook::protocol::kafka {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.protocol.records"; }
    std::string message(int ev) const override {
        switch (static_cast<record_errc>(ev)) {
        case record_errc::success:
            return "success";
        case record_errc::batch_header_truncated:
            return "record batch header truncated";
        case record_errc::unsupported_magic:
            return "unsupported magic byte";
        case record_errc::bad_batch_length:
            return "invalid batchLength";
        case record_errc::crc_mismatch:
            return "CRC mismatch";
        case record_errc::bad_records_count:
            return "invalid recordsCount";
        case record_errc::bad_record_length:
            return "invalid record length";
        case record_errc::bad_record_field:
            return "invalid record attributes/timestampDelta/offsetDelta";
        case record_errc::bad_record_key:
            return "invalid record key";
        case record_errc::bad_record_value:
            return "invalid record value";
        case record_errc::bad_record_headers:
            return "invalid record headers";
        case record_errc::record_length_mismatch:
            return "record fields do not match the record length";
        case record_errc::trailing_bytes:
            return "bytes after the last record";
        case record_errc::unsupported_compression:
            return "unsupported compression type";
        case record_errc::decompression_failed:
            return "corrupt compressed data";
        case record_errc::decompressed_too_large:
            return "decompressed data exceeds the limit";
        case record_errc::compression_failed:
            return "compression failed";
        case record_errc::bad_control_record:
            return "invalid control record";
        case record_errc::bad_legacy_message:
            return "invalid legacy message";
        case record_errc::bad_offset_delta:
            return "record offset deltas are not sequential";
        case record_errc::invalid_builder_input:
            return "invalid record builder input";
        }
        return "unknown brook.protocol.records error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& record_error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace brook::protocol::kafka

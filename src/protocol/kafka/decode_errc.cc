#include "brook/protocol/kafka/decode_errc.h"

#include <string>

namespace brook::protocol::kafka {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.protocol.kafka.decode"; }
    std::string message(int ev) const override {
        switch (static_cast<decode_errc>(ev)) {
        case decode_errc::success:
            return "success";
        case decode_errc::truncated:
            return "input truncated";
        case decode_errc::invalid_length:
            return "invalid length or count";
        case decode_errc::length_exceeds_input:
            return "length or count exceeds the remaining input";
        case decode_errc::invalid_varint:
            return "invalid varint";
        case decode_errc::unexpected_null:
            return "null where the version does not allow it";
        case decode_errc::invalid_tagged_field:
            return "invalid tagged field";
        case decode_errc::unknown_api_key:
            return "unknown api key";
        case decode_errc::unsupported_version:
            return "unsupported api version";
        case decode_errc::trailing_bytes:
            return "trailing bytes after the message";
        }
        return "unknown decode error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& decode_error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace brook::protocol::kafka

#pragma once
// Errors of the Kafka request/response codecs. The reader that produced one also records which
// field failed (`reader::error_field()`), e.g. "metadata_request.topics.name".
#include <system_error>

namespace brook::protocol::kafka {

enum class decode_errc {
    success = 0,
    /// The input ends before the field does.
    truncated,
    /// A length or count is negative where null is not allowed, or malformed.
    invalid_length,
    /// A count or length announces more data than the input still holds.
    length_exceeds_input,
    /// A varint runs past its maximal encoded width.
    invalid_varint,
    /// A null value in a version where the field is not nullable.
    unexpected_null,
    /// A tagged field's payload was not consumed exactly.
    invalid_tagged_field,
    /// The API key is not one this library knows.
    unknown_api_key,
    /// The API version is outside the range this library knows for the API.
    unsupported_version,
    /// Bytes are left over after the message.
    trailing_bytes,
};

const std::error_category& decode_error_category() noexcept;

inline std::error_code make_error_code(decode_errc e) noexcept {
    return {static_cast<int>(e), decode_error_category()};
}

} // namespace brook::protocol::kafka

template<>
struct std::is_error_code_enum<brook::protocol::kafka::decode_errc> : std::true_type {};

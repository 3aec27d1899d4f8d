#pragma once
// Errors of the Kafka client.
//
// Failures reported by the cluster keep Kafka's wire codes: `kafka_error(code)` wraps an int16
// error code in the category "kafka" (message = Kafka's name and text), so callers can test
// `is_kafka_error(ec)` and recover the code with `ec.value()`.
//
// Failures of the client itself are `client::kafka::errc` in the category "brook.client.kafka".
#include <cstdint>
#include <system_error>

namespace brook::client::kafka {

enum class errc {
    success = 0,
    /// No bootstrap server or broker accepted a connection.
    unreachable,
    /// A request got no answer within its timeout.
    timed_out,
    /// The connection closed while the request was in flight.
    disconnected,
    /// A frame could not be decoded, or the answer breaks the protocol.
    protocol_error,
    /// The broker supports no version of an API this call needs.
    unsupported_version,
    /// A topic or partition is not in the cluster's metadata.
    unknown_topic,
    /// A setting or argument is invalid.
    invalid_config,
    /// The client or producer was closed before the operation finished.
    closed,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// The category of Kafka's wire error codes.
const std::error_category& kafka_category() noexcept;

/// A Kafka wire error as an error_code (0 = success).
inline std::error_code kafka_error(int16_t code) noexcept {
    return code == 0 ? std::error_code() : std::error_code(code, kafka_category());
}

inline bool is_kafka_error(const std::error_code& ec) noexcept {
    return &ec.category() == &kafka_category();
}

/// True for errors worth a retry: retriable Kafka codes, timeouts and lost connections.
bool is_retriable(const std::error_code& ec) noexcept;

} // namespace brook::client::kafka

template<>
struct std::is_error_code_enum<brook::client::kafka::errc> : std::true_type {};

#pragma once
// Errors of the broker module (network layer, startup). Kafka's wire error codes are a separate
// enum in the protocol module; handlers map these to them where a client must see one.
#include <system_error>

namespace brook::broker {

enum class errc {
    success = 0,
    /// A `listeners` entry is not NAME://host:port.
    invalid_listener,
    /// A listener address cannot be resolved or bound.
    bind_failed,
    /// A request's size prefix exceeds socket.request.max.bytes (or is negative).
    request_too_large,
    /// A request is too short to hold a request header.
    request_too_small,
    /// The broker is shutting down.
    shutting_down,
    /// No coordinator session could be established within zookeeper.connection.timeout.ms.
    coordinator_unavailable,
    /// meta.properties names another cluster than /cluster/id in the coordinator.
    inconsistent_cluster_id,
    /// /brokers/ids/<id> is held by another live session.
    broker_id_in_use,
    /// The coordinator holds the topic already (another broker created it first).
    topic_exists,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace brook::broker

template<>
struct std::is_error_code_enum<brook::broker::errc> : std::true_type {};

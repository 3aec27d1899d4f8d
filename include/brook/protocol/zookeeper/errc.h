#pragma once
// Decode errors of the ZooKeeper jute codec.
#include <system_error>

namespace brook::protocol::zookeeper {

enum class errc {
    success = 0,
    /// The packet ends inside a field.
    truncated,
    /// A string, buffer or vector length is below -1 or larger than the bytes left in the packet.
    bad_length,
    /// The opcode is not one this codec knows (or not allowed where it appears, e.g. inside multi).
    unknown_opcode,
    /// A multi request or response is malformed (bad header, nested multi, missing terminator).
    bad_multi,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace brook::protocol::zookeeper

template<>
struct std::is_error_code_enum<brook::protocol::zookeeper::errc> : std::true_type {};

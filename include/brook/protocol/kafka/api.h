#pragma once
// The table of Kafka APIs this library implements (generated from the schema files): key, name,
// version range and first flexible version. It feeds the ApiVersions response, request dispatch,
// client version negotiation and the tests.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace brook::protocol::kafka {

struct api_info {
    int16_t key;
    /// snake_case name, as in the message type names (e.g. "api_versions").
    std::string_view name;
    int16_t min_version;
    int16_t max_version;
    /// First version using compact types, tagged fields and header v2/v1; -1 when none does.
    int16_t first_flexible_version;
};

/// Every API, sorted by key.
std::span<const api_info> api_table() noexcept;

/// The entry for `key`, or nullptr.
const api_info* find_api(int16_t key) noexcept;

/// Whether `version` of API `key` is flexible (false for unknown keys).
bool is_flexible(int16_t key, int16_t version) noexcept;

/// Request header version for a request of `key`/`version`: 2 when flexible, else 1.
/// (Header v0, without client id, is only used by ControlledShutdown v0, which is not in the table.)
int16_t request_header_version(int16_t key, int16_t version) noexcept;

/// Response header version: 1 when flexible, else 0. ApiVersions always answers with header v0,
/// so a client that sent an unsupported version can still parse the answer.
int16_t response_header_version(int16_t key, int16_t version) noexcept;

/// The highest version in the overlap of [our_min, our_max] and [their_min, their_max], or -1 when
/// they do not overlap (librdkafka's rule).
int16_t highest_common_version(int16_t our_min, int16_t our_max, int16_t their_min, int16_t their_max) noexcept;

/// Named API keys, for readability at call sites.
namespace api_keys {
inline constexpr int16_t produce = 0;
inline constexpr int16_t fetch = 1;
inline constexpr int16_t list_offsets = 2;
inline constexpr int16_t metadata = 3;
inline constexpr int16_t offset_commit = 8;
inline constexpr int16_t offset_fetch = 9;
inline constexpr int16_t find_coordinator = 10;
inline constexpr int16_t join_group = 11;
inline constexpr int16_t heartbeat = 12;
inline constexpr int16_t leave_group = 13;
inline constexpr int16_t sync_group = 14;
inline constexpr int16_t describe_groups = 15;
inline constexpr int16_t list_groups = 16;
inline constexpr int16_t sasl_handshake = 17;
inline constexpr int16_t api_versions = 18;
inline constexpr int16_t create_topics = 19;
inline constexpr int16_t delete_topics = 20;
inline constexpr int16_t init_producer_id = 22;
} // namespace api_keys

} // namespace brook::protocol::kafka

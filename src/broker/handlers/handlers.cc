#include "broker/handlers/handlers.h"

#include "brook/common/logging.h"
#include "brook/protocol/kafka/api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace brook::broker::handlers {

namespace keys = protocol::kafka::api_keys;

namespace {

// Each API is served over its whole Kafka 3.8.0 version range; the handlers convert what old
// versions need (message sets for Produce v0-2 / Fetch v0-3, ListOffsets v0's offset arrays).
// Sorted by key, as ApiVersions lists them.
constexpr std::array<api_entry, 26> table{{
    {keys::produce, 0, 11, handle_produce},
    {keys::fetch, 0, 16, handle_fetch},
    {keys::list_offsets, 0, 8, handle_list_offsets},
    {keys::metadata, 0, 12, handle_metadata},
    {8, 0, 9, handle_offset_commit},
    {9, 0, 9, handle_offset_fetch},
    {10, 0, 5, handle_find_coordinator},
    {11, 0, 9, handle_join_group},
    {12, 0, 4, handle_heartbeat},
    {13, 0, 5, handle_leave_group},
    {14, 0, 5, handle_sync_group},
    {15, 0, 5, handle_describe_groups},
    {16, 0, 5, handle_list_groups},
    {keys::api_versions, 0, 3, handle_api_versions},
    {keys::create_topics, 0, 7, handle_create_topics},
    {keys::delete_topics, 0, 6, handle_delete_topics},
    {21, 0, 2, handle_delete_records},
    {23, 0, 4, handle_offset_for_leader_epoch},
    {32, 0, 4, handle_describe_configs},
    {33, 0, 2, handle_alter_configs},
    {35, 0, 4, handle_describe_log_dirs},
    {37, 0, 3, handle_create_partitions},
    {42, 0, 2, handle_delete_groups},
    {44, 0, 1, handle_incremental_alter_configs},
    {47, 0, 0, handle_offset_delete},
    {60, 0, 1, handle_describe_cluster},
}};

static_assert(std::is_sorted(table.begin(), table.end(),
                             [](const api_entry& a, const api_entry& b) { return a.key < b.key; }));

} // namespace

std::span<const api_entry> implemented_apis() noexcept {
    return table;
}

void install(dispatcher& d, broker_context& ctx) {
    for (const auto& api : table) {
        d.add(api.key, [&ctx, api](request r, responder reply) {
            bool in_range = r.prefix.api_version >= api.min_version && r.prefix.api_version <= api.max_version;
            if (!in_range && api.key != keys::api_versions) {
                get_logger("brook.broker")
                    ->warn("Closing connection {} ({}): unsupported version {} of API {}",
                           r.connection ? r.connection->id : 0, r.connection ? r.connection->peer : "?",
                           r.prefix.api_version, api.key);
                reply.close_connection();
                return;
            }
            api.handle(ctx, std::move(r), std::move(reply));
        });
    }
}

} // namespace brook::broker::handlers

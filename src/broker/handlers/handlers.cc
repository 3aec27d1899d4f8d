#include "broker/handlers/handlers.h"

#include "brook/common/logging.h"
#include "brook/protocol/kafka/api.h"

#include <spdlog/spdlog.h>

#include <array>

namespace brook::broker::handlers {

namespace keys = protocol::kafka::api_keys;

namespace {

// Versions below are those whose semantics the handlers implement; the codecs cover the whole
// 3.8.0 range. Produce starts at 3 and Fetch at 4 (RecordBatch v2 only: no message-set
// down-conversion yet); ListOffsets starts at 1 (v0's offset arrays are not served).
constexpr std::array<api_entry, 26> table{{
    {keys::produce, 0, 11, handle_produce},
    {keys::fetch, 0, 16, handle_fetch},
    {keys::list_offsets, 0, 8, handle_list_offsets},
    {keys::metadata, 0, 12, handle_metadata},
    {keys::api_versions, 0, 3, handle_api_versions},
    {keys::create_topics, 0, 7, handle_create_topics},
    {keys::delete_topics, 0, 6, handle_delete_topics},
    {32, 0, 4, handle_describe_configs},
    {21, 0, 2, handle_delete_records},
    {23, 0, 4, handle_offset_for_leader_epoch},
    {33, 0, 2, handle_alter_configs},
    {35, 0, 4, handle_describe_log_dirs},
    {37, 0, 3, handle_create_partitions},
    {44, 0, 1, handle_incremental_alter_configs},
    {60, 0, 1, handle_describe_cluster},
    // Groups and offsets (src/broker/group/).
    {8, 0, 9, handle_offset_commit},
    {9, 0, 9, handle_offset_fetch},
    {10, 0, 5, handle_find_coordinator},
    {11, 0, 9, handle_join_group},
    {12, 0, 4, handle_heartbeat},
    {13, 0, 5, handle_leave_group},
    {14, 0, 5, handle_sync_group},
    {15, 0, 5, handle_describe_groups},
    {16, 0, 5, handle_list_groups},
    {42, 0, 2, handle_delete_groups},
    {47, 0, 0, handle_offset_delete},
}};

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

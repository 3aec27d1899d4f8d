#pragma once
// The request handlers of the broker, one file per API, and the table of what is implemented.
//
// The table is the single source of truth for dispatch and for the ApiVersions answer: an API is
// advertised exactly when it has a handler here, with the versions the handler serves.
#include "broker/broker_context.h"
#include "brook/broker/dispatcher.h"

#include <span>

namespace brook::broker::handlers {

using handler_fn = void (*)(broker_context& ctx, request r, responder reply);

struct api_entry {
    int16_t key;
    int16_t min_version;
    int16_t max_version;
    handler_fn handle;
};

/// Implemented APIs, sorted by key.
std::span<const api_entry> implemented_apis() noexcept;

/// Installs every implemented handler. Requests at versions outside an API's range close the
/// connection (Kafka cannot parse them either), except ApiVersions, which answers as Kafka does.
/// `ctx` must outlive the dispatcher's use.
void install(dispatcher& d, broker_context& ctx);

void handle_api_versions(broker_context& ctx, request r, responder reply);
void handle_metadata(broker_context& ctx, request r, responder reply);
void handle_produce(broker_context& ctx, request r, responder reply);
void handle_fetch(broker_context& ctx, request r, responder reply);
void handle_list_offsets(broker_context& ctx, request r, responder reply);
void handle_create_topics(broker_context& ctx, request r, responder reply);
void handle_delete_topics(broker_context& ctx, request r, responder reply);
void handle_describe_configs(broker_context& ctx, request r, responder reply);
void handle_alter_configs(broker_context& ctx, request r, responder reply);
void handle_incremental_alter_configs(broker_context& ctx, request r, responder reply);
void handle_create_partitions(broker_context& ctx, request r, responder reply);
void handle_delete_records(broker_context& ctx, request r, responder reply);
void handle_offset_for_leader_epoch(broker_context& ctx, request r, responder reply);
void handle_describe_log_dirs(broker_context& ctx, request r, responder reply);
void handle_describe_cluster(broker_context& ctx, request r, responder reply);
void handle_find_coordinator(broker_context& ctx, request r, responder reply);
void handle_join_group(broker_context& ctx, request r, responder reply);
void handle_sync_group(broker_context& ctx, request r, responder reply);
void handle_heartbeat(broker_context& ctx, request r, responder reply);
void handle_leave_group(broker_context& ctx, request r, responder reply);
void handle_offset_commit(broker_context& ctx, request r, responder reply);
void handle_offset_fetch(broker_context& ctx, request r, responder reply);
void handle_offset_delete(broker_context& ctx, request r, responder reply);
void handle_describe_groups(broker_context& ctx, request r, responder reply);
void handle_list_groups(broker_context& ctx, request r, responder reply);
void handle_delete_groups(broker_context& ctx, request r, responder reply);

} // namespace brook::broker::handlers

#pragma once
// FetchResponse encoding with record bytes left in segment files.
//
// The generated codec copies `partition_data::records` into the encoded bytes. This encoder writes
// the same bytes for every version (0-16, including flexible versions' compact fields and tagged
// fields), except that a partition given a file region gets only its records length prefix in the
// byte stream, followed by the region as its own response chunk; the connection sends such chunks
// with sendfile(2). The outer structure it writes, per version (see schema/fetch.def):
//   [header tagged fields: uvarint 0, v12+]
//   throttle_time_ms int32 (v1+), error_code int16 (v7+), session_id int32 (v7+)
//   responses: array of { topic string (v0-12) | topic_id uuid (v13+),
//     partitions: array of { partition_index int32, error_code int16, high_watermark int64,
//       last_stable_offset int64 (v4+), log_start_offset int64 (v5+),
//       aborted_transactions nullable array (v4+), preferred_read_replica int32 (v11+),
//       records nullable bytes, tagged fields 0 diverging_epoch, 1 current_leader, 2 snapshot_id (v12+) },
//     tagged fields (v12+) },
//   tagged fields: 0 node_endpoints (v16+)
// Arrays, strings and bytes are compact (uvarint N+1) from v12.
#include "brook/broker/response.h"
#include "brook/protocol/kafka/messages/fetch.h"

#include <optional>
#include <vector>

namespace brook::broker::handlers {

/// regions[t][p] belongs to responses[t].partitions[p]; when it holds a region, that partition's
/// `records` member is ignored and the region is sent in its place. A shorter (or empty) outer or
/// inner vector means "no region" for the partitions it does not cover.
using fetch_regions = std::vector<std::vector<std::optional<file_region>>>;

/// The response after the correlation id: header tagged fields (flexible versions) and body.
response encode_fetch_response(const protocol::kafka::fetch_response& body, int16_t version,
                               const fetch_regions& regions);

} // namespace brook::broker::handlers

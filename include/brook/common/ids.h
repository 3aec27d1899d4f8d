#pragma once
// Identifiers shared across modules.
#include "brook/common/named_type.h"

#include <cstdint>

namespace brook {

/// Position of a record in a partition log.
using offset = named_type<int64_t, struct offset_tag>;
/// Leader epoch of a partition: bumped on every leader change.
using leader_epoch = named_type<int32_t, struct leader_epoch_tag>;
/// A broker's `broker.id`.
using node_id = named_type<int32_t, struct node_id_tag>;
/// ZooKeeper transaction id: (epoch << 32) | counter.
using zxid = named_type<int64_t, struct zxid_tag>;
/// ZooKeeper session id.
using session_id = named_type<int64_t, struct session_id_tag>;

} // namespace brook

#pragma once
// Per-partition settings of a log, mirroring Kafka's topic configs (defaults are Kafka's).
#include <cstdint>
#include <functional>
#include <limits>

namespace brook::log {

/// Wall-clock milliseconds since the epoch; tests inject a fake one.
using clock_fn = std::function<int64_t()>;
/// The system clock.
int64_t system_clock_ms();

struct log_config {
    /// segment.bytes: roll the active segment before it would exceed this size.
    uint64_t segment_bytes = uint64_t{1} << 30;
    /// segment.ms: roll a non-empty active segment this long after its first batch's timestamp
    /// (creation time when it has none); see src/log/README.md.
    int64_t segment_ms = int64_t{7} * 24 * 3600 * 1000;
    /// index.interval.bytes: bytes between offset index entries.
    uint32_t index_interval_bytes = 4096;
    /// segment.index.bytes: size of each index file; a full index rolls the segment.
    uint32_t max_index_bytes = 10 * 1024 * 1024;
    /// retention.ms (-1 = keep forever) and retention.bytes (-1 = unlimited), for cleanup.policy=delete.
    int64_t retention_ms = int64_t{7} * 24 * 3600 * 1000;
    int64_t retention_bytes = -1;
    /// cleanup.policy: delete, compact, or both.
    bool cleanup_delete = true;
    bool cleanup_compact = false;
    /// delete.retention.ms: how long tombstones survive compaction.
    int64_t delete_retention_ms = int64_t{24} * 3600 * 1000;
    /// log.cleaner.dedupe.buffer.size (a broker setting, divided among cleaner threads): memory for
    /// the cleaner's key map; a dirty section with more keys is cleaned in several passes.
    uint64_t dedupe_buffer_bytes = uint64_t{128} * 1024 * 1024;
    /// min.cleanable.dirty.ratio: dirty bytes / cleanable bytes needed before compacting.
    double min_cleanable_dirty_ratio = 0.5;
    /// flush.messages / flush.ms: fsync after this many messages or this long (default: never, as
    /// in Kafka, leaving durability to replication and the page cache).
    int64_t flush_interval_messages = std::numeric_limits<int64_t>::max();
    int64_t flush_interval_ms = std::numeric_limits<int64_t>::max();
    /// message.timestamp.type=LogAppendTime: the leader stamps batches with its clock.
    bool log_append_time = false;
    /// max.message.bytes: largest batch accepted.
    uint32_t max_batch_bytes = 1024 * 1024 + 12;
    /// Check the framing of every record of uncompressed batches on leader append.
    bool validate_records = true;
};

} // namespace brook::log

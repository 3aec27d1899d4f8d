#pragma once
// Kafka's small text files, byte for byte what Kafka writes, so operators and tools recognise them.
//
// Per log dir, offset checkpoints (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint, cleaner-offset-checkpoint):
//     0\n                        version
//     <count>\n
//     <topic> <partition> <offset>\n   x count
//
// Per partition, leader-epoch-checkpoint:
//     0\n
//     <count>\n
//     <epoch> <start offset>\n   x count
//
// Per partition, partition.metadata:
//     version: 0\n
//     topic_id: <topic id, 16 bytes in URL-safe base64 without padding>\n
//
// Per log dir, meta.properties (Java properties; ZooKeeper-mode version 0):
//     version=0\nbroker.id=<id>\ncluster.id=<id>\n
//
// Every file is written atomically: <name>.tmp, fsync, rename over <name>, fsync the directory.
// Readers reject a wrong version or count with errc::bad_checkpoint. Callers serialise writes of
// the same file (the log manager's background thread, or the partition's lock for epoch files).
#include "brook/common/ids.h"
#include "brook/common/result.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brook::log {

/// (topic, partition) of a partition log.
struct topic_partition {
    std::string topic;
    int32_t partition = 0;

    auto operator<=>(const topic_partition&) const = default;
    /// "<topic>-<partition>", the partition's directory name.
    std::string dir_name() const;
    /// Parses a directory name "<topic>-<partition>" (topics may contain '-').
    static std::optional<topic_partition> from_dir_name(std::string_view name);
};

using offset_map = std::map<topic_partition, offset>;

result<void> write_offset_checkpoint(const std::filesystem::path& path, const offset_map& offsets);
/// A missing file reads as empty.
result<offset_map> read_offset_checkpoint(const std::filesystem::path& path);

struct epoch_entry {
    leader_epoch epoch;
    offset start_offset;
    auto operator<=>(const epoch_entry&) const = default;
};

/// `durable` = false skips the fsyncs (see leader_epoch_cache::persist).
result<void> write_epoch_checkpoint(const std::filesystem::path& path, const std::vector<epoch_entry>& entries,
                                    bool durable = true);
result<std::vector<epoch_entry>> read_epoch_checkpoint(const std::filesystem::path& path);

using topic_id = std::array<uint8_t, 16>;

std::string encode_topic_id(const topic_id& id);
std::optional<topic_id> decode_topic_id(std::string_view base64);
result<void> write_partition_metadata(const std::filesystem::path& path, const topic_id& id);
result<topic_id> read_partition_metadata(const std::filesystem::path& path);

struct meta_properties {
    int32_t broker_id = -1;
    std::string cluster_id;
};
result<void> write_meta_properties(const std::filesystem::path& path, const meta_properties& meta);
result<meta_properties> read_meta_properties(const std::filesystem::path& path);

} // namespace brook::log

#pragma once
// Forward declarations of the storage engine's public types.

namespace brook::log {

class file_cache;
class file_handle;
class leader_epoch_cache;
class log_manager;
class offset_index;
class partition_log;
class time_index;
struct append_result;
struct file_region;
struct log_config;
struct log_manager_config;
struct read_result;
struct topic_partition;

} // namespace brook::log

#pragma once
// Partition choice compatible with the Java client (and librdkafka's "murmur2_random").
//
// Keyed records: partition = toPositive(murmur2(key)) % partitions, where murmur2 is Kafka's
// variant of MurmurHash2 (seed 0x9747b28c, m = 0x5bd1e995, r = 24, the tail mixed in little-endian
// order) and toPositive(x) = x & 0x7fffffff. Unkeyed records use sticky partitioning: one partition
// is kept until its batch is sent, then another is picked at random.
#include "brook/common/bytes.h"

#include <cstdint>
#include <random>

namespace brook::client::kafka {

/// Kafka's murmur2 of `data` (Utils.murmur2 in the Java client), as a signed 32-bit value.
int32_t murmur2(bytes_view data) noexcept;

/// Utils.toPositive: clears the sign bit.
constexpr int32_t to_positive(int32_t v) noexcept {
    return v & 0x7fffffff;
}

/// The Java default partitioner's choice for a keyed record. REQUIRES: partitions > 0.
int32_t partition_for_key(bytes_view key, int32_t partitions) noexcept;

/// Sticky partition choice for unkeyed records of one topic. Not thread-safe: the producer holds
/// its accumulator lock around it.
class sticky_partitioner {
public:
    /// The partition to use now. REQUIRES: partitions > 0.
    int32_t current(int32_t partitions);
    /// Called when the batch of the current partition was closed: the next record moves on to a
    /// different partition (when there is more than one).
    void batch_closed(int32_t partitions);

private:
    int32_t _current = -1;
    std::minstd_rand _rng{std::random_device{}()};
};

} // namespace brook::client::kafka

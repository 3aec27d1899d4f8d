#pragma once
// Splits the bytes read from a socket into request frames (int32 size prefix, then `size` bytes).
//
// Small frames share one buffer per connection: a read fills as much of it as the socket has, so
// pipelined small requests cost one read for many frames, and each is copied out of it. A frame of
// `direct_threshold` bytes or more (a produce request of full batches) is read into a buffer of
// its own, sized once its prefix is in, and handed over without a copy: only the bytes of it that
// arrived with earlier reads are copied. The limit is checked as soon as the 4 size bytes are in.
// Not thread-safe: owned by the connection's reader.
#include "brook/common/bytes.h"
#include "brook/common/result.h"

#include <cstdint>
#include <optional>
#include <span>

namespace brook::broker::network {

class frame_reader {
public:
    static constexpr size_t initial_capacity = 64 * 1024;
    /// Frames at least this large get a buffer of their own (below initial_capacity, so smaller
    /// frames always fit the shared buffer).
    static constexpr size_t direct_threshold = 16 * 1024;
    /// Smallest frame accepted: the fixed part of a request header (api key, version, correlation id).
    static constexpr int32_t min_frame = 8;

    explicit frame_reader(int32_t max_frame) : _max_frame(max_frame) {}

    /// Space to read into; never empty.
    std::span<uint8_t> prepare();
    /// Marks `n` bytes of the last prepare() as filled.
    void commit(size_t n) noexcept;

    /// The next complete frame (without its size prefix), nullopt when more bytes are needed, or
    /// errc::request_too_large / errc::request_too_small. After an error the reader is unusable.
    result<std::optional<bytes>> next();

    /// Size prefix of the frame being read, once known (for error messages).
    int32_t pending_size() const noexcept;
    /// Bytes in the shared buffer not yet returned as frames.
    size_t buffered() const noexcept { return _end - _begin; }

private:
    bytes _buffer;
    size_t _begin = 0;
    size_t _end = 0;
    /// The large frame being read (its body only) and how much of it arrived; empty when none.
    bytes _large;
    size_t _large_filled = 0;
    int32_t _max_frame;
};

} // namespace brook::broker::network

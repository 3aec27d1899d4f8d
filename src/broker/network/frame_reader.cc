#include "broker/network/frame_reader.h"

#include "brook/broker/errc.h"

#include <algorithm>
#include <cstring>

namespace brook::broker::network {

int32_t frame_reader::pending_size() const noexcept {
    if (!_large.empty()) {
        return static_cast<int32_t>(_large.size());
    }
    if (buffered() < 4) {
        return -1;
    }
    const uint8_t* p = _buffer.data() + _begin;
    return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]);
}

std::span<uint8_t> frame_reader::prepare() {
    if (!_large.empty()) {
        return {_large.data() + _large_filled, _large.size() - _large_filled};
    }
    int32_t size = pending_size();
    if (size >= static_cast<int32_t>(direct_threshold) && size <= _max_frame &&
        buffered() < size_t{4} + static_cast<size_t>(size)) {
        // The rest of this frame goes straight into its own buffer.
        _large.resize(static_cast<size_t>(size));
        _large_filled = buffered() - 4;
        std::memcpy(_large.data(), _buffer.data() + _begin + 4, _large_filled);
        _begin = _end = 0;
        return {_large.data() + _large_filled, _large.size() - _large_filled};
    }
    if (_begin == _end) {
        _begin = _end = 0;
    }
    if (_buffer.size() < initial_capacity) {
        _buffer.resize(initial_capacity);
    }
    // A frame below direct_threshold always fits once moved to the front.
    if (_buffer.size() - _end < direct_threshold && _begin > 0) {
        std::memmove(_buffer.data(), _buffer.data() + _begin, buffered());
        _end -= _begin;
        _begin = 0;
    }
    return {_buffer.data() + _end, _buffer.size() - _end};
}

void frame_reader::commit(size_t n) noexcept {
    if (!_large.empty()) {
        _large_filled += n;
    } else {
        _end += n;
    }
}

result<std::optional<bytes>> frame_reader::next() {
    if (!_large.empty()) {
        if (_large_filled < _large.size()) {
            return std::optional<bytes>{};
        }
        std::optional<bytes> frame{std::move(_large)};
        _large = bytes();
        _large_filled = 0;
        return frame;
    }
    if (buffered() < 4) {
        return std::optional<bytes>{};
    }
    int32_t size = pending_size();
    if (size < 0 || size > _max_frame) {
        return errc::request_too_large;
    }
    if (size < min_frame) {
        return errc::request_too_small;
    }
    if (buffered() < size_t{4} + static_cast<size_t>(size)) {
        return std::optional<bytes>{};
    }
    const uint8_t* start = _buffer.data() + _begin + 4;
    bytes frame(start, start + size);
    _begin += 4 + static_cast<size_t>(size);
    return std::optional<bytes>{std::move(frame)};
}

} // namespace brook::broker::network

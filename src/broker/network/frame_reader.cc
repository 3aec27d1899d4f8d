#include "broker/network/frame_reader.h"

#include "brook/broker/errc.h"

#include <algorithm>
#include <cstring>

namespace brook::broker::network {

int32_t frame_reader::pending_size() const noexcept {
    if (buffered() < 4) {
        return -1;
    }
    const uint8_t* p = _buffer.data() + _begin;
    return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]);
}

std::span<uint8_t> frame_reader::prepare() {
    // Room needed: the rest of the current frame when its size is known and valid, else some.
    size_t want = initial_capacity;
    int32_t size = pending_size();
    if (size >= min_frame && size <= _max_frame) {
        want = std::max(want, size_t{4} + static_cast<size_t>(size));
    }
    if (_begin == _end) {
        _begin = _end = 0;
        // A buffer grown for one large request shrinks back once it is empty, so idle connections
        // stay small.
        if (_buffer.size() > 4 * initial_capacity && want <= initial_capacity) {
            bytes().swap(_buffer);
        }
    }
    if (_buffer.size() < want) {
        bytes bigger(want);
        std::memcpy(bigger.data(), _buffer.data() + _begin, buffered());
        _end -= _begin;
        _begin = 0;
        _buffer.swap(bigger);
    } else if (_buffer.size() - _begin < want) {
        std::memmove(_buffer.data(), _buffer.data() + _begin, buffered());
        _end -= _begin;
        _begin = 0;
    }
    return {_buffer.data() + _end, _buffer.size() - _end};
}

result<std::optional<bytes>> frame_reader::next() {
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

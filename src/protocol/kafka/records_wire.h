#pragma once
// Big-endian fixed-width and zig-zag varint helpers used by the record codecs. Internal to the
// protocol module; the request codecs have their own reader/writer with error reporting per field.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

namespace brook::protocol::kafka::records_wire {

inline uint16_t load_be16(const uint8_t* p) noexcept {
    return static_cast<uint16_t>((uint16_t{p[0]} << 8) | p[1]);
}
inline uint32_t load_be32(const uint8_t* p) noexcept {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}
inline uint64_t load_be64(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}
inline void store_be16(uint8_t* p, uint16_t v) noexcept {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
inline void store_be32(uint8_t* p, uint32_t v) noexcept {
    v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}
inline void store_be64(uint8_t* p, uint64_t v) noexcept {
    v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}

/// Two's-complement addition without undefined behaviour: offsets and timestamps from untrusted
/// input may be anywhere in the int64 range.
inline int64_t wrapping_add(int64_t a, int64_t b) noexcept {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

inline int64_t wrapping_sub(int64_t a, int64_t b) noexcept {
    return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

/// Reads an unsigned LEB128 varint of at most `max_bytes` bytes from [*p, end). Advances *p on
/// success. Returns nullopt when truncated or longer than allowed.
inline std::optional<uint64_t> read_uvarint(const uint8_t** p, const uint8_t* end, int max_bytes) noexcept {
    uint64_t v = 0;
    const uint8_t* q = *p;
    for (int i = 0; i < max_bytes; ++i) {
        if (q == end) {
            return std::nullopt;
        }
        const uint8_t b = *q++;
        v |= uint64_t{static_cast<uint8_t>(b & 0x7FU)} << (7 * i);
        if ((b & 0x80U) == 0) {
            *p = q;
            return v;
        }
    }
    return std::nullopt;
}

/// Zig-zag signed varint (int32 range, at most 5 bytes).
inline std::optional<int32_t> read_varint(const uint8_t** p, const uint8_t* end) noexcept {
    // Fast path: one byte, the common case for lengths and deltas of small records.
    if (*p != end && (**p & 0x80U) == 0) {
        const uint32_t u = **p;
        ++*p;
        return static_cast<int32_t>((u >> 1) ^ (~(u & 1U) + 1U));
    }
    auto u = read_uvarint(p, end, 5);
    if (!u || *u > 0xFFFFFFFFULL) {
        return std::nullopt;
    }
    const auto u32 = static_cast<uint32_t>(*u);
    return static_cast<int32_t>((u32 >> 1) ^ (~(u32 & 1U) + 1U));
}

/// Zig-zag signed varlong (at most 10 bytes).
inline std::optional<int64_t> read_varlong(const uint8_t** p, const uint8_t* end) noexcept {
    auto u = read_uvarint(p, end, 10);
    if (!u) {
        return std::nullopt;
    }
    return static_cast<int64_t>((*u >> 1) ^ (~(*u & 1U) + 1U));
}

/// Bytes needed for the zig-zag encoding of v.
inline size_t varlong_size(int64_t v) noexcept {
    uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    size_t n = 1;
    while (u >= 0x80U) {
        u >>= 7;
        ++n;
    }
    return n;
}

/// Writes the zig-zag encoding of v at p (which must have varlong_size(v) bytes); returns the end.
inline uint8_t* write_varlong(uint8_t* p, int64_t v) noexcept {
    uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    while (u >= 0x80U) {
        *p++ = static_cast<uint8_t>(u | 0x80U);
        u >>= 7;
    }
    *p++ = static_cast<uint8_t>(u);
    return p;
}

} // namespace brook::protocol::kafka::records_wire

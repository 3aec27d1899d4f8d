#include "brook/common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace brook {
namespace {

constexpr uint32_t castagnoli_reflected = 0x82F63B78U;

// tables[k][b] is the CRC contribution of byte b followed by k zero bytes, which lets the portable
// loop consume eight bytes per iteration with eight independent lookups (slicing-by-8).
using crc_tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr crc_tables make_tables() {
    crc_tables t{};
    for (uint32_t b = 0; b < 256; ++b) {
        uint32_t c = b;
        for (int i = 0; i < 8; ++i) {
            c = (c & 1U) != 0 ? (c >> 1) ^ castagnoli_reflected : c >> 1;
        }
        t[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; ++b) {
        for (size_t k = 1; k < 8; ++k) {
            t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFU];
        }
    }
    return t;
}

constexpr crc_tables tables = make_tables();

uint64_t load_le64(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

// Works on the raw (pre-inverted) register value.
uint32_t portable_update(uint32_t crc, const uint8_t* p, size_t n) noexcept {
    while (n >= 8) {
        const uint64_t v = load_le64(p) ^ crc;
        crc = tables[7][v & 0xFFU] ^ tables[6][(v >> 8) & 0xFFU] ^ tables[5][(v >> 16) & 0xFFU] ^
              tables[4][(v >> 24) & 0xFFU] ^ tables[3][(v >> 32) & 0xFFU] ^ tables[2][(v >> 40) & 0xFFU] ^
              tables[1][(v >> 48) & 0xFFU] ^ tables[0][v >> 56];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) {
        crc = (crc >> 8) ^ tables[0][(crc ^ *p++) & 0xFFU];
    }
    return crc;
}

#if defined(__x86_64__)
// The crc32 instruction has a latency of 3 cycles but a throughput of 1 per cycle, so three
// independent streams over adjacent blocks run about three times faster than one. The streams'
// CRCs are then joined: by linearity, crc(A ++ B) = shift(crc(A), |B|) ^ crc_from_zero(B), where
// shift advances a register over |B| zero bytes. shift is linear in the register, so it is a table
// lookup per register byte, with tables built from the 32 single-bit states.
struct shift_table {
    std::array<std::array<uint32_t, 256>, 4> t;

    uint32_t apply(uint32_t crc) const noexcept {
        return t[0][crc & 0xFFU] ^ t[1][(crc >> 8) & 0xFFU] ^ t[2][(crc >> 16) & 0xFFU] ^ t[3][crc >> 24];
    }
};

constexpr size_t long_block = 8192;
constexpr size_t short_block = 256;

shift_table make_shift_table(size_t zero_bytes) {
    static const std::array<uint8_t, long_block> zeros{};
    std::array<uint32_t, 32> bit_shift{};
    for (size_t b = 0; b < 32; ++b) {
        bit_shift[b] = portable_update(uint32_t{1} << b, zeros.data(), zero_bytes);
    }
    shift_table s{};
    for (size_t k = 0; k < 4; ++k) {
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t v = 0;
            for (size_t j = 0; j < 8; ++j) {
                if (((n >> j) & 1U) != 0) {
                    v ^= bit_shift[8 * k + j];
                }
            }
            s.t[k][n] = v;
        }
    }
    return s;
}

const shift_table& long_shift() {
    static const shift_table s = make_shift_table(long_block);
    return s;
}
const shift_table& short_shift() {
    static const shift_table s = make_shift_table(short_block);
    return s;
}

// Three streams over blocks of `block` bytes each, joined with `shift` (built for `block` bytes).
__attribute__((target("sse4.2"))) uint64_t sse42_three_way(uint64_t c0, const uint8_t** pp, size_t* np, size_t block,
                                                           const shift_table& shift) noexcept {
    const uint8_t* p = *pp;
    size_t n = *np;
    while (n >= 3 * block) {
        uint64_t c1 = 0;
        uint64_t c2 = 0;
        for (const uint8_t* end = p + block; p < end; p += 8) {
            c0 = _mm_crc32_u64(c0, load_le64(p));
            c1 = _mm_crc32_u64(c1, load_le64(p + block));
            c2 = _mm_crc32_u64(c2, load_le64(p + 2 * block));
        }
        c0 = shift.apply(static_cast<uint32_t>(c0)) ^ c1;
        c0 = shift.apply(static_cast<uint32_t>(c0)) ^ c2;
        p += 2 * block;
        n -= 3 * block;
    }
    *pp = p;
    *np = n;
    return c0;
}

__attribute__((target("sse4.2"))) uint32_t sse42_update(uint32_t crc, const uint8_t* p, size_t n) noexcept {
    uint64_t c = crc;
    if (n >= 3 * short_block) {
        c = sse42_three_way(c, &p, &n, long_block, long_shift());
        c = sse42_three_way(c, &p, &n, short_block, short_shift());
    }
    while (n >= 8) {
        c = _mm_crc32_u64(c, load_le64(p));
        p += 8;
        n -= 8;
    }
    auto c32 = static_cast<uint32_t>(c);
    while (n-- > 0) {
        c32 = _mm_crc32_u8(c32, *p++);
    }
    return c32;
}
#endif

using update_fn = uint32_t (*)(uint32_t, const uint8_t*, size_t) noexcept;

update_fn select_update() noexcept {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2")) {
        return &sse42_update;
    }
#endif
    return &portable_update;
}

// Function-local so that callers in other translation units' static initializers still see it set.
update_fn active_update() noexcept {
    static const update_fn fn = select_update();
    return fn;
}

} // namespace

uint32_t crc32c(bytes_view data, uint32_t previous) noexcept {
    return ~active_update()(~previous, data.data(), data.size());
}

uint32_t crc32c_portable(bytes_view data, uint32_t previous) noexcept {
    return ~portable_update(~previous, data.data(), data.size());
}

bool crc32c_is_hardware_accelerated() noexcept {
    return active_update() != &portable_update;
}

} // namespace brook

#include "brook/common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#include <nmmintrin.h>
#include <wmmintrin.h>
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

// Carry-less multiply folding for long inputs. In the reflected bit order a 16-byte block stands for
// a polynomial of degree < 128 whose highest coefficient is bit 0 of its first byte. A block followed
// by D more bits of message contributes A(x) * x^D to the message polynomial, and only the message
// modulo P matters, so a block can be moved ("folded") D bits later by multiplying it by x^D mod P
// and adding it to the block found there. With the block split into its first qword L and second H,
// A = L * x^64 + H, so the fold is L * (x^(64+D) mod P) + H * (x^D mod P): two 64x32-bit carry-less
// products whose 96-bit results line up with the 128-bit block at the destination.
//
// pclmulqdq on reflected operands yields a product that is one degree short (bit k of the 127-bit
// result stands for degree 126 - k of an operand pair whose bits stand for degrees 63 - j), so the
// constant for a multiplication by x^n is stored as x^(n - 33) mod P in the 32 low bits: 32 degrees
// for its place in the qword and one for the product.

// x^n mod P as a reflected 32-bit value (bit 31 - e holds the coefficient of x^e).
constexpr uint64_t x_pow_mod(size_t n) {
    uint32_t r = 0x80000000U;
    for (size_t i = 0; i < n; ++i) {
        r = (r & 1U) != 0 ? (r >> 1) ^ castagnoli_reflected : r >> 1;
    }
    return r;
}

// Constants (for L, for H) that fold a block by `bits` bits.
struct fold_constants {
    uint64_t lo;
    uint64_t hi;
};

constexpr fold_constants fold_by(size_t bits) {
    return {x_pow_mod(64 + bits - 33), x_pow_mod(bits - 33)};
}

constexpr fold_constants fold_128 = fold_by(128);
constexpr fold_constants fold_256 = fold_by(256);
constexpr fold_constants fold_384 = fold_by(384);
constexpr fold_constants fold_512 = fold_by(512);
constexpr fold_constants fold_2048 = fold_by(2048);

// Reflected sanity checks: x^32 mod P is P's low part, and x^31 is a single bit.
static_assert(x_pow_mod(31) == 0x00000001U);
static_assert(x_pow_mod(32) == castagnoli_reflected);

// The folded 128-bit remainder A, with all the message before it already folded in, gives the
// register value A(x) * x^32 mod P, which is exactly the crc32 instruction run over its 16 bytes
// from a zero register.
__attribute__((target("sse4.2"))) uint32_t reduce_block(__m128i a) noexcept {
    uint64_t c = _mm_crc32_u64(0, static_cast<uint64_t>(_mm_cvtsi128_si64(a)));
    c = _mm_crc32_u64(c, static_cast<uint64_t>(_mm_extract_epi64(a, 1)));
    return static_cast<uint32_t>(c);
}

__attribute__((target("pclmul,sse4.2"))) __m128i fold_block(__m128i a, __m128i k) noexcept {
    return _mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x00), _mm_clmulepi64_si128(a, k, 0x11));
}

__attribute__((target("pclmul,sse4.2"))) __m128i constants(fold_constants f) noexcept {
    return _mm_set_epi64x(static_cast<long long>(f.hi), static_cast<long long>(f.lo));
}

__attribute__((target("pclmul,sse4.2"))) __m128i load128(const uint8_t* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// Below these lengths the set-up and final reduction cost more than they save (measured on an
// AVX-512 machine; the 128-bit path is a little behind the crc32 streams at 64 bytes).
constexpr size_t clmul_min = 128;

// Four 16-byte lanes, 64 bytes per iteration; four products in flight cover the multiplier latency.
__attribute__((target("pclmul,sse4.2"))) uint32_t clmul_update(uint32_t crc, const uint8_t* p, size_t n) noexcept {
    if (n < clmul_min) {
        return sse42_update(crc, p, n);
    }
    // The register is added to the first 32 message bits, as the table and instruction loops do.
    __m128i x0 = _mm_xor_si128(load128(p), _mm_cvtsi32_si128(static_cast<int>(crc)));
    __m128i x1 = load128(p + 16);
    __m128i x2 = load128(p + 32);
    __m128i x3 = load128(p + 48);
    p += 64;
    n -= 64;
    const __m128i k512 = constants(fold_512);
    while (n >= 64) {
        x0 = _mm_xor_si128(fold_block(x0, k512), load128(p));
        x1 = _mm_xor_si128(fold_block(x1, k512), load128(p + 16));
        x2 = _mm_xor_si128(fold_block(x2, k512), load128(p + 32));
        x3 = _mm_xor_si128(fold_block(x3, k512), load128(p + 48));
        p += 64;
        n -= 64;
    }
    const __m128i k128 = constants(fold_128);
    x1 = _mm_xor_si128(fold_block(x0, k128), x1);
    x2 = _mm_xor_si128(fold_block(x1, k128), x2);
    x3 = _mm_xor_si128(fold_block(x2, k128), x3);
    while (n >= 16) {
        x3 = _mm_xor_si128(fold_block(x3, k128), load128(p));
        p += 16;
        n -= 16;
    }
    return sse42_update(reduce_block(x3), p, n);
}

#define BROOK_CRC_AVX512 "avx512f,vpclmulqdq,pclmul,sse4.2"

__attribute__((target(BROOK_CRC_AVX512))) __m512i load512(const uint8_t* p) noexcept {
    return _mm512_loadu_si512(p);
}

__attribute__((target(BROOK_CRC_AVX512))) __m512i fold_add(__m512i a, __m512i k, __m512i data) noexcept {
    // 0x96 is the three-input xor.
    return _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(a, k, 0x00), _mm512_clmulepi64_epi128(a, k, 0x11), data,
                                     0x96);
}

__attribute__((target(BROOK_CRC_AVX512))) __m512i constants4(fold_constants a, fold_constants b, fold_constants c,
                                                             fold_constants d) noexcept {
    return _mm512_set_epi64(static_cast<long long>(d.hi), static_cast<long long>(d.lo), static_cast<long long>(c.hi),
                            static_cast<long long>(c.lo), static_cast<long long>(b.hi), static_cast<long long>(b.lo),
                            static_cast<long long>(a.hi), static_cast<long long>(a.lo));
}

constexpr size_t vpclmul_min = 64;

// Four 64-byte registers of four 16-byte lanes each, 256 bytes per iteration; shorter inputs start
// with a single register.
__attribute__((target(BROOK_CRC_AVX512))) uint32_t vpclmul_update(uint32_t crc, const uint8_t* p, size_t n) noexcept {
    if (n < vpclmul_min) {
        return sse42_update(crc, p, n);
    }
    const __m512i first = _mm512_inserti32x4(_mm512_setzero_si512(), _mm_cvtsi32_si128(static_cast<int>(crc)), 0);
    const __m512i k512 = constants4(fold_512, fold_512, fold_512, fold_512);
    __m512i z3;
    if (n >= 256) {
        __m512i z0 = _mm512_xor_si512(load512(p), first);
        __m512i z1 = load512(p + 64);
        __m512i z2 = load512(p + 128);
        z3 = load512(p + 192);
        p += 256;
        n -= 256;
        const __m512i k2048 = constants4(fold_2048, fold_2048, fold_2048, fold_2048);
        while (n >= 256) {
            z0 = fold_add(z0, k2048, load512(p));
            z1 = fold_add(z1, k2048, load512(p + 64));
            z2 = fold_add(z2, k2048, load512(p + 128));
            z3 = fold_add(z3, k2048, load512(p + 192));
            p += 256;
            n -= 256;
        }
        z1 = fold_add(z0, k512, z1);
        z2 = fold_add(z1, k512, z2);
        z3 = fold_add(z2, k512, z3);
    } else {
        // Too short for four registers: one, folded serially.
        z3 = _mm512_xor_si512(load512(p), first);
        p += 64;
        n -= 64;
    }
    while (n >= 64) {
        z3 = fold_add(z3, k512, load512(p));
        p += 64;
        n -= 64;
    }
    // Lanes 0..2 move 384, 256 and 128 bits forward onto lane 3; lane 3's constants are zero so
    // its product vanishes and it is added unchanged from z3 itself.
    const __m512i lanes = constants4(fold_384, fold_256, fold_128, fold_constants{0, 0});
    const __m512i t = fold_add(z3, lanes, _mm512_setzero_si512());
    // The zero-masked extract form: GCC 12 warns that the merge source of the plain one is undefined.
    __m128i x = _mm_xor_si128(_mm512_maskz_extracti32x4_epi32(0xF, t, 0), _mm512_maskz_extracti32x4_epi32(0xF, t, 1));
    x = _mm_xor_si128(x, _mm512_maskz_extracti32x4_epi32(0xF, t, 2));
    x = _mm_xor_si128(x, _mm512_maskz_extracti32x4_epi32(0xF, z3, 3));
    const __m128i k128 = constants(fold_128);
    while (n >= 16) {
        x = _mm_xor_si128(fold_block(x, k128), load128(p));
        p += 16;
        n -= 16;
    }
    return sse42_update(reduce_block(x), p, n);
}
#undef BROOK_CRC_AVX512
#endif

using update_fn = uint32_t (*)(uint32_t, const uint8_t*, size_t) noexcept;

update_fn select_update() noexcept {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul")) {
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq")) {
            return &vpclmul_update;
        }
        return &clmul_update;
    }
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

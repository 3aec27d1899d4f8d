#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka RecordBatch v2 and of
// Brook's own on-disk structures.
//
// The value is the standard one: init 0xFFFFFFFF, final xor 0xFFFFFFFF, so
// crc32c("123456789") == 0xE3069283. Checksums can be chained: crc32c(b, crc32c(a)) == crc32c(a ++ b).
//
// The implementation is chosen once at first use: with PCLMULQDQ (and AVX-512 VPCLMULQDQ when present)
// inputs of 128 (64) bytes or more are folded with carry-less multiplies and finished with the SSE4.2 `crc32`
// instruction; with only SSE4.2, three interleaved `crc32` streams; otherwise a portable slicing-by-8
// table loop. All give identical results.
#include "brook/common/bytes.h"

#include <cstdint>

namespace brook {

/// CRC-32C of `data`, continuing from `previous` (the result of an earlier call, 0 to start).
uint32_t crc32c(bytes_view data, uint32_t previous = 0) noexcept;

/// The portable slicing-by-8 implementation, exposed for tests and as a benchmark baseline.
uint32_t crc32c_portable(bytes_view data, uint32_t previous = 0) noexcept;

/// True when crc32c() uses the CPU's CRC32 instruction.
bool crc32c_is_hardware_accelerated() noexcept;

} // namespace brook

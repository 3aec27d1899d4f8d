#pragma once
// Kafka wire primitives: one writer and one reader used by every generated message codec.
//
// Formats (all integers big-endian):
//   int8/16/32/64, uint16      fixed width two's complement / unsigned
//   float64                    IEEE 754 binary64, big-endian
//   bool                       one byte, 0 = false, anything else = true
//   uuid                       16 raw bytes
//   varint / varlong           zig-zag, then unsigned base-128 (7 bits per byte, low group first)
//   unsigned varint            base-128 as above without zig-zag (at most 5 bytes for 32 bits)
//   classic string             int16 length N, N bytes UTF-8; nullable: N = -1 is null
//   classic bytes              int32 length N, N bytes; nullable: N = -1 is null
//   classic array              int32 count N, N elements; nullable: N = -1 is null
//   compact string/bytes/array unsigned varint N+1, then N bytes/elements; 0 is null
//   tagged fields (flexible)   unsigned varint count, then per field: uvarint tag, uvarint size,
//                              size bytes of payload; tags in ascending order
//
// The reader never reads past its input and never sizes an allocation from a length it has not
// checked against the bytes that remain. Errors are sticky: after the first failure every read
// returns a zero value without consuming input, and `error()` / `error_field()` say what failed.
#include "brook/common/bytes.h"
#include "brook/protocol/kafka/decode_errc.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace brook::protocol::kafka {

using uuid = std::array<uint8_t, 16>;

/// A tagged field this library does not know (or not at this version): kept verbatim so it can
/// be re-encoded.
struct tagged_field {
    uint32_t tag{0};
    bytes data;
    bool operator==(const tagged_field&) const = default;
};
using tagged_fields = std::vector<tagged_field>;

/// Appends encoded values to a byte vector. `out` must outlive the writer.
class writer {
public:
    explicit writer(bytes& out) noexcept : _out(out) {}

    void write_int8(int8_t v) { _out.push_back(static_cast<uint8_t>(v)); }
    void write_bool(bool v) { _out.push_back(v ? 1 : 0); }
    void write_int16(int16_t v) { write_be(static_cast<uint16_t>(v), 2); }
    void write_uint16(uint16_t v) { write_be(v, 2); }
    void write_int32(int32_t v) { write_be(static_cast<uint32_t>(v), 4); }
    void write_uint32(uint32_t v) { write_be(v, 4); }
    void write_int64(int64_t v) { write_be(static_cast<uint64_t>(v), 8); }
    void write_float64(double v);
    void write_uuid(const uuid& v) { _out.insert(_out.end(), v.begin(), v.end()); }
    void write_varint(int32_t v);
    void write_varlong(int64_t v);
    void write_uvarint(uint32_t v);
    void write_uvarlong(uint64_t v);

    void write_string(std::string_view s, bool flexible);
    /// Writes null (when `nullable`) or the empty string for a missing value.
    void write_string(const std::optional<std::string>& s, bool nullable, bool flexible);
    void write_bytes(bytes_view b, bool flexible);
    void write_bytes(const std::optional<bytes>& b, bool nullable, bool flexible);
    /// Array count: null when `count` is empty and `nullable`, else the count (0 for a missing array).
    void write_array_length(std::optional<size_t> count, bool nullable, bool flexible);
    void write_raw(bytes_view b) { _out.insert(_out.end(), b.begin(), b.end()); }

    /// Writes unknown tagged fields whose tag is below `below`, advancing `next`.
    void write_unknown_tags(const tagged_fields& tags, size_t& next, uint64_t below);

    size_t position() const noexcept { return _out.size(); }

private:
    void write_be(uint64_t v, int width);

    bytes& _out;
};

/// Encoded sizes, matching the writer.
size_t uvarint_size(uint64_t v) noexcept;
size_t varint_size(int32_t v) noexcept;
size_t varlong_size(int64_t v) noexcept;
size_t string_size(std::string_view s, bool flexible) noexcept;
size_t string_size(const std::optional<std::string>& s, bool nullable, bool flexible) noexcept;
size_t bytes_size(bytes_view b, bool flexible) noexcept;
size_t bytes_size(const std::optional<bytes>& b, bool nullable, bool flexible) noexcept;
size_t array_length_size(std::optional<size_t> count, bool nullable, bool flexible) noexcept;
/// Size of the given unknown tags (tag, size and payload each).
size_t unknown_tags_size(const tagged_fields& tags) noexcept;

/// Reads encoded values from a borrowed buffer, which must outlive the reader.
/// `field` arguments name the field being read (static strings) for error reports.
class reader {
public:
    explicit reader(bytes_view in) noexcept : _in(in) {}

    int8_t read_int8(const char* field);
    bool read_bool(const char* field) { return read_int8(field) != 0; }
    int16_t read_int16(const char* field) { return static_cast<int16_t>(read_be(2, field)); }
    uint16_t read_uint16(const char* field) { return static_cast<uint16_t>(read_be(2, field)); }
    int32_t read_int32(const char* field) { return static_cast<int32_t>(read_be(4, field)); }
    uint32_t read_uint32(const char* field) { return static_cast<uint32_t>(read_be(4, field)); }
    int64_t read_int64(const char* field) { return static_cast<int64_t>(read_be(8, field)); }
    double read_float64(const char* field);
    uuid read_uuid(const char* field);
    int32_t read_varint(const char* field);
    int64_t read_varlong(const char* field);
    uint32_t read_uvarint(const char* field);
    uint64_t read_uvarlong(const char* field);

    std::string read_string(const char* field, bool flexible);
    /// Null is accepted only when `nullable`.
    std::optional<std::string> read_nullable_string(const char* field, bool nullable, bool flexible);
    bytes read_bytes(const char* field, bool flexible);
    std::optional<bytes> read_nullable_bytes(const char* field, bool nullable, bool flexible);
    /// Array count, or -1 for null (only when `nullable`). The count is checked so that
    /// count * min_element_size does not exceed the remaining input.
    int32_t read_array_length(const char* field, bool nullable, bool flexible, size_t min_element_size);
    /// Number of tagged fields, checked against the remaining input (each takes at least 2 bytes).
    uint32_t read_tag_count(const char* field);
    /// A reader over the next `n` bytes, which this reader skips.
    reader sub_reader(size_t n, const char* field);
    /// Copies the next `n` bytes.
    bytes read_raw(size_t n, const char* field);

    /// Adopts the error of a sub-reader (if any).
    void merge_error(const reader& sub);
    void fail(decode_errc e, const char* field);

    bool ok() const noexcept { return !_error; }
    std::error_code error() const noexcept { return _error; }
    /// The field that failed first, or "" when ok().
    const char* error_field() const noexcept { return _error_field; }
    size_t remaining() const noexcept { return _in.size() - _pos; }
    size_t position() const noexcept { return _pos; }
    bytes_view rest() const noexcept { return _in.subspan(_pos); }

private:
    uint64_t read_be(int width, const char* field);
    bool need(size_t n, const char* field);
    int64_t read_length(const char* field, bool flexible, int width);

    bytes_view _in;
    size_t _pos{0};
    std::error_code _error;
    const char* _error_field{""};
};

} // namespace brook::protocol::kafka

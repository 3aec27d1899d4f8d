#pragma once
// What a request handler gives back to the connection that read the request.
//
// A response is a list of chunks, each either owned bytes or a region of an open file. The
// connection sends, in this order:
//   int32 size          total of what follows (written by the connection)
//   int32 correlation_id  copied from the request (written by the connection)
//   chunks...           the rest of the response header (the tagged-field byte of header v1,
//                       nothing for header v0) and the body, produced by the handler
// File regions are sent with sendfile(2) on plaintext listeners, so record bytes go from the page
// cache to the socket without passing through user space.
#include "brook/common/bytes.h"

#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

namespace brook::broker {

/// `length` bytes of the file open as `fd`, starting at `offset`. `owner` keeps the descriptor open
/// until the bytes are sent (the storage engine hands out a reference to its segment file).
struct file_region {
    int fd = -1;
    int64_t offset = 0;
    uint32_t length = 0;
    std::shared_ptr<const void> owner;
};

using response_chunk = std::variant<bytes, file_region>;

class response {
public:
    response() = default;
    explicit response(bytes b) { append(std::move(b)); }

    void append(bytes b);
    void append(file_region r);

    const std::vector<response_chunk>& chunks() const noexcept { return _chunks; }
    /// Bytes after the correlation id.
    uint64_t size() const noexcept { return _size; }

private:
    std::vector<response_chunk> _chunks;
    uint64_t _size = 0;
};

/// The outcome of one request.
struct handler_reply {
    enum class kind {
        /// Send `body` (in request order).
        send,
        /// Send nothing (acks=0 produce), but keep the connection.
        none,
        /// Send every earlier response, then close the connection (what Kafka does for requests it
        /// cannot parse and for failed acks=0 produces).
        close,
    };
    kind what = kind::send;
    response body;

    static handler_reply send(response r) { return {kind::send, std::move(r)}; }
    static handler_reply none() { return {kind::none, {}}; }
    static handler_reply close() { return {kind::close, {}}; }
};

} // namespace brook::broker

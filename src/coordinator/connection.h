#pragma once
// One client connection. A reader coroutine reads whatever the socket has (many packets at once
// under load), parses the length-prefixed packets in it (or a four-letter word as the first 4
// bytes) and hands each to the server. Replies and events are encoded straight into one output
// buffer, each frame tagged with the zxid it reflects; a writer coroutine sends, in one write, the
// longest prefix whose zxids are durable, so a reply or watch event never reveals a change that
// could be lost in a crash, and events queued before a reply go out before it. Every packet of one
// read is processed before the writer runs, so one write carries the replies of a whole batch.
// Thread: everything runs on the server's io_context thread.
#include "brook/common/bytes.h"
#include "brook/coordinator/server.h"
#include "brook/protocol/zookeeper/records.h"
#include "coordinator/tree/processor.h"

#include <boost/asio.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace brook::coordinator {

class connection : public std::enable_shared_from_this<connection> {
public:
    /// `server` must outlive the connection's coroutines (the server closes every connection and
    /// drains its io_context before it is destroyed).
    connection(boost::asio::ip::tcp::socket socket, coordinator_server::impl& server, uint64_t id);

    void start();
    /// Queues a frame (length prefix included) released once `need_zxid` is durable.
    void enqueue(int64_t need_zxid, bytes_view frame);
    /// Queues the frame `len | header | body` (body only when header.err == 0), released once
    /// `need_zxid` is durable.
    void enqueue_reply(int64_t need_zxid, const protocol::zookeeper::reply_header& header, bytes_view body);
    /// Closes after the queued frames are written (close_after) or at once.
    void close(bool after_queue = false);
    /// The durable zxid moved: release what waits.
    void wake();

    tree::client_context& context() noexcept { return _ctx; }
    const std::string& remote_ip() const noexcept { return _ip; }
    std::string remote_endpoint() const;
    uint64_t id() const noexcept { return _id; }
    bool closed() const noexcept { return _closed; }
    uint64_t packets_received() const noexcept { return _received; }
    uint64_t packets_sent() const noexcept { return _sent; }
    size_t queued() const noexcept { return _queued_frames; }

private:
    boost::asio::awaitable<void> reader();
    boost::asio::awaitable<void> writer();
    enum class input { more, yield, close_after_queue, close_now };
    /// Handles the complete packets in the input buffer.
    input handle_input();
    /// Records that the frames appended up to the end of `_out` need `need` durable.
    void mark(int64_t need, uint32_t frames);

    // Frames of `_out` up to absolute offset `end` (bytes ever queued) need zxid `need`. Adjacent
    // frames whose zxid is not above the previous one share its marker.
    struct marker {
        uint64_t end;
        int64_t need;
        uint32_t frames;
    };

    boost::asio::ip::tcp::socket _socket;
    boost::asio::steady_timer _signal;
    coordinator_server::impl& _server;
    uint64_t _id;
    std::string _ip;
    bytes _in; // received bytes; [_in_pos, _in_end) not yet parsed
    size_t _in_pos = 0;
    size_t _in_end = 0;
    bytes _out;             // queued frames not yet handed to the writer
    uint64_t _out_head = 0; // absolute offset of _out[0]
    std::deque<marker> _marks;
    size_t _queued_frames = 0;
    tree::client_context _ctx;
    bool _closed = false;
    bool _close_after_queue = false;
    bool _handshaken = false;
    bool _registered = false;     // in the server's list of connections waiting for durability
    bool _writer_waiting = false; // the writer waits on _signal
    uint64_t _received = 0;
    uint64_t _sent = 0;
};

} // namespace brook::coordinator

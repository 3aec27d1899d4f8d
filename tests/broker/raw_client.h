#pragma once
// A blocking TCP client for network tests: writes raw bytes, reads size-prefixed responses. Every
// read has a timeout so that a broken server fails the test instead of hanging it. Header-only: the
// test binary is built from *_test.cc files alone.
#include "brook/common/bytes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace brook::broker::test {

/// A request frame: int32 size, int16 api_key, int16 version, int32 correlation_id, payload.
bytes make_frame(int16_t api_key, int16_t version, int32_t correlation_id, const bytes& payload = {});

class raw_client {
public:
    explicit raw_client(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    bool connected() const noexcept { return _fd >= 0; }
    /// False when the server closed or reset the connection.
    bool send(const bytes& data);

    struct reply {
        int32_t correlation_id = 0;
        bytes body; // after the correlation id
    };
    /// Next response, or nullopt on close / timeout.
    std::optional<reply> receive();
    /// True when the server closes the connection within the timeout (data read before is dropped).
    bool closed_by_server();

private:
    bool read_exact(uint8_t* p, size_t n);
    int _fd = -1;
};

inline bytes make_frame(int16_t api_key, int16_t version, int32_t correlation_id, const bytes& payload) {
    bytes f;
    auto put32 = [&](uint32_t v) {
        for (int s = 24; s >= 0; s -= 8) {
            f.push_back(static_cast<uint8_t>(v >> s));
        }
    };
    auto put16 = [&](uint16_t v) {
        f.push_back(static_cast<uint8_t>(v >> 8));
        f.push_back(static_cast<uint8_t>(v));
    };
    put32(static_cast<uint32_t>(8 + payload.size()));
    put16(static_cast<uint16_t>(api_key));
    put16(static_cast<uint16_t>(version));
    put32(static_cast<uint32_t>(correlation_id));
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

inline raw_client::raw_client(uint16_t port, std::chrono::milliseconds timeout) {
    _fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(_fd);
        _fd = -1;
    }
}

inline raw_client::~raw_client() {
    if (_fd >= 0) {
        ::close(_fd);
    }
}

inline bool raw_client::send(const bytes& data) {
    size_t off = 0;
    while (off < data.size()) {
        auto n = ::send(_fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        off += static_cast<size_t>(n);
    }
    return true;
}

inline bool raw_client::read_exact(uint8_t* p, size_t n) {
    size_t got = 0;
    while (got < n) {
        auto r = ::recv(_fd, p + got, n - got, 0);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        got += static_cast<size_t>(r);
    }
    return true;
}

inline std::optional<raw_client::reply> raw_client::receive() {
    uint8_t head[8];
    if (!read_exact(head, 8)) {
        return std::nullopt;
    }
    auto be32 = [](const uint8_t* p) {
        return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    };
    uint32_t size = be32(head);
    if (size < 4 || size > (1u << 30)) {
        return std::nullopt;
    }
    reply r;
    r.correlation_id = static_cast<int32_t>(be32(head + 4));
    r.body.resize(size - 4);
    if (!read_exact(r.body.data(), r.body.size())) {
        return std::nullopt;
    }
    return r;
}

inline bool raw_client::closed_by_server() {
    uint8_t buf[4096];
    for (;;) {
        auto r = ::recv(_fd, buf, sizeof buf, 0);
        if (r == 0) {
            return true;
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            // ECONNRESET counts as closed; EAGAIN means the timeout passed with the socket open.
            return errno == ECONNRESET;
        }
    }
}

} // namespace brook::broker::test

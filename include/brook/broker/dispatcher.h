#pragma once
// Routing of requests to handlers by API key, independent of the codecs.
//
// A handler receives the request and a `responder`, and completes the responder exactly once, now
// or later and from any thread (a long-polling fetch completes it from the thread that appended
// the data it waited for). The connection sends replies strictly in request order whatever the
// order of completion.
#include "brook/broker/request.h"
#include "brook/broker/response.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

namespace brook::broker {

/// Receives completed replies; implemented by a connection. Thread-safe.
class response_sink {
public:
    virtual ~response_sink() = default;
    /// Delivers the reply of the request numbered `sequence` on this connection.
    virtual void complete(uint64_t sequence, handler_reply reply) = 0;
};

/// A one-shot completion handle. Move-only. Dropping it uncompleted closes the connection (a
/// handler that forgets to answer would otherwise stall every later response) and is a bug.
class responder {
public:
    responder() = default;
    responder(std::weak_ptr<response_sink> sink, uint64_t sequence) noexcept
        : _sink(std::move(sink)), _sequence(sequence), _armed(true) {}
    responder(responder&& other) noexcept;
    responder& operator=(responder&& other) noexcept;
    responder(const responder&) = delete;
    responder& operator=(const responder&) = delete;
    ~responder();

    /// REQUIRES: not yet completed. A connection that has gone drops the reply.
    void complete(handler_reply reply);
    void send(response r) { complete(handler_reply::send(std::move(r))); }
    void no_response() { complete(handler_reply::none()); }
    void close_connection() { complete(handler_reply::close()); }

    bool armed() const noexcept { return _armed; }

private:
    std::weak_ptr<response_sink> _sink;
    uint64_t _sequence = 0;
    bool _armed = false;
};

using request_handler = std::function<void(request, responder)>;

/// api_key -> handler. Built before the network starts, read-only afterwards (so lock-free).
class dispatcher {
public:
    static constexpr size_t max_api_key = 128;

    /// Installs or replaces the handler of `api_key`. REQUIRES: 0 <= api_key < max_api_key.
    void add(int16_t api_key, request_handler handler);
    bool has(int16_t api_key) const noexcept;

    /// Runs the handler of the request's API. Unknown or negative keys close the connection, as
    /// Kafka does when it cannot parse a request header.
    void dispatch(request r, responder reply) const;

private:
    std::array<request_handler, max_api_key> _handlers;
};

} // namespace brook::broker

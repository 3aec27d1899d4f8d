#include "brook/broker/dispatcher.h"

#include "brook/common/logging.h"

#include <spdlog/spdlog.h>

#include <cassert>

namespace brook::broker {

responder::responder(responder&& other) noexcept
    : _sink(std::move(other._sink)), _sequence(other._sequence), _armed(other._armed) {
    other._armed = false;
}

responder& responder::operator=(responder&& other) noexcept {
    if (this != &other) {
        if (_armed) {
            complete(handler_reply::close());
        }
        _sink = std::move(other._sink);
        _sequence = other._sequence;
        _armed = other._armed;
        other._armed = false;
    }
    return *this;
}

responder::~responder() {
    if (_armed) {
        get_logger("brook.broker")->error("request {} was dropped without a reply; closing its connection", _sequence);
        complete(handler_reply::close());
    }
}

void responder::complete(handler_reply reply) {
    assert(_armed && "a responder completes once");
    if (!_armed) {
        return;
    }
    _armed = false;
    if (auto sink = _sink.lock()) {
        sink->complete(_sequence, std::move(reply));
    }
}

void dispatcher::add(int16_t api_key, request_handler handler) {
    assert(api_key >= 0 && static_cast<size_t>(api_key) < max_api_key);
    _handlers[static_cast<size_t>(api_key)] = std::move(handler);
}

bool dispatcher::has(int16_t api_key) const noexcept {
    return api_key >= 0 && static_cast<size_t>(api_key) < max_api_key && _handlers[static_cast<size_t>(api_key)];
}

void dispatcher::dispatch(request r, responder reply) const {
    if (!has(r.prefix.api_key)) {
        get_logger("brook.broker")
            ->warn("Closing connection {} ({}): unknown API key {} (version {}, correlation id {})",
                   r.connection ? r.connection->id : 0, r.connection ? r.connection->peer : "?", r.prefix.api_key,
                   r.prefix.api_version, r.prefix.correlation_id);
        reply.close_connection();
        return;
    }
    _handlers[static_cast<size_t>(r.prefix.api_key)](std::move(r), std::move(reply));
}

} // namespace brook::broker

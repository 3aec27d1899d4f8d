#include "brook/broker/network_config.h"

#include "brook/broker/errc.h"

#include <charconv>

namespace brook::broker {

result<listener_spec> parse_listener(std::string_view uri) {
    auto sep = uri.find("://");
    if (sep == std::string_view::npos || sep == 0) {
        return errc::invalid_listener;
    }
    listener_spec spec;
    spec.name = std::string(uri.substr(0, sep));
    auto rest = uri.substr(sep + 3);
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
            return errc::invalid_listener;
        }
        spec.host = std::string(rest.substr(1, close - 1));
        port_text = rest.substr(close + 2);
    } else {
        auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) {
            return errc::invalid_listener;
        }
        spec.host = std::string(rest.substr(0, colon));
        port_text = rest.substr(colon + 1);
    }
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 || port_text.empty()) {
        return errc::invalid_listener;
    }
    spec.port = static_cast<uint16_t>(port);
    return spec;
}

result<network_config> network_config_from(const config_values& cfg) {
    network_config n;
    for (const auto& uri : cfg.get_list("listeners")) {
        BOOST_OUTCOME_TRY(auto spec, parse_listener(uri));
        n.listeners.push_back(std::move(spec));
    }
    if (n.listeners.empty()) {
        return errc::invalid_listener;
    }
    n.network_threads = cfg.get_int("num.network.threads");
    n.max_request_bytes = cfg.get_int("socket.request.max.bytes");
    n.max_in_flight_requests = cfg.get_int("queued.max.requests");
    auto bytes_bound = cfg.get_long("queued.max.request.bytes");
    n.max_in_flight_bytes = bytes_bound > 0 ? bytes_bound : n.max_request_bytes;
    n.idle_timeout = std::chrono::milliseconds(cfg.get_long("connections.max.idle.ms"));
    n.max_connections = cfg.get_int("max.connections");
    n.max_connections_per_ip = cfg.get_int("max.connections.per.ip");
    n.send_buffer_bytes = cfg.get_int("socket.send.buffer.bytes");
    n.receive_buffer_bytes = cfg.get_int("socket.receive.buffer.bytes");
    return n;
}

} // namespace brook::broker

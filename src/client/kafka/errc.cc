#include "brook/client/kafka/errc.h"

#include "brook/protocol/kafka/error_code.h"

#include <string>

namespace brook::client::kafka {
namespace {

class client_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.client.kafka"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::success:
            return "success";
        case errc::unreachable:
            return "no broker reachable";
        case errc::timed_out:
            return "request timed out";
        case errc::disconnected:
            return "connection to the broker closed";
        case errc::protocol_error:
            return "protocol error in a broker response";
        case errc::unsupported_version:
            return "the broker supports no usable version of the API";
        case errc::unknown_topic:
            return "unknown topic or partition";
        case errc::invalid_config:
            return "invalid setting";
        case errc::closed:
            return "client closed";
        }
        return "client error " + std::to_string(ev);
    }
};

class wire_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "kafka"; }
    std::string message(int ev) const override {
        const auto& info = protocol::kafka::describe(static_cast<int16_t>(ev));
        return std::string(info.name) + ": " + std::string(info.message);
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const client_category instance;
    return instance;
}

const std::error_category& kafka_category() noexcept {
    static const wire_category instance;
    return instance;
}

bool is_retriable(const std::error_code& ec) noexcept {
    if (is_kafka_error(ec)) {
        return protocol::kafka::is_retriable(static_cast<protocol::kafka::error_code>(ec.value()));
    }
    return ec == errc::timed_out || ec == errc::disconnected;
}

} // namespace brook::client::kafka

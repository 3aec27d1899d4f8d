#include "brook/broker/errc.h"

#include <string>

namespace brook::broker {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.broker"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::success:
            return "success";
        case errc::invalid_listener:
            return "invalid listener (expected NAME://host:port)";
        case errc::bind_failed:
            return "cannot bind listener";
        case errc::request_too_large:
            return "request larger than socket.request.max.bytes";
        case errc::request_too_small:
            return "request shorter than a request header";
        case errc::shutting_down:
            return "shutting down";
        case errc::coordinator_unavailable:
            return "coordinator unavailable";
        case errc::inconsistent_cluster_id:
            return "cluster id in meta.properties differs from the coordinator's /cluster/id";
        case errc::broker_id_in_use:
            return "broker id registered by another live session";
        case errc::topic_exists:
            return "topic already stored in the coordinator";
        }
        return "unknown brook.broker error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace brook::broker

#include "brook/client/zookeeper/errc.h"

#include <string>

namespace brook::protocol::zookeeper {
namespace {

class zk_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "zookeeper"; }
    std::string message(int ev) const override {
        auto s = to_string(static_cast<error_code>(ev));
        if (s.empty()) {
            return "zookeeper error " + std::to_string(ev);
        }
        return std::string(s) + " (" + std::to_string(ev) + ")";
    }
};

} // namespace

const std::error_category& zookeeper_category() noexcept {
    static const zk_category instance;
    return instance;
}

} // namespace brook::protocol::zookeeper

namespace brook::client::zookeeper {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.client.zookeeper"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::success:
            return "success";
        case errc::invalid_connect_string:
            return "invalid connect string";
        case errc::invalid_path:
            return "invalid path";
        case errc::closed:
            return "client closed";
        case errc::protocol_violation:
            return "protocol violation by the server";
        }
        return "unknown brook.client.zookeeper error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

std::error_code from_wire(int32_t err) noexcept {
    if (err == 0) {
        return {};
    }
    return {static_cast<int>(err), protocol::zookeeper::zookeeper_category()};
}

} // namespace brook::client::zookeeper

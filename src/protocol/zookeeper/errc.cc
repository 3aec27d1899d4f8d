#include "brook/protocol/zookeeper/errc.h"

#include <string>

namespace brook::protocol::zookeeper {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.protocol.zookeeper"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::success:
            return "success";
        case errc::truncated:
            return "packet truncated inside a field";
        case errc::bad_length:
            return "length or count out of bounds";
        case errc::unknown_opcode:
            return "unknown opcode";
        case errc::bad_multi:
            return "malformed multi";
        }
        return "unknown brook.protocol.zookeeper error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace brook::protocol::zookeeper

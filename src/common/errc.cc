#include "brook/common/errc.h"

#include <string>

namespace brook::common {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.common"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::success:
            return "success";
        case errc::invalid_value:
            return "invalid value";
        case errc::out_of_range:
            return "value out of range";
        case errc::parse_error:
            return "parse error";
        case errc::missing_value:
            return "missing value";
        case errc::io_error:
            return "i/o error";
        }
        return "unknown brook.common error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace brook::common

#include "brook/log/errc.h"

#include <string>

namespace brook::log {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "brook.log"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::success:
            return "success";
        case errc::io_error:
            return "i/o error";
        case errc::corrupt_batch:
            return "corrupt record batch";
        case errc::invalid_batch:
            return "invalid record batch";
        case errc::offset_out_of_range:
            return "offset out of range";
        case errc::log_offline:
            return "log is offline";
        case errc::not_found:
            return "partition log not found";
        case errc::already_exists:
            return "partition log already exists";
        case errc::record_too_large:
            return "record batch too large";
        case errc::bad_checkpoint:
            return "malformed checkpoint file";
        case errc::invalid_argument:
            return "invalid argument";
        case errc::closed:
            return "log is closed";
        }
        return "unknown brook.log error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace brook::log

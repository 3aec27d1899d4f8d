// Fuzzes the .properties parser and the config registry on top of it: any bytes must parse to
// entries or line-numbered errors, never crash.
#include "brook/common/config.h"
#include "brook/common/properties.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

const brook::config_registry& registry() {
    static const brook::config_registry r = [] {
        brook::config_registry reg;
        reg.define({"n", brook::config_type::int32, "1", "", 0, 100, {}, false})
            .define({"b", brook::config_type::boolean, "false", "", std::nullopt, std::nullopt, {}, false})
            .define({"d", brook::config_type::float64, "0.5", "", 0, 1, {}, false})
            .define({"l", brook::config_type::list, "", "", std::nullopt, std::nullopt, {}, false})
            .define({"p.", brook::config_type::string, std::nullopt, "", std::nullopt, std::nullopt, {}, true});
        return reg;
    }();
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = brook::parse_properties(text);
    for (const auto& e : parsed.entries) {
        if (e.line == 0) {
            __builtin_trap();
        }
    }
    auto loaded = brook::load_config_text(registry(), text, "fuzz", {});
    if (loaded.values) {
        (void)loaded.values->get_int("n");
        (void)loaded.values->get_list("l");
    }
    return 0;
}

#include "brook/common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace brook {
namespace {

// log4j prints levels in upper case ("INFO", "WARN"); spdlog's %l is lower case.
class upper_level_flag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        static constexpr std::string_view names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"};
        auto name = names[static_cast<int>(msg.level)];
        dest.append(name.data(), name.data() + name.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<upper_level_flag>(); }
};

std::unique_ptr<spdlog::formatter> make_formatter() {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<upper_level_flag>('*').set_pattern("[%Y-%m-%d %H:%M:%S,%e] %* %v (%n)");
    return f;
}

std::mutex setup_mutex;
spdlog::level::level_enum current_level = spdlog::level::info;

} // namespace

void setup_logging(std::string_view level) {
    std::string l(level);
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
    if (l == "warning") {
        l = "warn";
    }
    if (l == "fatal") {
        l = "critical";
    }
    auto parsed = spdlog::level::from_str(l);
    if (parsed == spdlog::level::off && l != "off") {
        throw std::invalid_argument("unknown log level '" + std::string(level) + "'");
    }
    std::lock_guard lock(setup_mutex);
    current_level = parsed;
    spdlog::set_level(parsed);
    spdlog::set_formatter(make_formatter());
}

std::shared_ptr<spdlog::logger> get_logger(const std::string& name) {
    std::lock_guard lock(setup_mutex);
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto logger = spdlog::stderr_color_mt(name);
    logger->set_formatter(make_formatter());
    logger->set_level(current_level);
    return logger;
}

} // namespace brook

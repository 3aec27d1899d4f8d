#include "broker/zk/session_file.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace brook::broker::zk {

result<void> write_session_file(const std::filesystem::path& file, const stored_session& s) {
    std::string text = fmt::format("session.id={:x}\nsession.password=", static_cast<uint64_t>(s.id));
    for (uint8_t b : s.password) {
        text += fmt::format("{:02x}", b);
    }
    text += "\n";
    std::error_code dir_ec;
    std::filesystem::create_directories(file.parent_path(), dir_ec);
    auto tmp = file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            return std::make_error_code(std::errc::io_error);
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        return ec;
    }
    return success();
}

std::optional<stored_session> read_session_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        return std::nullopt;
    }
    stored_session s;
    bool have_id = false;
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos) {
            continue;
        }
        auto key = line.substr(0, eq);
        auto value = line.substr(eq + 1);
        if (key == "session.id") {
            uint64_t id = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id, 16);
            have_id = ec == std::errc{} && end == value.data() + value.size() && id != 0;
            s.id = static_cast<int64_t>(id);
        } else if (key == "session.password") {
            if (value.size() % 2 != 0) {
                return std::nullopt;
            }
            for (size_t i = 0; i < value.size(); i += 2) {
                uint8_t b = 0;
                auto [end, ec] = std::from_chars(value.data() + i, value.data() + i + 2, b, 16);
                if (ec != std::errc{} || end != value.data() + i + 2) {
                    return std::nullopt;
                }
                s.password.push_back(b);
            }
        }
    }
    if (!have_id || s.password.empty()) {
        return std::nullopt;
    }
    return s;
}

} // namespace brook::broker::zk

#include "harness/test_dirs.h"

#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace brook::test {

temp_dir::temp_dir(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    _path = buf.data();
}

temp_dir::~temp_dir() {
    if (std::getenv("BROOK_KEEP_TEST_DIRS") == nullptr) {
        std::error_code ec;
        std::filesystem::remove_all(_path, ec);
    }
}

std::filesystem::path built_executable(const std::string& name) {
    const char* dir = std::getenv("BROOK_BUILD_DIR");
    std::filesystem::path root = dir != nullptr ? dir : BROOK_BUILD_DIR;
    for (const auto* sub : {"src/broker", "src/coordinator", "src/client", ""}) {
        auto p = root / sub / name;
        if (std::filesystem::exists(p)) {
            return p;
        }
    }
    throw std::runtime_error("executable not built: " + name + " (under " + root.string() + ")");
}

} // namespace brook::test

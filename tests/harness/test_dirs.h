#pragma once
// Temporary directories for tests, removed when the owning object dies (unless BROOK_KEEP_TEST_DIRS is set).
#include <filesystem>
#include <string>

namespace brook::test {

class temp_dir {
public:
    /// Creates a fresh directory under $TMPDIR (or /tmp) named after `prefix`.
    explicit temp_dir(const std::string& prefix = "brook-test");
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const noexcept { return _path; }
    std::filesystem::path operator/(const std::string& name) const { return _path / name; }

private:
    std::filesystem::path _path;
};

/// Path of a built executable (brook-broker, brook-coordinator, brook) in the build tree.
std::filesystem::path built_executable(const std::string& name);

} // namespace brook::test

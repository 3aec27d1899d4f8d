#include "file_io.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace brook::log::detail {

std::error_code last_errno() {
    return {errno, std::generic_category()};
}

result<size_t> pread_full(int fd, std::span<uint8_t> out, uint64_t pos) {
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::pread(fd, out.data() + done, out.size() - done, off_t(pos + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return last_errno();
        }
        if (n == 0) {
            break;
        }
        done += size_t(n);
    }
    return done;
}

result<void> pwrite_full(int fd, bytes_view data, uint64_t pos) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, off_t(pos + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return last_errno();
        }
        done += size_t(n);
    }
    return success();
}

result<uint64_t> file_size(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return last_errno();
    }
    return uint64_t(st.st_size);
}

bool allocate_blocks(int fd, uint64_t pos, uint64_t len) noexcept {
    constexpr uint64_t block = 4096;
    uint64_t start = (pos + block - 1) / block * block;
    if (start >= pos + len) {
        return true;
    }
    // Any other failure (ENOSPC, ...) shows again in the write that follows.
    return ::fallocate(fd, FALLOC_FL_KEEP_SIZE, off_t(start), off_t(pos + len - start)) == 0 || errno != EOPNOTSUPP;
}

result<void> fsync_dir(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return last_errno();
    }
    int rc = ::fsync(fd);
    auto ec = last_errno();
    ::close(fd);
    if (rc != 0) {
        return ec;
    }
    return success();
}

result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents, bool durable) {
    auto tmp = path;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return last_errno();
    }
    auto w = pwrite_full(fd, as_bytes(contents), 0);
    if (!w) {
        ::close(fd);
        return w.error();
    }
    if (durable && ::fsync(fd) != 0) {
        auto ec = last_errno();
        ::close(fd);
        return ec;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        return last_errno();
    }
    return durable ? fsync_dir(path.parent_path()) : success();
}

result<std::string> read_text_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return last_errno();
    }
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            auto ec = last_errno();
            ::close(fd);
            return ec;
        }
        if (n == 0) {
            break;
        }
        out.append(buf, size_t(n));
    }
    ::close(fd);
    return out;
}

} // namespace brook::log::detail

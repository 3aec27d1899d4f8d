#include "coordinator/tree/txn_log.h"

#include "brook/common/crc32c.h"
#include "brook/common/errc.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace brook::coordinator::tree {
namespace {

namespace fs = std::filesystem;

constexpr size_t header_size = 16;
constexpr size_t entry_header = 8;

void put32(bytes& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) {
        out.push_back(static_cast<uint8_t>(v >> s));
    }
}

uint32_t get32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::error_code last_errno() {
    return {errno, std::generic_category()};
}

result<void> write_all(int fd, const uint8_t* p, size_t n, int64_t offset) {
    while (n > 0) {
        ssize_t w = ::pwrite(fd, p, n, offset);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return last_errno();
        }
        p += w;
        n -= static_cast<size_t>(w);
        offset += w;
    }
    return success();
}

result<bytes> read_file(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return last_errno();
    }
    bytes data;
    uint8_t buf[1 << 16];
    for (;;) {
        ssize_t r = ::read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        data.insert(data.end(), buf, buf + r);
    }
    ::close(fd);
    return data;
}

} // namespace

txn_log::txn_log(fs::path dir, int64_t prealloc_bytes, bool force_sync)
    : _dir(std::move(dir)), _prealloc(prealloc_bytes > 0 ? prealloc_bytes : (64 << 20)), _force_sync(force_sync) {}

txn_log::~txn_log() {
    if (_fd >= 0) {
        static_cast<void>(sync());
        ::close(_fd);
    }
}

result<void> txn_log::open_file(int64_t zxid) {
    char name[32];
    std::snprintf(name, sizeof name, "log.%016" PRIx64, static_cast<uint64_t>(zxid));
    fs::path path = _dir / name;
    _fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (_fd < 0) {
        return last_errno();
    }
    bytes header;
    put32(header, magic);
    put32(header, 1);
    put32(header, 0);
    put32(header, 0);
    BOOST_OUTCOME_TRY(write_all(_fd, header.data(), header.size(), 0));
    _file_pos = header_size;
    _file_size = 0;
    _zeroed = header_size;
    // The new file's directory entry must survive a crash before any of its txns count as durable.
    int dfd = ::open(_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return success();
}

result<void> txn_log::append(int64_t zxid, bytes_view payload) {
    if (_fd < 0) {
        BOOST_OUTCOME_TRY(open_file(zxid));
    }
    put32(_buffer, static_cast<uint32_t>(payload.size()));
    put32(_buffer, crc32c(payload));
    _buffer.insert(_buffer.end(), payload.begin(), payload.end());
    return success();
}

result<void> txn_log::flush_buffer() {
    if (_buffer.empty()) {
        return success();
    }
    int64_t end = _file_pos + static_cast<int64_t>(_buffer.size());
    if (end + static_cast<int64_t>(entry_header) > _file_size) {
        int64_t new_size = ((end + entry_header) / _prealloc + 1) * _prealloc;
        if (::posix_fallocate(_fd, 0, new_size) == 0) {
            _file_size = new_size;
        } else {
            _file_size = end; // no preallocation on this file system; plain appends still work
        }
    }
    BOOST_OUTCOME_TRY(write_all(_fd, _buffer.data(), _buffer.size(), _file_pos));
    _file_pos = end;
    _buffer.clear();
    if (end + static_cast<int64_t>(entry_header) > _zeroed) {
        // Keep a zeroed chunk ahead of the end (see the header): the next fdatasync makes it
        // durable once, and the appends after it are plain overwrites.
        constexpr int64_t zero_chunk = 1 << 20;
        static const bytes zeros(zero_chunk, 0);
        int64_t from = std::max(_zeroed, end);
        int64_t to = (end / zero_chunk + 2) * zero_chunk;
        while (from < to) {
            int64_t n = std::min(to - from, zero_chunk);
            BOOST_OUTCOME_TRY(write_all(_fd, zeros.data(), static_cast<size_t>(n), from));
            from += n;
        }
        _zeroed = to;
        _file_size = std::max(_file_size, to);
    }
    return success();
}

result<void> txn_log::sync() {
    if (_fd < 0) {
        return success();
    }
    BOOST_OUTCOME_TRY(flush_buffer());
    if (_force_sync && ::fdatasync(_fd) != 0) {
        return last_errno();
    }
    return success();
}

result<void> txn_log::roll() {
    BOOST_OUTCOME_TRY(sync());
    if (_fd >= 0) {
        ::close(_fd);
        _fd = -1;
    }
    return success();
}

std::vector<std::pair<int64_t, fs::path>> txn_log::list(const fs::path& dir) {
    std::vector<std::pair<int64_t, fs::path>> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        auto name = e.path().filename().string();
        if (name.size() == 20 && name.starts_with("log.")) {
            out.emplace_back(static_cast<int64_t>(std::strtoull(name.c_str() + 4, nullptr, 16)), e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

result<size_t> txn_log::recover(const fs::path& dir, int64_t after,
                                const std::function<result<void>(bytes_view payload)>& fn) {
    auto files = list(dir);
    size_t count = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        // Skip files entirely covered by the snapshot: the next file starts at or before `after`+1.
        if (i + 1 < files.size() && files[i + 1].first <= after + 1) {
            continue;
        }
        BOOST_OUTCOME_TRY(auto data, read_file(files[i].second));
        bool last = i + 1 == files.size();
        size_t pos = header_size;
        if (data.size() < header_size || get32(data.data()) != magic) {
            if (last) {
                // Crashed while creating the file: nothing in it was ever acknowledged.
                fs::remove(files[i].second);
                break;
            }
            return common::errc::parse_error;
        }
        while (pos + entry_header <= data.size()) {
            uint32_t len = get32(data.data() + pos);
            uint32_t crc = get32(data.data() + pos + 4);
            if (len == 0 || pos + entry_header + len > data.size()) {
                break;
            }
            bytes_view payload(data.data() + pos + entry_header, len);
            if (crc32c(payload) != crc) {
                break;
            }
            // The txn header starts with session (8 bytes) then zxid (8 bytes).
            if (len < 16) {
                break;
            }
            int64_t zxid = 0;
            for (int k = 0; k < 8; ++k) {
                zxid = (zxid << 8) | payload[8 + k];
            }
            if (zxid > after) {
                BOOST_OUTCOME_TRY(fn(payload));
                ++count;
            }
            pos += entry_header + len;
        }
        bool clean_end = pos + entry_header > data.size() || get32(data.data() + pos) == 0;
        if (!last && !clean_end) {
            return common::errc::parse_error;
        }
        if (last && ::truncate(files[i].second.c_str(), static_cast<off_t>(pos)) != 0) {
            return last_errno();
        }
    }
    return count;
}

} // namespace brook::coordinator::tree

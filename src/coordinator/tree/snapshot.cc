#include "coordinator/tree/snapshot.h"

#include "brook/common/crc32c.h"
#include "brook/common/errc.h"
#include "brook/protocol/zookeeper/jute.h"
#include "coordinator/tree/txn_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <fstream>

namespace brook::coordinator::tree {
namespace {

namespace fs = std::filesystem;
constexpr int32_t snapshot_magic = 0x424b534e; // "BKSN"

struct node_record {
    std::string path;
    bytes data;
    std::vector<zk::acl> acl;
    int64_t czxid = 0, mzxid = 0, pzxid = 0, ctime = 0, mtime = 0;
    int32_t version = 0, cversion = 0, aversion = 0;
    int64_t ephemeral_owner = 0;
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.path, s.data, s.acl, s.czxid, s.mzxid, s.pzxid, s.ctime, s.mtime, s.version, s.cversion,
                        s.aversion, s.ephemeral_owner);
    }
};

struct session_record {
    int64_t id = 0;
    int32_t timeout = 0;
    template<class S>
    static auto jute_fields(S& s) {
        return std::tie(s.id, s.timeout);
    }
};

std::error_code last_errno() {
    return {errno, std::generic_category()};
}

void fsync_dir(const fs::path& dir) {
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

result<void> load(const bytes& image, processor& p, int64_t now_ms) {
    if (image.size() < 20) {
        return common::errc::parse_error;
    }
    size_t body = image.size() - 4;
    uint32_t stored = (uint32_t(image[body]) << 24) | (uint32_t(image[body + 1]) << 16) |
                      (uint32_t(image[body + 2]) << 8) | uint32_t(image[body + 3]);
    if (crc32c(bytes_view(image.data(), body)) != stored) {
        return common::errc::parse_error;
    }
    zk::jute_reader r(bytes_view(image.data(), body));
    BOOST_OUTCOME_TRY(int32_t magic, r.read_int32());
    BOOST_OUTCOME_TRY(int32_t version, r.read_int32());
    BOOST_OUTCOME_TRY(int64_t zxid, r.read_int64());
    if (magic != snapshot_magic || version != 1) {
        return common::errc::parse_error;
    }
    BOOST_OUTCOME_TRY(size_t sessions, r.read_count(12));
    for (size_t i = 0; i < sessions; ++i) {
        BOOST_OUTCOME_TRY(auto s, zk::decode<session_record>(r));
        p.sessions().add(s.id, s.timeout, now_ms);
    }
    BOOST_OUTCOME_TRY(size_t nodes, r.read_count(4));
    auto& tree = p.tree();
    for (size_t i = 0; i < nodes; ++i) {
        BOOST_OUTCOME_TRY(auto n, zk::decode<node_record>(r));
        znode z;
        z.data = std::move(n.data);
        z.acl = tree.acls().intern(n.acl);
        z.czxid = n.czxid;
        z.mzxid = n.mzxid;
        z.pzxid = n.pzxid;
        z.ctime = n.ctime;
        z.mtime = n.mtime;
        z.version = n.version;
        z.cversion = n.cversion;
        z.aversion = n.aversion;
        z.ephemeral_owner = n.ephemeral_owner;
        if (n.path != "/" &&
            tree.find(std::string(n.path.substr(0, std::max<size_t>(1, n.path.rfind('/'))))) == nullptr) {
            return common::errc::parse_error;
        }
        tree.restore_node(n.path, std::move(z));
    }
    tree.set_last_zxid(zxid);
    return success();
}

} // namespace

snapshot_builder::snapshot_builder(const processor& p) : _zxid(p.last_zxid()) {
    zk::jute_writer w(_out);
    w.write_int32(snapshot_magic);
    w.write_int32(1);
    w.write_int64(_zxid);
    const auto& sessions = p.sessions().all();
    w.write_int32(static_cast<int32_t>(sessions.size()));
    for (const auto& [id, s] : sessions) {
        zk::encode(w, session_record{id, s.timeout_ms});
    }
    _count_pos = w.size();
    w.write_int32(0); // patched by finish()
    _out.reserve(_out.size() + p.tree().node_count() * 64 + p.tree().approximate_data_size());
    _stack.emplace_back("/");
}

bool snapshot_builder::step(const processor& p, size_t max_nodes) {
    zk::jute_writer w(_out);
    const auto& tree = p.tree();
    for (size_t i = 0; i < max_nodes && !_stack.empty(); ++i) {
        std::string path = std::move(_stack.back());
        _stack.pop_back();
        const znode* n = tree.find(path);
        if (n == nullptr) {
            continue; // deleted since its parent was written; so is its subtree
        }
        w.write_string(path);
        w.write_buffer(n->data);
        zk::detail::put(w, tree.acl_of(*n));
        w.write_int64(n->czxid);
        w.write_int64(n->mzxid);
        w.write_int64(n->pzxid);
        w.write_int64(n->ctime);
        w.write_int64(n->mtime);
        w.write_int32(n->version);
        w.write_int32(n->cversion);
        w.write_int32(n->aversion);
        w.write_int64(n->ephemeral_owner);
        ++_count;
        std::string base = path == "/" ? std::string() : std::move(path);
        for (auto c = n->children.rbegin(); c != n->children.rend(); ++c) {
            _stack.push_back(base + "/" + *c);
        }
    }
    return _stack.empty();
}

bytes snapshot_builder::finish() {
    zk::jute_writer w(_out);
    w.patch_int32(_count_pos, _count);
    w.write_int32(static_cast<int32_t>(crc32c(bytes_view(_out))));
    return std::move(_out);
}

bytes serialize_snapshot(const processor& p) {
    snapshot_builder b(p);
    while (!b.step(p, SIZE_MAX)) {
    }
    return b.finish();
}

result<void> write_snapshot(const fs::path& dir, int64_t zxid, const bytes& image) {
    char name[40];
    std::snprintf(name, sizeof name, "snapshot.%016" PRIx64, static_cast<uint64_t>(zxid));
    fs::path final_path = dir / name;
    fs::path tmp = dir / (std::string(name) + ".tmp");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return last_errno();
    }
    size_t off = 0;
    while (off < image.size()) {
        ssize_t n = ::write(fd, image.data() + off, image.size() - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            auto ec = last_errno();
            ::close(fd);
            return ec;
        }
        off += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        auto ec = last_errno();
        ::close(fd);
        return ec;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        return last_errno();
    }
    fsync_dir(dir);
    return success();
}

std::vector<std::pair<int64_t, fs::path>> list_snapshots(const fs::path& dir) {
    std::vector<std::pair<int64_t, fs::path>> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        auto name = e.path().filename().string();
        if (name.size() == 25 && name.starts_with("snapshot.")) {
            out.emplace_back(static_cast<int64_t>(std::strtoull(name.c_str() + 9, nullptr, 16)), e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

result<std::optional<int64_t>> load_newest_snapshot(const fs::path& dir, processor& p, int64_t now_ms) {
    auto snaps = list_snapshots(dir);
    for (auto it = snaps.rbegin(); it != snaps.rend(); ++it) {
        std::ifstream in(it->second, std::ios::binary);
        bytes image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        processor fresh_check(processor_options{}, now_ms);
        if (!load(image, fresh_check, now_ms)) {
            continue; // damaged: try an older one
        }
        BOOST_OUTCOME_TRY(load(image, p, now_ms));
        return std::optional<int64_t>(it->first);
    }
    return std::optional<int64_t>();
}

void purge(const fs::path& snap_dir, const fs::path& log_dir, int retain) {
    auto snaps = list_snapshots(snap_dir);
    if (retain < 1 || snaps.size() <= static_cast<size_t>(retain)) {
        return;
    }
    size_t drop = snaps.size() - static_cast<size_t>(retain);
    int64_t oldest_kept = snaps[drop].first;
    std::error_code ec;
    for (size_t i = 0; i < drop; ++i) {
        fs::remove(snaps[i].second, ec);
    }
    // A log file is still needed if it may hold zxids above the oldest kept snapshot: keep the last
    // file starting at or below it and everything after.
    auto logs = txn_log::list(log_dir);
    for (size_t i = 0; i + 1 < logs.size(); ++i) {
        if (logs[i + 1].first <= oldest_kept + 1) {
            fs::remove(logs[i].second, ec);
        }
    }
}

} // namespace brook::coordinator::tree

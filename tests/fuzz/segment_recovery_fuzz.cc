// Segment recovery fuzz target: the input is the contents of a segment file found after a crash.
// Recovery must never crash, must keep a prefix of the input (never invent or reorder bytes), and
// what it keeps must be whole batches with valid CRCs and increasing offsets, readable through the
// log and appendable afterwards.
#include "brook/log/partition_log.h"
#include "brook/protocol/kafka/record_batch.h"
#include "brook/protocol/kafka/record_batch_builder.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace bl = brook::log;
namespace kafka = brook::protocol::kafka;

const fs::path& work_dir() {
    static const fs::path dir = [] {
        std::string tmpl = (fs::temp_directory_path() / "brook-segfuzz-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            std::abort();
        }
        return fs::path(tmpl);
    }();
    return dir;
}

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "segment recovery invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto dir = work_dir() / "t-0";
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto seg = dir / "00000000000000000000.log";
    {
        std::ofstream out(seg, std::ios::binary);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    }
    bl::file_cache files(4);
    bl::recovery_stats st;
    auto log = bl::partition_log::load(
        dir, {"t", 0}, {}, files, [] { return int64_t{1'700'000'000'000}; }, {.clean_shutdown = false}, &st);
    check(bool(log), "load failed on a readable directory");
    // The file is a prefix of the input.
    std::ifstream in(seg, std::ios::binary);
    std::vector<uint8_t> kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    check(kept.size() <= size, "file grew");
    check(kept.empty() || std::memcmp(kept.data(), data, kept.size()) == 0, "kept bytes differ from input");
    check(st.bytes_truncated == size - kept.size(), "truncated byte count");
    // Every kept batch is whole, has a valid CRC, and offsets increase.
    size_t pos = 0;
    int64_t next = 0;
    while (pos < kept.size()) {
        auto h = kafka::parse_record_batch_header({kept.data() + pos, kept.size() - pos});
        check(bool(h), "kept a batch with a bad header");
        check(kafka::crc_matches({kept.data() + pos, h.value().size_bytes()}), "kept a batch with a bad CRC");
        check(h.value().base_offset >= next, "offsets go backwards");
        next = h.value().next_offset();
        pos += h.value().size_bytes();
    }
    auto& l = *log.value();
    check(l.log_end_offset() == brook::offset(next), "log end is not the end of the kept batches");
    // Reads serve only kept bytes; the log accepts an append right after them.
    for (brook::offset o = l.log_start_offset(); o < l.log_end_offset();) {
        auto r = l.read(o, 1 << 20);
        check(bool(r), "read of a kept offset failed");
        if (r.value().region.length == 0) {
            break;
        }
        check(r.value().region.position + r.value().region.length <= kept.size(), "read beyond kept bytes");
        o = r.value().next_offset;
    }
    auto b = kafka::record_batch_builder().append(1, "k", "v").build().value();
    auto a = l.append_as_leader(b, brook::leader_epoch(0));
    check(bool(a) && a.value().base_offset == brook::offset(next), "append after recovery");
    return 0;
}

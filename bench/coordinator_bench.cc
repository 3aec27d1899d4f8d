// Load generator on the ZooKeeper C client's asynchronous API against brook-coordinator and Apache
// ZooKeeper 3.8 (single node, forceSync=yes), in one invocation. Each phase (create, setData,
// getData, delete) runs 100,000 operations on 100-byte znodes with up to 1,000 requests in
// flight (refilled 50 at a time).
//
// Fairness: both servers get the same client library, window and settings. A warmup (every phase,
// a fifth of the operations, on other znodes) runs against both first, so the JVM's JIT is warm
// before anything is measured. Each phase is split into rounds that alternate between the servers
// (and which one goes first), so a change in the machine's load during the run hits both alike.
// Prints per phase and server: ops/s (whole phase and median round), CPU per op of the server and
// of the client (this process), each in total and of its busiest thread, and for brook the txns
// per fsync; then the ratios: brook/ZooKeeper ops/s as the median of adjacent round pairs and over
// the whole phase, the ratio of (client + server) CPU per op (what the rates would be if the two
// processes had the cores to themselves), and the bound a server costing no CPU at all could
// reach against ZooKeeper. Last, each server's RSS growth over the create phase (per 100,000
// znodes, VmRSS of the listening process for both) and the load average.
//
// Usage: bench_coordinator [ops_per_phase] [in_flight] [rounds]
#ifndef THREADED
#define THREADED
#endif
#include "harness/zookeeper_server.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

using brook::test::zookeeper_flavor;
using brook::test::zookeeper_server;

// Bounds the requests in flight. The issuing thread fills the window, then sleeps until a batch of
// replies has come back (low water) and refills it, so it is woken once per batch instead of once
// per reply: with a wake-up per reply the benchmark measures the client's thread hand-offs, which
// cost both servers alike and hide their difference.
struct gate {
    std::mutex mutex;
    std::condition_variable cv;
    int in_flight = 0;
    int low_water = 0;
    bool waiting = false;
    long errors = 0;
};

void done(int rc, gate* g) {
    std::lock_guard lock(g->mutex);
    --g->in_flight;
    if (rc != ZOK) {
        ++g->errors;
    }
    if (g->waiting && (g->in_flight <= g->low_water || g->in_flight == 0)) {
        g->waiting = false;
        g->cv.notify_one();
    }
}

void on_string(int rc, const char*, const void* d) {
    done(rc, static_cast<gate*>(const_cast<void*>(d)));
}
void on_stat(int rc, const struct Stat*, const void* d) {
    done(rc, static_cast<gate*>(const_cast<void*>(d)));
}
void on_data(int rc, const char*, int, const struct Stat*, const void* d) {
    done(rc, static_cast<gate*>(const_cast<void*>(d)));
}
void on_void(int rc, const void* d) {
    done(rc, static_cast<gate*>(const_cast<void*>(d)));
}

void on_session(zhandle_t*, int, int, const char*, void*) {}

enum class phase { create, set_data, get_data, remove };
const char* name_of(phase p) {
    switch (p) {
    case phase::create:
        return "create";
    case phase::set_data:
        return "setData";
    case phase::get_data:
        return "getData";
    case phase::remove:
        return "delete";
    }
    return "?";
}

zhandle_t* connect(const std::string& host) {
    zhandle_t* zh = zookeeper_init(host.c_str(), on_session, 30000, nullptr, nullptr, 0);
    // By default the C client resolves its host list again every time it checks the socket (a
    // getaddrinfo with a netlink socket and a read of /etc/gai.conf, thousands per second under
    // this load), which made its I/O thread the bottleneck for both servers. The host here is a
    // literal loopback address: resolve it once, as an application with a fixed ensemble would.
    zoo_set_servers_resolution_delay(zh, -1);
    for (int i = 0; i < 1500 && zoo_state(zh) != ZOO_CONNECTED_STATE; ++i) {
        struct timespec ts {
            0, 20'000'000
        };
        nanosleep(&ts, nullptr);
    }
    return zh;
}

// Runs `p` on znodes <prefix>/n<first> .. n<first + ops - 1>; returns the elapsed seconds.
double run_phase(zhandle_t* zh, phase p, const char* prefix, int first, int ops, int window, long& errors) {
    gate g;
    g.low_water = window - std::max(1, window / 20);
    std::string data(100, 'x');
    char path[64];
    auto start = std::chrono::steady_clock::now();
    for (int i = first; i < first + ops; ++i) {
        {
            std::unique_lock lock(g.mutex);
            if (g.in_flight >= window) {
                g.waiting = true;
                g.cv.wait(lock, [&] { return !g.waiting; });
            }
            ++g.in_flight;
        }
        std::snprintf(path, sizeof path, "%s/n%07d", prefix, i);
        int rc = ZOK;
        switch (p) {
        case phase::create:
            rc = zoo_acreate(zh, path, data.data(), 100, &ZOO_OPEN_ACL_UNSAFE, 0, on_string, &g);
            break;
        case phase::set_data:
            rc = zoo_aset(zh, path, data.data(), 100, -1, on_stat, &g);
            break;
        case phase::get_data:
            rc = zoo_aget(zh, path, 0, on_data, &g);
            break;
        case phase::remove:
            rc = zoo_adelete(zh, path, -1, on_void, &g);
            break;
        }
        if (rc != ZOK) {
            done(rc, &g);
        }
    }
    std::unique_lock lock(g.mutex);
    while (g.in_flight > 0) {
        g.waiting = true;
        g.low_water = 0;
        g.cv.wait(lock, [&] { return !g.waiting; });
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    errors += g.errors;
    return secs;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

// The pid listening on 127.0.0.1:port, found through /proc (socket inode -> owning process).
long pid_listening_on(uint16_t port) {
    unsigned long inode = 0;
    // Java listens on an IPv6 socket even for 127.0.0.1, so look in both tables.
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream tcp(table);
        std::string line;
        std::getline(tcp, line);
        while (inode == 0 && std::getline(tcp, line)) {
            unsigned state = 0;
            unsigned long ino = 0;
            char local[128];
            if (std::sscanf(line.c_str(), "%*d: %127[0-9A-Fa-f:] %*s %x %*s %*s %*s %*s %*s %lu", local, &state,
                            &ino) == 3) {
                std::string l(local);
                auto local_port = std::strtoul(l.substr(l.rfind(':') + 1).c_str(), nullptr, 16);
                if (local_port == port && state == 0x0A) {
                    inode = ino;
                }
            }
        }
    }
    if (inode == 0) {
        return -1;
    }
    std::string needle = "socket:[" + std::to_string(inode) + "]";
    DIR* proc = opendir("/proc");
    long found = -1;
    while (dirent* e = proc ? readdir(proc) : nullptr) {
        long pid = std::strtol(e->d_name, nullptr, 10);
        if (pid <= 0) {
            continue;
        }
        std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
        DIR* fds = opendir(fd_dir.c_str());
        while (dirent* f = fds ? readdir(fds) : nullptr) {
            char target[128];
            std::string link = fd_dir + "/" + f->d_name;
            ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
            if (n > 0 && needle == std::string(target, n)) {
                found = pid;
                break;
            }
        }
        if (fds) {
            closedir(fds);
        }
        if (found > 0) {
            break;
        }
    }
    if (proc) {
        closedir(proc);
    }
    return found;
}

long rss_kb(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return -1;
}

// CPU seconds (user + system) from a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file.
double stat_cpu_seconds(const std::string& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    auto close_paren = line.rfind(')');
    if (close_paren == std::string::npos) {
        return 0;
    }
    // Fields after the command: state is field 3; utime and stime are fields 14 and 15.
    unsigned long utime = 0, stime = 0;
    std::sscanf(line.c_str() + close_paren + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// CPU seconds (user + system) the process has used so far.
double cpu_seconds(long pid) {
    return stat_cpu_seconds("/proc/" + std::to_string(pid) + "/stat");
}

double own_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

// CPU seconds (user + system) of each thread of `pid` ("self" for this process), by thread id.
std::map<long, double> thread_cpu_seconds(const std::string& pid) {
    std::map<long, double> out;
    std::string dir = "/proc/" + pid + "/task";
    DIR* tasks = opendir(dir.c_str());
    while (dirent* e = tasks ? readdir(tasks) : nullptr) {
        long tid = std::strtol(e->d_name, nullptr, 10);
        if (tid > 0) {
            out[tid] = stat_cpu_seconds(dir + "/" + e->d_name + "/stat");
        }
    }
    if (tasks) {
        closedir(tasks);
    }
    return out;
}

// Adds the CPU each thread used between `before` and now to `sums`.
void add_thread_cpu(std::map<long, double>& sums, const std::map<long, double>& before, const std::string& pid) {
    for (const auto& [tid, secs] : thread_cpu_seconds(pid)) {
        auto it = before.find(tid);
        sums[tid] += secs - (it == before.end() ? 0.0 : it->second);
    }
}

double busiest(const std::map<long, double>& sums) {
    double m = 0;
    for (const auto& [tid, secs] : sums) {
        m = std::max(m, secs);
    }
    return m;
}

// brook-coordinator's fsync count (mntr), or -1 for Apache ZooKeeper (its mntr has none).
long fsync_count(const zookeeper_server& server) {
    if (server.flavor() != zookeeper_flavor::brook) {
        return -1;
    }
    std::string mntr = brook::test::four_letter_word(server.port(), "mntr");
    auto at = mntr.find("fsync_count");
    return at == std::string::npos ? -1 : std::strtol(mntr.c_str() + at + 11, nullptr, 10);
}

double median(std::vector<double> v) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct target {
    const char* label;
    zookeeper_server* server;
    zhandle_t* zh = nullptr;
    long pid = -1;
    long rss_before = 0;
    long rss_after = 0;
    double secs[4] = {0, 0, 0, 0};
    double cpu[4] = {0, 0, 0, 0};             // the server's CPU seconds
    double client_cpu[4] = {0, 0, 0, 0};      // this process's
    std::map<long, double> server_threads[4]; // CPU seconds per server thread
    std::map<long, double> client_threads[4]; // CPU seconds per thread of this process
    std::vector<double> round_rate[4];        // ops/s of each round
    long fsyncs[4] = {0, 0, 0, 0};            // -1: not reported
    long errors[4] = {0, 0, 0, 0};
};

} // namespace

int main(int argc, char** argv) {
    int ops = argc > 1 ? std::atoi(argv[1]) : 100000;
    int window = argc > 2 ? std::atoi(argv[2]) : 1000;
    int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 10;
    int warmup = std::max(1, ops / 5);
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    std::string why;
    for (auto f : {zookeeper_flavor::brook, zookeeper_flavor::apache}) {
        if (!zookeeper_server::available(f, &why)) {
            std::fprintf(stderr, "cannot run %s: %s\n", brook::test::to_string(f), why.c_str());
            return 2;
        }
    }
    std::printf("load_average_start %s\n", load_average().c_str());
    // Same settings for both: forceSync=yes (the default), a large snapCount so neither snapshots
    // in the middle of a phase, and no connection limit.
    std::map<std::string, std::string> cfg{{"forceSync", "yes"}, {"maxClientCnxns", "0"}, {"snapCount", "1000000"}};
    zookeeper_server brook_srv(zookeeper_flavor::brook, 2000, cfg);
    zookeeper_server apache_srv(zookeeper_flavor::apache, 2000, cfg);
    apache_srv.use_shipped_jvm_settings();
    target targets[2] = {{"coordinator", &brook_srv}, {"zookeeper", &apache_srv}};
    for (auto& t : targets) {
        if (!t.server->start()) {
            std::fprintf(stderr, "%s did not start\n", t.label);
            return 1;
        }
        t.zh = connect(t.server->connect_string());
        if (zoo_state(t.zh) != ZOO_CONNECTED_STATE) {
            std::fprintf(stderr, "cannot connect to %s\n", t.label);
            return 1;
        }
        zoo_create(t.zh, "/bench", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
        zoo_create(t.zh, "/warmup", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
        t.pid = pid_listening_on(t.server->port());
    }
    const phase phases[] = {phase::create, phase::set_data, phase::get_data, phase::remove};
    for (phase p : phases) {
        for (auto& t : targets) {
            long errors = 0;
            run_phase(t.zh, p, "/warmup", 0, warmup, window, errors);
        }
    }
    for (phase p : phases) {
        int i = static_cast<int>(p);
        if (p == phase::create) {
            for (auto& t : targets) {
                t.rss_before = rss_kb(t.pid);
            }
        }
        for (int r = 0; r < rounds; ++r) {
            int first = static_cast<int>(int64_t(ops) * r / rounds);
            int count = static_cast<int>(int64_t(ops) * (r + 1) / rounds) - first;
            for (int k = 0; k < 2; ++k) {
                auto& t = targets[(k + r) % 2];
                long fsyncs_before = fsync_count(*t.server);
                auto server_before = thread_cpu_seconds(std::to_string(t.pid));
                auto client_before = thread_cpu_seconds("self");
                double cpu_before = cpu_seconds(t.pid), own_before = own_cpu_seconds();
                double secs = run_phase(t.zh, p, "/bench", first, count, window, t.errors[i]);
                t.cpu[i] += cpu_seconds(t.pid) - cpu_before;
                t.client_cpu[i] += own_cpu_seconds() - own_before;
                add_thread_cpu(t.server_threads[i], server_before, std::to_string(t.pid));
                add_thread_cpu(t.client_threads[i], client_before, "self");
                long fsyncs_after = fsync_count(*t.server);
                t.fsyncs[i] = fsyncs_before < 0 || t.fsyncs[i] < 0 ? -1 : t.fsyncs[i] + fsyncs_after - fsyncs_before;
                t.secs[i] += secs;
                t.round_rate[i].push_back(count / secs);
            }
        }
        if (p == phase::create) {
            for (auto& t : targets) {
                t.rss_after = rss_kb(t.pid);
            }
        }
        // Where the time goes: CPU per op of each server and of this process (the C client), in
        // total and of the busiest thread (a thread's CPU per op bounds the rate from above).
        double total_cpu[2];
        for (int k = 0; k < 2; ++k) {
            auto& t = targets[k];
            const char* l = t.label;
            const char* n = name_of(p);
            std::printf("%s_%s %.0f ops/s\n", l, n, ops / t.secs[i]);
            std::printf("%s_%s_round_median %.0f ops/s\n", l, n, median(t.round_rate[i]));
            std::printf("%s_%s_server_cpu_us_per_op %.1f us/op\n", l, n, t.cpu[i] * 1e6 / ops);
            std::printf("%s_%s_server_busiest_thread_us_per_op %.1f us/op\n", l, n,
                        busiest(t.server_threads[i]) * 1e6 / ops);
            std::printf("%s_%s_client_cpu_us_per_op %.1f us/op\n", l, n, t.client_cpu[i] * 1e6 / ops);
            std::printf("%s_%s_client_busiest_thread_us_per_op %.1f us/op\n", l, n,
                        busiest(t.client_threads[i]) * 1e6 / ops);
            if (t.fsyncs[i] > 0 && (p == phase::create || p == phase::set_data || p == phase::remove)) {
                std::printf("%s_%s_txns_per_fsync %.1f txns\n", l, n, double(ops) / double(t.fsyncs[i]));
            }
            if (t.errors[i] != 0) {
                std::printf("%s_%s_errors %ld count\n", l, n, t.errors[i]);
            }
            total_cpu[k] = (t.cpu[i] + t.client_cpu[i]) * 1e6 / ops;
        }
        // ratio <phase>: the median over rounds of (brook's ops/s / ZooKeeper's in the adjacent round).
        std::vector<double> pair_ratios;
        for (size_t r = 0; r < targets[0].round_rate[i].size(); ++r) {
            pair_ratios.push_back(targets[0].round_rate[i][r] / targets[1].round_rate[i][r]);
        }
        std::printf("ratio %s %.2f\n", name_of(p), median(pair_ratios));
        std::printf("ratio %s_total_time %.2f\n", name_of(p), targets[1].secs[i] / targets[0].secs[i]);
        // If client and server had the cores to themselves and kept them busy, the rates would be
        // inversely proportional to client + server CPU per op; a server costing nothing would reach
        // at most the last figure.
        std::printf("ratio %s_by_cpu_per_op %.2f\n", name_of(p), total_cpu[1] / total_cpu[0]);
        std::printf("ratio %s_zero_cost_server_bound %.2f\n", name_of(p),
                    total_cpu[1] / (targets[0].client_cpu[i] * 1e6 / ops));
        std::fflush(stdout);
    }
    for (auto& t : targets) {
        double per_100k = (t.rss_after - t.rss_before) / 1024.0 * (100000.0 / ops);
        std::printf("%s_rss_growth_per_100k_znodes %.1f MiB\n", t.label, per_100k);
    }
    double b = targets[0].rss_after - targets[0].rss_before, a = targets[1].rss_after - targets[1].rss_before;
    if (a > 0) {
        std::printf("ratio rss_growth %.2f\n", b / a);
    }
    std::printf("load_average_end %s\n", load_average().c_str());
    for (auto& t : targets) {
        zookeeper_close(t.zh);
        t.server->stop();
    }
    return 0;
}

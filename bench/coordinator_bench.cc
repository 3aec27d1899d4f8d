// Load generator on the ZooKeeper C client's asynchronous API against brook-coordinator and Apache
// ZooKeeper 3.8 (single node, forceSync=yes), in one invocation. Each phase (create, setData,
// getData, delete) runs 100,000 operations on 100-byte znodes with up to 1,000 requests in
// flight (refilled 50 at a time).
//
// Fairness: both servers get the same client library, window and settings. A warmup (every phase,
// a fifth of the operations, on other znodes) runs against both first, so the JVM's JIT is warm
// before anything is measured. Each phase is split into rounds that alternate between the servers
// (and which one goes first), so a change in the machine's load during the run hits both alike.
// Prints ops/s per phase and server, the ratios, each server's RSS growth over the create phase
// (per 100,000 znodes, VmRSS of the listening process for both), and the load average.
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

// CPU seconds (user + system) the process has used so far.
double cpu_seconds(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
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

double own_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

struct target {
    const char* label;
    zookeeper_server* server;
    zhandle_t* zh = nullptr;
    long pid = -1;
    long rss_before = 0;
    long rss_after = 0;
    double secs[4] = {0, 0, 0, 0};
    double cpu[4] = {0, 0, 0, 0};        // the server's CPU seconds
    double client_cpu[4] = {0, 0, 0, 0}; // this process's
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
                double cpu_before = cpu_seconds(t.pid), own_before = own_cpu_seconds();
                t.secs[i] += run_phase(t.zh, p, "/bench", first, count, window, t.errors[i]);
                t.cpu[i] += cpu_seconds(t.pid) - cpu_before;
                t.client_cpu[i] += own_cpu_seconds() - own_before;
            }
        }
        if (p == phase::create) {
            for (auto& t : targets) {
                t.rss_after = rss_kb(t.pid);
            }
        }
        for (auto& t : targets) {
            std::printf("%s_%s %.0f ops/s\n", t.label, name_of(p), ops / t.secs[i]);
            std::printf("%s_%s_server_cpu %.1f us/op\n", t.label, name_of(p), t.cpu[i] * 1e6 / ops);
            std::printf("%s_%s_client_cpu %.1f us/op\n", t.label, name_of(p), t.client_cpu[i] * 1e6 / ops);
            if (t.errors[i] != 0) {
                std::printf("%s_%s_errors %ld count\n", t.label, name_of(p), t.errors[i]);
            }
        }
        std::fflush(stdout);
    }
    for (phase p : phases) {
        int i = static_cast<int>(p);
        std::printf("ratio %s %.2f\n", name_of(p), targets[1].secs[i] / targets[0].secs[i]);
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

#include "client/zookeeper/connect_string.h"

#include "brook/client/zookeeper/errc.h"

#include <charconv>

namespace brook::client::zookeeper::detail {
namespace {

result<host_port> parse_host(std::string_view h) {
    host_port hp;
    std::string_view port_part;
    if (!h.empty() && h.front() == '[') {
        auto close = h.find(']');
        if (close == std::string_view::npos) {
            return errc::invalid_connect_string;
        }
        hp.host = std::string(h.substr(1, close - 1));
        auto rest = h.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return errc::invalid_connect_string;
            }
            port_part = rest.substr(1);
        }
    } else {
        auto colon = h.rfind(':');
        if (colon == std::string_view::npos) {
            hp.host = std::string(h);
        } else {
            hp.host = std::string(h.substr(0, colon));
            port_part = h.substr(colon + 1);
            if (port_part.empty()) {
                return errc::invalid_connect_string;
            }
        }
    }
    if (hp.host.empty()) {
        return errc::invalid_connect_string;
    }
    if (!port_part.empty()) {
        unsigned port = 0;
        auto [end, ec] = std::from_chars(port_part.data(), port_part.data() + port_part.size(), port);
        if (ec != std::errc{} || end != port_part.data() + port_part.size() || port == 0 || port > 65535) {
            return errc::invalid_connect_string;
        }
        hp.port = static_cast<uint16_t>(port);
    }
    return hp;
}

} // namespace

result<connect_spec> parse_connect_string(std::string_view s) {
    connect_spec spec;
    auto slash = s.find('/');
    std::string_view hosts = s.substr(0, slash);
    if (slash != std::string_view::npos) {
        std::string_view chroot = s.substr(slash);
        while (chroot.size() > 1 && chroot.back() == '/') {
            chroot.remove_suffix(1);
        }
        if (chroot != "/") {
            if (!valid_path(chroot)) {
                return errc::invalid_connect_string;
            }
            spec.chroot = std::string(chroot);
        }
    }
    while (!hosts.empty()) {
        auto comma = hosts.find(',');
        auto h = hosts.substr(0, comma);
        // Tolerate spaces around hosts, as ZooKeeper's own parser does.
        while (!h.empty() && h.front() == ' ') {
            h.remove_prefix(1);
        }
        while (!h.empty() && h.back() == ' ') {
            h.remove_suffix(1);
        }
        if (!h.empty()) {
            BOOST_OUTCOME_TRY(auto hp, parse_host(h));
            spec.hosts.push_back(std::move(hp));
        }
        if (comma == std::string_view::npos) {
            break;
        }
        hosts.remove_prefix(comma + 1);
    }
    if (spec.hosts.empty()) {
        return errc::invalid_connect_string;
    }
    return spec;
}

bool valid_path(std::string_view path, bool sequential) noexcept {
    if (path.empty() || path.front() != '/') {
        return false;
    }
    if (path.size() == 1) {
        return !sequential;
    }
    if (path.back() == '/' && !sequential) {
        return false;
    }
    size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        auto seg = path.substr(start, end - start);
        bool last = end == path.size();
        if (seg.empty() && !(last && sequential)) {
            return false;
        }
        if (seg == "." || seg == "..") {
            return false;
        }
        if (seg.find('\0') != std::string_view::npos) {
            return false;
        }
        start = end + 1;
    }
    return true;
}

std::string to_server_path(std::string_view chroot, std::string_view path) {
    if (chroot.empty()) {
        return std::string(path);
    }
    if (path == "/") {
        return std::string(chroot);
    }
    std::string out;
    out.reserve(chroot.size() + path.size());
    out.append(chroot);
    out.append(path);
    return out;
}

std::optional<std::string> to_client_path(std::string_view chroot, std::string_view path) {
    if (chroot.empty()) {
        return std::string(path);
    }
    if (path.substr(0, chroot.size()) != chroot) {
        return std::nullopt;
    }
    auto rest = path.substr(chroot.size());
    if (rest.empty()) {
        return std::string("/");
    }
    if (rest.front() != '/') {
        return std::nullopt;
    }
    return std::string(rest);
}

} // namespace brook::client::zookeeper::detail

#include "coordinator/tree/acl.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <charconv>

namespace brook::coordinator::tree {
namespace {

std::string base64(const unsigned char* p, size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
    out.resize(static_cast<size_t>(len));
    return out;
}

struct ip_mask {
    int family = 0;
    unsigned char addr[16] = {};
    int bits = 0;
};

bool parse_ip(std::string_view text, ip_mask& out) {
    std::string s(text);
    auto slash = s.find('/');
    std::string host = s.substr(0, slash);
    out.family = host.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if (inet_pton(out.family, host.c_str(), out.addr) != 1) {
        return false;
    }
    int max_bits = out.family == AF_INET ? 32 : 128;
    out.bits = max_bits;
    if (slash != std::string::npos) {
        const char* first = s.data() + slash + 1;
        const char* last = s.data() + s.size();
        auto [end, ec] = std::from_chars(first, last, out.bits);
        if (ec != std::errc() || end != last || first == last || out.bits < 0 || out.bits > max_bits) {
            return false;
        }
    }
    return true;
}

bool ip_matches(std::string_view pattern, std::string_view client) {
    ip_mask p, c;
    if (!parse_ip(pattern, p) || !parse_ip(client, c) || p.family != c.family) {
        return false;
    }
    for (int bit = 0; bit < p.bits; ++bit) {
        int byte = bit / 8, shift = 7 - bit % 8;
        if (((p.addr[byte] >> shift) & 1) != ((c.addr[byte] >> shift) & 1)) {
            return false;
        }
    }
    return true;
}

bool valid_id(const zk::acl_id& id) {
    if (id.scheme == "world") {
        return id.id == "anyone";
    }
    if (id.scheme == "digest") {
        auto colon = id.id.find(':');
        return colon != std::string::npos && colon > 0 && id.id.find(':', colon + 1) == std::string::npos;
    }
    if (id.scheme == "ip") {
        ip_mask m;
        return parse_ip(id.id, m);
    }
    return false;
}

} // namespace

std::string digest_id(std::string_view user_password) {
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(user_password.data()), user_password.size(), md);
    auto colon = user_password.find(':');
    return std::string(user_password.substr(0, colon)) + ":" + base64(md, sizeof md);
}

bool fix_acl(acl_list& acl, const auth_info& who) {
    if (acl.empty()) {
        return false;
    }
    acl_list out;
    for (auto& a : acl) {
        if (a.perms < 0 || a.perms > zk::perms::all) {
            return false;
        }
        if (a.id.scheme == "auth") {
            bool any = false;
            for (const auto& id : who.ids) {
                if (id.scheme == "digest") {
                    out.push_back(zk::acl{a.perms, id});
                    any = true;
                }
            }
            if (!any) {
                return false;
            }
            continue;
        }
        if (!valid_id(a.id)) {
            return false;
        }
        out.push_back(a);
    }
    acl = std::move(out);
    return true;
}

bool allowed(const acl_list& acl, const auth_info& who, int32_t perm) {
    if (acl.empty()) {
        return true;
    }
    for (const auto& a : acl) {
        if ((a.perms & perm) == 0) {
            continue;
        }
        if (a.id.scheme == "world" && a.id.id == "anyone") {
            return true;
        }
        for (const auto& id : who.ids) {
            if (id.scheme != a.id.scheme) {
                continue;
            }
            if (id.scheme == "ip" ? ip_matches(a.id.id, id.id) : id.id == a.id.id) {
                return true;
            }
        }
    }
    return false;
}

acl_table::acl_table() {
    intern(acl_list{zk::acl{zk::perms::all, zk::acl_id{"world", "anyone"}}});
}

uint32_t acl_table::intern(const acl_list& acl) {
    std::string key;
    for (const auto& a : acl) {
        key += std::to_string(a.perms) + "|" + a.id.scheme + "|" + a.id.id + "\n";
    }
    auto [it, inserted] = _index.try_emplace(key, static_cast<uint32_t>(_lists.size()));
    if (inserted) {
        _lists.push_back(acl);
    }
    return it->second;
}

} // namespace brook::coordinator::tree

#include "broker/meta_properties.h"

#include "brook/common/errc.h"

#include <array>
#include <fstream>
#include <random>

namespace brook::broker {

std::string random_cluster_id() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::random_device rd;
    std::array<uint8_t, 16> raw{};
    for (auto& b : raw) {
        b = static_cast<uint8_t>(rd());
    }
    // Base64 of 16 bytes without padding: 22 characters.
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (uint8_t b : raw) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(alphabet[(acc >> bits) & 0x3f]);
        }
    }
    if (bits > 0) {
        out.push_back(alphabet[(acc << (6 - bits)) & 0x3f]);
    }
    return out;
}

result<meta_properties> load_or_create_meta(const std::filesystem::path& dir, int32_t wanted_broker_id,
                                            const std::string& new_cluster_id) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return common::errc::io_error;
    }
    auto path = dir / "meta.properties";
    meta_properties meta;
    std::ifstream in(path);
    if (in) {
        std::string line;
        while (std::getline(in, line)) {
            auto eq = line.find('=');
            if (line.empty() || line[0] == '#' || eq == std::string::npos) {
                continue;
            }
            auto key = line.substr(0, eq);
            auto value = line.substr(eq + 1);
            if (key == "broker.id") {
                try {
                    meta.broker_id = std::stoi(value);
                } catch (const std::exception&) {
                    return common::errc::invalid_value;
                }
            } else if (key == "cluster.id") {
                meta.cluster_id = value;
            }
        }
        if (meta.cluster_id.empty() || (wanted_broker_id >= 0 && meta.broker_id != wanted_broker_id)) {
            return common::errc::invalid_value;
        }
        return meta;
    }
    meta.broker_id = wanted_broker_id >= 0 ? wanted_broker_id : 1001;
    meta.cluster_id = new_cluster_id.empty() ? random_cluster_id() : new_cluster_id;
    auto tmp = dir / "meta.properties.tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "#Written by brook-broker\nversion=0\nbroker.id=" << meta.broker_id << "\ncluster.id=" << meta.cluster_id
            << "\n";
        if (!out.flush()) {
            return common::errc::io_error;
        }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        return common::errc::io_error;
    }
    return meta;
}

} // namespace brook::broker

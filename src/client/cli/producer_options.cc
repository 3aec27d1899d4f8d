#include "producer_options.h"

namespace brook::cli {

namespace pk = protocol::kafka;

std::string producer_settings(const parsed_args& a, client::kafka::producer_config& cfg) {
    if (auto acks = a.get("acks")) {
        if (*acks == "all" || *acks == "-1") {
            cfg.acks = -1;
        } else if (*acks == "0") {
            cfg.acks = 0;
        } else if (*acks == "1") {
            cfg.acks = 1;
        } else {
            return "--acks must be all, -1, 0 or 1";
        }
    }
    if (auto c = a.get("compression-type")) {
        if (*c == "none") {
            cfg.compression = pk::compression_type::none;
        } else if (*c == "gzip") {
            cfg.compression = pk::compression_type::gzip;
        } else if (*c == "snappy") {
            cfg.compression = pk::compression_type::snappy;
        } else if (*c == "lz4") {
            cfg.compression = pk::compression_type::lz4;
        } else if (*c == "zstd") {
            cfg.compression = pk::compression_type::zstd;
        } else {
            return "--compression-type must be none, gzip, snappy, lz4 or zstd";
        }
    }
    std::string err;
    auto linger = a.get_int("linger-ms", err);
    auto batch = a.get_int("batch-size", err);
    auto retries = a.get_int("retries", err);
    auto inflight = a.get_int("max-in-flight", err);
    if (!err.empty()) {
        return err;
    }
    if (linger) {
        if (*linger < 0) {
            return "--linger-ms must not be negative";
        }
        cfg.linger = std::chrono::milliseconds(*linger);
    }
    if (batch) {
        if (*batch <= 0) {
            return "--batch-size must be positive";
        }
        cfg.batch_size = static_cast<size_t>(*batch);
    }
    if (retries) {
        if (*retries < 0) {
            return "--retries must not be negative";
        }
        cfg.retries = static_cast<int>(*retries);
    }
    if (inflight) {
        if (*inflight <= 0) {
            return "--max-in-flight must be positive";
        }
        cfg.max_in_flight = static_cast<int>(*inflight);
    }
    return "";
}

} // namespace brook::cli

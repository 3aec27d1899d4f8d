#include "brook/client/kafka/assignor.h"

#include "brook/client/kafka/errc.h"
#include "brook/protocol/kafka/wire.h"

#include <algorithm>

namespace brook::client::kafka {

namespace pk = protocol::kafka;

namespace {

void write_partitions(pk::writer& w, const partition_map& m) {
    w.write_int32(static_cast<int32_t>(m.size()));
    for (const auto& [topic, parts] : m) {
        w.write_string(topic, false);
        w.write_int32(static_cast<int32_t>(parts.size()));
        for (int32_t p : parts) {
            w.write_int32(p);
        }
    }
}

partition_map read_partitions(pk::reader& r) {
    partition_map out;
    const int32_t n = r.read_array_length("partitions", false, false, 6);
    for (int32_t i = 0; i < n && r.ok(); ++i) {
        auto topic = r.read_string("topic", false);
        const int32_t k = r.read_array_length("partition", false, false, 4);
        auto& v = out[topic];
        for (int32_t j = 0; j < k && r.ok(); ++j) {
            v.push_back(r.read_int32("partition"));
        }
        std::sort(v.begin(), v.end());
    }
    return out;
}

using assignment = std::map<std::string, partition_map>;

void sort_all(assignment& a) {
    for (auto& [m, pm] : a) {
        for (auto& [t, v] : pm) {
            std::sort(v.begin(), v.end());
        }
    }
}

bool subscribed(const subscription& s, const std::string& topic) {
    return std::find(s.topics.begin(), s.topics.end(), topic) != s.topics.end();
}

} // namespace

bytes encode_subscription(const subscription& s) {
    bytes out;
    pk::writer w(out);
    w.write_int16(1);
    w.write_int32(static_cast<int32_t>(s.topics.size()));
    for (const auto& t : s.topics) {
        w.write_string(t, false);
    }
    w.write_int32(-1);
    write_partitions(w, s.owned);
    return out;
}

result<subscription> decode_subscription(bytes_view data) {
    pk::reader r(data);
    subscription s;
    const int16_t version = r.read_int16("version");
    const int32_t n = r.read_array_length("topics", false, false, 2);
    for (int32_t i = 0; i < n && r.ok(); ++i) {
        s.topics.push_back(r.read_string("topic", false));
    }
    (void)r.read_nullable_bytes("user_data", true, false);
    if (version >= 1 && r.remaining() > 0) {
        s.owned = read_partitions(r);
    }
    if (!r.ok() || version < 0) {
        return make_error_code(errc::protocol_error);
    }
    return s;
}

bytes encode_assignment(const partition_map& assigned) {
    bytes out;
    pk::writer w(out);
    w.write_int16(1);
    write_partitions(w, assigned);
    w.write_int32(-1);
    return out;
}

result<partition_map> decode_assignment(bytes_view data) {
    if (data.empty()) {
        // An empty assignment (e.g. a member the leader left without partitions).
        return partition_map{};
    }
    pk::reader r(data);
    (void)r.read_int16("version");
    auto out = read_partitions(r);
    if (!r.ok()) {
        return make_error_code(errc::protocol_error);
    }
    return out;
}

assignment assign_range(const assignment_input& in) {
    assignment out;
    for (const auto& [m, s] : in.members) {
        out[m];
    }
    for (const auto& [topic, count] : in.partitions_per_topic) {
        std::vector<std::string> members;
        for (const auto& [m, s] : in.members) {
            if (subscribed(s, topic)) {
                members.push_back(m);
            }
        }
        if (members.empty()) {
            continue;
        }
        const auto n = static_cast<int32_t>(members.size());
        const int32_t per = count / n;
        const int32_t extra = count % n;
        int32_t next = 0;
        for (int32_t i = 0; i < n; ++i) {
            const int32_t take = per + (i < extra ? 1 : 0);
            for (int32_t k = 0; k < take; ++k) {
                out[members[static_cast<size_t>(i)]][topic].push_back(next++);
            }
        }
    }
    return out;
}

assignment assign_round_robin(const assignment_input& in) {
    assignment out;
    std::vector<std::string> members;
    for (const auto& [m, s] : in.members) {
        out[m];
        members.push_back(m);
    }
    if (members.empty()) {
        return out;
    }
    size_t cursor = 0;
    for (const auto& [topic, count] : in.partitions_per_topic) {
        for (int32_t p = 0; p < count; ++p) {
            for (size_t tries = 0; tries < members.size(); ++tries) {
                const auto& m = members[cursor % members.size()];
                ++cursor;
                if (subscribed(in.members.at(m), topic)) {
                    out[m][topic].push_back(p);
                    break;
                }
            }
        }
    }
    return out;
}

assignment assign_cooperative_sticky(const assignment_input& in) {
    assignment out;
    if (in.members.empty()) {
        return out;
    }
    std::map<std::string, size_t> load;
    for (const auto& [m, s] : in.members) {
        out[m];
        load[m] = 0;
    }
    size_t total = 0;
    for (const auto& [topic, count] : in.partitions_per_topic) {
        for (const auto& [m, s] : in.members) {
            if (subscribed(s, topic)) {
                total += static_cast<size_t>(count);
                break;
            }
        }
    }
    const size_t quota = (total + in.members.size() - 1) / in.members.size();
    // Owned partitions stay where they are, up to the quota, unless two members claim the same one.
    std::map<std::pair<std::string, int32_t>, std::string> owner;
    std::set<std::pair<std::string, int32_t>> contested;
    for (const auto& [m, s] : in.members) {
        for (const auto& [topic, parts] : s.owned) {
            for (int32_t p : parts) {
                auto key = std::make_pair(topic, p);
                if (owner.count(key) != 0) {
                    contested.insert(key);
                }
                owner[key] = m;
            }
        }
    }
    std::set<std::pair<std::string, int32_t>> taken;
    std::set<std::pair<std::string, int32_t>> withheld;
    for (const auto& [m, s] : in.members) {
        for (const auto& [topic, parts] : s.owned) {
            auto it = in.partitions_per_topic.find(topic);
            if (it == in.partitions_per_topic.end() || !subscribed(s, topic)) {
                continue;
            }
            for (int32_t p : parts) {
                auto key = std::make_pair(topic, p);
                if (p >= it->second || contested.count(key) != 0 || taken.count(key) != 0) {
                    continue;
                }
                if (load[m] < quota) {
                    out[m][topic].push_back(p);
                    ++load[m];
                    taken.insert(key);
                } else {
                    // Leaves this member: revoke first, reassign in the next generation.
                    withheld.insert(key);
                    taken.insert(key);
                }
            }
        }
    }
    for (const auto& [topic, count] : in.partitions_per_topic) {
        for (int32_t p = 0; p < count; ++p) {
            auto key = std::make_pair(topic, p);
            if (taken.count(key) != 0) {
                continue;
            }
            std::string best;
            for (const auto& [m, s] : in.members) {
                if (subscribed(s, topic) && (best.empty() || load[m] < load[best])) {
                    best = m;
                }
            }
            if (best.empty()) {
                continue;
            }
            out[best][topic].push_back(p);
            ++load[best];
        }
    }
    sort_all(out);
    return out;
}

assignment assign(std::string_view name, const assignment_input& in) {
    if (name == "range") {
        return assign_range(in);
    }
    if (name == "roundrobin") {
        return assign_round_robin(in);
    }
    if (name == "cooperative-sticky") {
        return assign_cooperative_sticky(in);
    }
    return {};
}

} // namespace brook::client::kafka

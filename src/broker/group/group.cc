#include "broker/group/group.h"

#include <algorithm>

namespace brook::broker::group {

std::string_view state_name(group_state s) noexcept {
    switch (s) {
    case group_state::empty:
        return "Empty";
    case group_state::preparing_rebalance:
        return "PreparingRebalance";
    case group_state::completing_rebalance:
        return "CompletingRebalance";
    case group_state::stable:
        return "Stable";
    case group_state::dead:
        return "Dead";
    }
    return "Dead";
}

const bytes* member_state::metadata_for(const std::string& protocol) const {
    for (const auto& p : protocols) {
        if (p.name == protocol) {
            return &p.metadata;
        }
    }
    return nullptr;
}

bool member_state::same_protocols(const std::vector<protocol_entry>& other) const {
    if (other.size() != protocols.size()) {
        return false;
    }
    for (size_t i = 0; i < other.size(); ++i) {
        if (other[i].name != protocols[i].name || other[i].metadata != protocols[i].metadata) {
            return false;
        }
    }
    return true;
}

int group_data::awaiting_join_count() const {
    int n = 0;
    for (const auto& [id, m] : members) {
        n += m.awaiting_join ? 1 : 0;
    }
    return n;
}

bool group_data::all_members_joined() const {
    return static_cast<size_t>(awaiting_join_count()) == members.size() && pending_members.empty();
}

int32_t group_data::max_rebalance_timeout_ms() const {
    int32_t out = 0;
    for (const auto& [id, m] : members) {
        out = std::max(out, m.rebalance_timeout_ms);
    }
    return out;
}

bool group_data::supports(const std::string& type, const std::vector<protocol_entry>& protocols) const {
    if (members.empty()) {
        return !type.empty() && !protocols.empty();
    }
    if (!protocol_type || *protocol_type != type) {
        return false;
    }
    // Some protocol offered by the joiner must be offered by every current member.
    for (const auto& p : protocols) {
        bool everyone = std::all_of(members.begin(), members.end(),
                                    [&p](const auto& kv) { return kv.second.metadata_for(p.name) != nullptr; });
        if (everyone) {
            return true;
        }
    }
    return false;
}

std::string group_data::select_protocol() const {
    if (members.empty()) {
        return {};
    }
    // Candidates: offered by every member, in the order of the first member's preference.
    std::vector<std::string> candidates;
    const auto& first = members.at(join_order.empty() ? members.begin()->first : join_order.front());
    for (const auto& p : first.protocols) {
        bool everyone = std::all_of(members.begin(), members.end(),
                                    [&p](const auto& kv) { return kv.second.metadata_for(p.name) != nullptr; });
        if (everyone) {
            candidates.push_back(p.name);
        }
    }
    if (candidates.empty()) {
        return {};
    }
    std::map<std::string, int> votes;
    for (const auto& [id, m] : members) {
        for (const auto& p : m.protocols) {
            if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
                ++votes[p.name];
                break;
            }
        }
    }
    std::string best = candidates.front();
    for (const auto& c : candidates) {
        if (votes[c] > votes[best]) {
            best = c;
        }
    }
    return best;
}

std::optional<std::string> group_data::static_member(const std::optional<std::string>& instance) const {
    if (!instance) {
        return std::nullopt;
    }
    auto it = static_members.find(*instance);
    if (it == static_members.end()) {
        return std::nullopt;
    }
    return it->second;
}

namespace {

// ConsumerProtocolSubscription (any version): version int16, topics [int32 count] of int16-length
// strings, then fields this decoder does not need.
std::optional<std::vector<std::string>> subscription_topics(const bytes& b) {
    size_t pos = 0;
    auto need = [&](size_t n) { return b.size() - pos >= n; };
    auto be = [&](size_t n) {
        uint32_t v = 0;
        for (size_t i = 0; i < n; ++i) {
            v = (v << 8) | b[pos + i];
        }
        pos += n;
        return v;
    };
    if (!need(6)) {
        return std::nullopt;
    }
    be(2);
    const auto count = static_cast<int32_t>(be(4));
    std::vector<std::string> out;
    for (int32_t i = 0; i < count; ++i) {
        if (!need(2)) {
            return std::nullopt;
        }
        const auto len = static_cast<int16_t>(be(2));
        if (len < 0 || !need(static_cast<size_t>(len))) {
            return std::nullopt;
        }
        out.emplace_back(reinterpret_cast<const char*>(b.data() + pos), static_cast<size_t>(len));
        pos += static_cast<size_t>(len);
    }
    return out;
}

} // namespace

std::optional<std::set<std::string>> group_data::subscribed_topics() const {
    if (!protocol_type || *protocol_type != "consumer" || !protocol_name) {
        return std::nullopt;
    }
    std::set<std::string> out;
    for (const auto& [id, m] : members) {
        const bytes* meta = m.metadata_for(*protocol_name);
        if (!meta) {
            continue;
        }
        auto topics = subscription_topics(*meta);
        if (!topics) {
            return std::nullopt;
        }
        out.insert(topics->begin(), topics->end());
    }
    return out;
}

} // namespace brook::broker::group

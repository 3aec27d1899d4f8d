#include "brook/client/kafka/admin.h"

#include "brook/client/kafka/errc.h"
#include "brook/protocol/kafka/api.h"
#include "group.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace brook::client::kafka {

namespace pk = protocol::kafka;

namespace {

constexpr int16_t incremental_alter_configs_key = 44;
constexpr int16_t describe_cluster_key = 60;
constexpr int32_t admin_timeout_ms = 30000;

item_result item(std::string name, int16_t code, const std::optional<std::string>& message) {
    return {std::move(name), kafka_error(code), message.value_or("")};
}

} // namespace

int32_t admin::controller() const {
    const auto m = _client.metadata();
    return m->controller_id >= 0 && m->broker(m->controller_id) != nullptr ? m->controller_id : any_node;
}

result<std::vector<item_result>> admin::create_topics(const std::vector<new_topic>& topics, bool validate_only) {
    pk::create_topics_request req;
    req.timeout_ms = admin_timeout_ms;
    req.validate_only = validate_only;
    for (const auto& t : topics) {
        pk::create_topics_request::creatable_topic ct;
        ct.name = t.name;
        ct.num_partitions = t.partitions;
        ct.replication_factor = t.replication_factor;
        for (const auto& [k, v] : t.configs) {
            ct.configs.push_back({k, v, {}});
        }
        req.topics.push_back(std::move(ct));
    }
    BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::create_topics_response>(controller(), pk::request_body{req}));
    std::vector<item_result> out;
    for (const auto& t : resp.topics) {
        out.push_back(item(t.name, t.error_code, t.error_message));
    }
    return out;
}

result<std::vector<item_result>> admin::delete_topics(const std::vector<std::string>& names) {
    pk::delete_topics_request req;
    req.timeout_ms = admin_timeout_ms;
    req.topic_names = names;
    for (const auto& n : names) {
        pk::delete_topics_request::delete_topic_state s;
        s.name = n;
        req.topics.push_back(std::move(s));
    }
    BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::delete_topics_response>(controller(), pk::request_body{req}));
    std::vector<item_result> out;
    for (const auto& t : resp.responses) {
        out.push_back(item(t.name.value_or(""), t.error_code, t.error_message));
        _client.invalidate(t.name.value_or(""));
    }
    return out;
}

result<std::vector<item_result>> admin::create_partitions(const std::map<std::string, int32_t>& totals) {
    pk::create_partitions_request req;
    req.timeout_ms = admin_timeout_ms;
    for (const auto& [name, count] : totals) {
        pk::create_partitions_request::create_partitions_topic t;
        t.name = name;
        t.count = count;
        t.assignments = std::nullopt;
        req.topics.push_back(std::move(t));
    }
    BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::create_partitions_response>(controller(), pk::request_body{req}));
    std::vector<item_result> out;
    for (const auto& t : resp.results) {
        out.push_back(item(t.name, t.error_code, t.error_message));
        _client.invalidate(t.name);
    }
    return out;
}

result<std::vector<std::string>> admin::list_topics(bool include_internal) {
    BOOST_OUTCOME_TRY(auto m, _client.refresh_metadata(std::nullopt));
    std::vector<std::string> out;
    for (const auto& [name, t] : m->topics) {
        if (include_internal || !t.internal) {
            out.push_back(name);
        }
    }
    return out;
}

result<std::vector<topic_metadata>> admin::describe_topics(const std::vector<std::string>& names) {
    std::optional<std::vector<std::string>> which;
    if (!names.empty()) {
        which = names;
    }
    BOOST_OUTCOME_TRY(auto resp, _client.refresh_metadata(which));
    std::vector<topic_metadata> out;
    if (names.empty()) {
        for (const auto& [n, t] : resp->topics) {
            out.push_back(t);
        }
        return out;
    }
    for (const auto& n : names) {
        if (const auto* t = resp->topic(n)) {
            out.push_back(*t);
        } else {
            topic_metadata missing;
            missing.name = n;
            missing.error = 3; // UNKNOWN_TOPIC_OR_PARTITION
            out.push_back(std::move(missing));
        }
    }
    return out;
}

result<std::vector<config_entry>> admin::describe_configs(resource_type type, const std::string& name) {
    pk::describe_configs_request req;
    pk::describe_configs_request::describe_configs_resource r;
    r.resource_type = static_cast<int8_t>(type);
    r.resource_name = name;
    r.configuration_keys = std::nullopt;
    req.resources.push_back(std::move(r));
    int32_t node = any_node;
    if (type == resource_type::broker) {
        int32_t id = -1;
        auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
        (void)ptr;
        if (ec == std::errc() && _client.metadata()->broker(id) != nullptr) {
            node = id;
        }
    }
    BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::describe_configs_response>(node, pk::request_body{req}));
    std::vector<config_entry> out;
    for (const auto& res : resp.results) {
        if (res.error_code != 0) {
            return kafka_error(res.error_code);
        }
        for (const auto& c : res.configs) {
            int8_t source = c.config_source;
            if (source < 0) {
                source = c.is_default ? 5 : 1;
            }
            out.push_back({c.name, c.value, c.read_only, c.is_sensitive, source});
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

result<void> admin::alter_configs(resource_type type, const std::string& name,
                                  const std::map<std::string, std::string>& set,
                                  const std::vector<std::string>& remove) {
    BOOST_OUTCOME_TRY(auto v, _client.api_version(any_node, incremental_alter_configs_key));
    if (v >= 0) {
        pk::incremental_alter_configs_request req;
        pk::incremental_alter_configs_request::alter_configs_resource r;
        r.resource_type = static_cast<int8_t>(type);
        r.resource_name = name;
        for (const auto& [k, val] : set) {
            r.configs.push_back({k, 0, val, {}});
        }
        for (const auto& k : remove) {
            r.configs.push_back({k, 1, std::nullopt, {}});
        }
        req.resources.push_back(std::move(r));
        BOOST_OUTCOME_TRY(auto resp,
                          _client.call_as<pk::incremental_alter_configs_response>(any_node, pk::request_body{req}));
        for (const auto& res : resp.responses) {
            if (res.error_code != 0) {
                return kafka_error(res.error_code);
            }
        }
        return success();
    }
    // AlterConfigs replaces the resource's whole override set: start from the current overrides.
    BOOST_OUTCOME_TRY(auto current, describe_configs(type, name));
    std::map<std::string, std::optional<std::string>> merged;
    for (const auto& c : current) {
        if (c.source == 1 || c.source == 2) {
            merged[c.name] = c.value;
        }
    }
    for (const auto& [k, val] : set) {
        merged[k] = val;
    }
    for (const auto& k : remove) {
        merged.erase(k);
    }
    pk::alter_configs_request req;
    pk::alter_configs_request::alter_configs_resource r;
    r.resource_type = static_cast<int8_t>(type);
    r.resource_name = name;
    for (const auto& [k, val] : merged) {
        r.configs.push_back({k, val, {}});
    }
    req.resources.push_back(std::move(r));
    BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::alter_configs_response>(any_node, pk::request_body{req}));
    for (const auto& res : resp.responses) {
        if (res.error_code != 0) {
            return kafka_error(res.error_code);
        }
    }
    return success();
}

result<std::vector<group_listing>> admin::list_groups() {
    std::vector<group_listing> out;
    BOOST_OUTCOME_TRY(_client.refresh_metadata(std::vector<std::string>{}));
    for (const auto& b : _client.metadata()->brokers) {
        BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::list_groups_response>(
                                         b.node_id, pk::request_body{pk::list_groups_request{}}));
        if (resp.error_code != 0) {
            return kafka_error(resp.error_code);
        }
        for (const auto& g : resp.groups) {
            out.push_back({g.group_id, g.protocol_type, g.group_state});
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
    return out;
}

result<group_description> admin::describe_group(const std::string& group) {
    BOOST_OUTCOME_TRY(auto node, find_group_coordinator(_client, group));
    pk::describe_groups_request req;
    req.groups = {group};
    BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::describe_groups_response>(node, pk::request_body{req}));
    if (resp.groups.empty()) {
        return make_error_code(errc::protocol_error);
    }
    const auto& g = resp.groups.front();
    group_description d;
    d.group_id = g.group_id;
    d.error = kafka_error(g.error_code);
    d.state = g.group_state;
    d.protocol_type = g.protocol_type;
    d.protocol = g.protocol_data;
    for (const auto& m : g.members) {
        group_member gm;
        gm.member_id = m.member_id;
        gm.client_id = m.client_id;
        gm.client_host = m.client_host;
        if (g.protocol_type == "consumer") {
            auto a = decode_assignment(m.member_assignment);
            if (a) {
                gm.assignment = std::move(a.value());
            }
        }
        d.members.push_back(std::move(gm));
    }
    return d;
}

result<std::map<topic_partition, int64_t>> admin::group_offsets(const std::string& group) {
    return fetch_offsets(_client, group, std::nullopt);
}

result<std::vector<partition_lag>> admin::group_lag(const std::string& group) {
    BOOST_OUTCOME_TRY(auto desc, describe_group(group));
    BOOST_OUTCOME_TRY(auto committed, group_offsets(group));
    std::map<topic_partition, const group_member*> owners;
    for (const auto& m : desc.members) {
        for (const auto& [t, parts] : m.assignment) {
            for (int32_t p : parts) {
                owners[{t, p}] = &m;
            }
        }
    }
    std::set<topic_partition> all;
    for (const auto& [tp, off] : committed) {
        all.insert(tp);
    }
    for (const auto& [tp, m] : owners) {
        all.insert(tp);
    }
    std::vector<topic_partition> tps(all.begin(), all.end());
    std::map<topic_partition, int64_t> ends;
    if (!tps.empty()) {
        BOOST_OUTCOME_TRY(auto e, list_offsets(tps, -1));
        ends = std::move(e);
    }
    std::vector<partition_lag> out;
    for (const auto& tp : tps) {
        partition_lag row;
        row.tp = tp;
        if (auto c = committed.find(tp); c != committed.end()) {
            row.committed = c->second;
        }
        if (auto e = ends.find(tp); e != ends.end()) {
            row.log_end = e->second;
        }
        if (row.committed >= 0 && row.log_end >= 0) {
            row.lag = std::max<int64_t>(0, row.log_end - row.committed);
        }
        if (auto o = owners.find(tp); o != owners.end()) {
            row.member_id = o->second->member_id;
            row.client_id = o->second->client_id;
            row.host = o->second->client_host;
        }
        out.push_back(std::move(row));
    }
    return out;
}

result<std::vector<item_result>> admin::delete_groups(const std::vector<std::string>& groups) {
    std::vector<item_result> out;
    for (const auto& g : groups) {
        BOOST_OUTCOME_TRY(auto node, find_group_coordinator(_client, g));
        pk::delete_groups_request req;
        req.groups_names = {g};
        BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::delete_groups_response>(node, pk::request_body{req}));
        for (const auto& r : resp.results) {
            out.push_back(item(r.group_id, r.error_code, std::nullopt));
        }
    }
    return out;
}

result<void> admin::commit_group_offsets(const std::string& group, const std::map<topic_partition, int64_t>& offsets) {
    return commit_offsets(_client, group, -1, "", offsets);
}

result<std::map<topic_partition, int64_t>> admin::list_offsets(const std::vector<topic_partition>& tps,
                                                               int64_t timestamp) {
    consumer c(_client, consumer_config{});
    return c.list_offsets(tps, timestamp);
}

result<cluster_description> admin::describe_cluster() {
    BOOST_OUTCOME_TRY(auto v, _client.api_version(any_node, describe_cluster_key));
    cluster_description out;
    if (v >= 0) {
        BOOST_OUTCOME_TRY(auto resp, _client.call_as<pk::describe_cluster_response>(
                                         any_node, pk::request_body{pk::describe_cluster_request{}}));
        if (resp.error_code != 0) {
            return kafka_error(resp.error_code);
        }
        out.cluster_id = resp.cluster_id;
        out.controller_id = resp.controller_id;
        for (const auto& b : resp.brokers) {
            out.brokers.push_back({b.broker_id, b.host, b.port, b.rack});
        }
        return out;
    }
    BOOST_OUTCOME_TRY(auto m, _client.refresh_metadata(std::vector<std::string>{}));
    out.cluster_id = m->cluster_id.value_or("");
    out.controller_id = m->controller_id;
    out.brokers = m->brokers;
    return out;
}

} // namespace brook::client::kafka

#include "broker/zk/znodes.h"

#include "brook/log/checkpoint.h"

#include <boost/json.hpp>

#include <charconv>
#include <chrono>

namespace brook::broker::zk {

namespace json = boost::json;

namespace {

std::optional<json::object> parse_object(std::string_view text) {
    std::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        return std::nullopt;
    }
    return std::move(v.as_object());
}

std::optional<int64_t> int_field(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end()) {
        return std::nullopt;
    }
    if (it->value().is_int64()) {
        return it->value().as_int64();
    }
    if (it->value().is_uint64()) {
        return static_cast<int64_t>(it->value().as_uint64());
    }
    return std::nullopt;
}

std::vector<int32_t> int_array(const json::value& v) {
    std::vector<int32_t> out;
    if (!v.is_array()) {
        return out;
    }
    for (const auto& e : v.as_array()) {
        if (e.is_int64()) {
            out.push_back(static_cast<int32_t>(e.as_int64()));
        }
    }
    return out;
}

json::array to_array(const std::vector<int32_t>& v) {
    json::array a;
    for (auto x : v) {
        a.push_back(x);
    }
    return a;
}

} // namespace

std::string now_ms_string() {
    using namespace std::chrono;
    return std::to_string(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::string cluster_id_json(const std::string& id) {
    return json::serialize(json::object{{"version", "1"}, {"id", id}});
}

std::optional<std::string> parse_cluster_id(std::string_view text) {
    auto o = parse_object(text);
    if (!o || !o->contains("id") || !o->at("id").is_string()) {
        return std::nullopt;
    }
    return std::string(o->at("id").as_string());
}

std::string broker_json(const std::vector<endpoint>& endpoints, const std::optional<std::string>& rack) {
    json::object protocols;
    json::array uris;
    for (const auto& e : endpoints) {
        protocols[e.listener] = e.listener;
        uris.push_back(json::string(e.listener + "://" + e.host + ":" + std::to_string(e.port)));
    }
    json::object o{{"listener_security_protocol_map", protocols},
                   {"endpoints", uris},
                   {"jmx_port", -1},
                   {"host", endpoints.empty() ? "" : endpoints.front().host},
                   {"timestamp", now_ms_string()},
                   {"port", endpoints.empty() ? -1 : endpoints.front().port},
                   {"version", 5}};
    if (rack) {
        o["rack"] = *rack;
    }
    return json::serialize(o);
}

std::optional<broker_endpoint> parse_broker(int32_t id, std::string_view text) {
    auto o = parse_object(text);
    if (!o) {
        return std::nullopt;
    }
    broker_endpoint b;
    b.node_id = id;
    if (auto h = o->find("host"); h != o->end() && h->value().is_string()) {
        b.host = std::string(h->value().as_string());
    }
    b.port = static_cast<int32_t>(int_field(*o, "port").value_or(-1));
    if (auto r = o->find("rack"); r != o->end() && r->value().is_string()) {
        b.rack = std::string(r->value().as_string());
    }
    return b;
}

std::string controller_json(int32_t broker_id) {
    return json::serialize(json::object{{"version", 1}, {"brokerid", broker_id}, {"timestamp", now_ms_string()}});
}

std::optional<int32_t> parse_controller(std::string_view text) {
    auto o = parse_object(text);
    if (!o) {
        return std::nullopt;
    }
    auto id = int_field(*o, "brokerid");
    if (!id) {
        return std::nullopt;
    }
    return static_cast<int32_t>(*id);
}

std::string topic_json(const topic_metadata& t) {
    json::object parts;
    for (size_t p = 0; p < t.partitions.size(); ++p) {
        parts[std::to_string(p)] = to_array(t.partitions[p].replicas);
    }
    return json::serialize(json::object{{"version", 3},
                                        {"topic_id", log::encode_topic_id(t.id)},
                                        {"partitions", parts},
                                        {"adding_replicas", json::object{}},
                                        {"removing_replicas", json::object{}}});
}

bool parse_topic(std::string_view text, topic_metadata& t) {
    auto o = parse_object(text);
    if (!o || !o->contains("partitions") || !o->at("partitions").is_object()) {
        return false;
    }
    if (auto id = o->find("topic_id"); id != o->end() && id->value().is_string()) {
        if (auto parsed = log::decode_topic_id(id->value().as_string())) {
            t.id = *parsed;
        }
    }
    t.partitions.clear();
    for (const auto& [key, replicas] : o->at("partitions").as_object()) {
        size_t p = 0;
        auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), p);
        if (ec != std::errc{} || end != key.data() + key.size() || p > 100000) {
            return false;
        }
        if (t.partitions.size() <= p) {
            t.partitions.resize(p + 1);
        }
        t.partitions[p].replicas = int_array(replicas);
        if (!t.partitions[p].replicas.empty()) {
            t.partitions[p].leader = t.partitions[p].replicas.front();
            t.partitions[p].isr = t.partitions[p].replicas;
        }
    }
    return true;
}

std::string partition_state_json(const partition_assignment& a, int32_t controller_epoch) {
    return json::serialize(json::object{{"controller_epoch", controller_epoch},
                                        {"leader", a.leader},
                                        {"version", 1},
                                        {"leader_epoch", a.leader_epoch},
                                        {"isr", to_array(a.isr)}});
}

bool parse_partition_state(std::string_view text, partition_assignment& a) {
    auto o = parse_object(text);
    if (!o) {
        return false;
    }
    a.leader = static_cast<int32_t>(int_field(*o, "leader").value_or(a.leader));
    a.leader_epoch = static_cast<int32_t>(int_field(*o, "leader_epoch").value_or(a.leader_epoch));
    if (auto isr = o->find("isr"); isr != o->end()) {
        a.isr = int_array(isr->value());
    }
    return true;
}

std::string topic_config_json(const std::map<std::string, std::string>& configs) {
    json::object c;
    for (const auto& [k, v] : configs) {
        c[k] = v;
    }
    return json::serialize(json::object{{"version", 1}, {"config", c}});
}

std::optional<std::map<std::string, std::string>> parse_topic_config(std::string_view text) {
    auto o = parse_object(text);
    if (!o || !o->contains("config") || !o->at("config").is_object()) {
        return std::nullopt;
    }
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : o->at("config").as_object()) {
        if (v.is_string()) {
            out[std::string(k)] = std::string(v.as_string());
        }
    }
    return out;
}

std::string config_change_json(const std::string& entity_path) {
    return json::serialize(json::object{{"version", 2}, {"entity_path", entity_path}});
}

std::optional<std::string> parse_config_change(std::string_view text) {
    auto o = parse_object(text);
    if (!o || !o->contains("entity_path") || !o->at("entity_path").is_string()) {
        return std::nullopt;
    }
    return std::string(o->at("entity_path").as_string());
}

} // namespace brook::broker::zk

#pragma once
// Kafka's ZooKeeper layout for cluster metadata, as JSON payloads (what Kafka 3.x writes in
// ZooKeeper mode, so that tools reading those znodes understand ours):
//
//   /cluster/id                     {"version":"1","id":"<cluster id>"}
//   /brokers/ids/<id>   (ephemeral) {"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},
//                                    "endpoints":["PLAINTEXT://host:port"],"jmx_port":-1,
//                                    "host":"host","timestamp":"<ms>","port":9092,"version":5}
//   /controller         (ephemeral) {"version":1,"brokerid":N,"timestamp":"<ms>"}
//   /controller_epoch               "<epoch>" (a bare integer)
//   /brokers/topics/<t>             {"version":3,"topic_id":"<base64url uuid, no padding>",
//                                    "partitions":{"0":[0]},"adding_replicas":{},"removing_replicas":{}}
//   /brokers/topics/<t>/partitions/<p>/state
//                                   {"controller_epoch":E,"leader":0,"version":1,"leader_epoch":0,"isr":[0]}
//   /config/topics/<t>              {"version":1,"config":{"k":"v"}}
//   /config/brokers/<id>, /config/brokers/<default>
//                                   {"version":1,"config":{"k":"v"}} (dynamic broker configs)
//   /config/changes/config_change_<10-digit seq>
//                                   {"version":2,"entity_path":"topics/<t>"} (or "brokers/<id>")
//   /admin/delete_topics/<t>        (empty) a deletion request for the controller
#include "broker/metadata_store.h"
#include "brook/common/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace brook::broker::zk {

/// One advertised endpoint: listener name (also its security protocol here), host, port.
struct endpoint {
    std::string listener;
    std::string host;
    int32_t port = 0;
};

std::string now_ms_string();

std::string cluster_id_json(const std::string& id);
std::optional<std::string> parse_cluster_id(std::string_view json);

std::string broker_json(const std::vector<endpoint>& endpoints, const std::optional<std::string>& rack);
/// Parses host and port of a /brokers/ids/<id> payload (first endpoint).
std::optional<broker_endpoint> parse_broker(int32_t id, std::string_view json);

std::string controller_json(int32_t broker_id);
/// The brokerid of a /controller payload.
std::optional<int32_t> parse_controller(std::string_view json);

// Topic ids are printed as Kafka does (URL-safe base64, 22 characters) by log::encode_topic_id.

std::string topic_json(const topic_metadata& t);
/// Fills id and partitions (replicas) of `t` from a /brokers/topics/<t> payload.
bool parse_topic(std::string_view json, topic_metadata& t);

std::string partition_state_json(const partition_assignment& a, int32_t controller_epoch);
/// Reads leader, leader_epoch and isr into `a`.
bool parse_partition_state(std::string_view json, partition_assignment& a);

std::string topic_config_json(const std::map<std::string, std::string>& configs);
std::optional<std::map<std::string, std::string>> parse_topic_config(std::string_view json);

/// A config change notification for `entity_path` ("topics/<t>", "brokers/<id>").
std::string config_change_json(const std::string& entity_path);
/// The entity_path of a config change notification (version 2).
std::optional<std::string> parse_config_change(std::string_view json);

} // namespace brook::broker::zk

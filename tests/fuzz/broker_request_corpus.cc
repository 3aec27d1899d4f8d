// Writes the seed corpus of fuzz_broker_request (tests/fuzz/corpus/broker_request/): one file per
// scenario, each a stream of size-prefixed request frames encoded with the protocol module, the
// way a client writes them on one connection. Topics "a" (1 partition) and "b" (3) exist in the
// fuzzed broker. Run by hand after a protocol change: broker_request_corpus <dir>.
#include "brook/protocol/kafka/record_batch_builder.h"
#include "brook/protocol/kafka/request.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace kafka = brook::protocol::kafka;
using brook::bytes;

class stream {
public:
    template<class Request>
    stream& add(const Request& body, int16_t version) {
        kafka::request_header h{Request::api_key, version, _next_id++, std::string("fuzz-seed"), {}};
        const bytes f = kafka::encode_request(h, body);
        const auto n = static_cast<uint32_t>(f.size());
        _out.insert(_out.end(), {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                                 static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
        _out.insert(_out.end(), f.begin(), f.end());
        return *this;
    }
    void write(const std::filesystem::path& file) const {
        std::ofstream(file, std::ios::binary)
            .write(reinterpret_cast<const char*>(_out.data()), static_cast<std::streamsize>(_out.size()));
    }

private:
    bytes _out;
    int32_t _next_id = 1;
};

bytes batch(int n) {
    kafka::record_batch_builder b;
    for (int i = 0; i < n; ++i) {
        const std::string value = "value-" + std::to_string(i);
        b.append(1700000000000 + i, std::string_view("key"), std::string_view(value));
    }
    return b.build().value();
}

kafka::produce_request produce(const std::string& topic, int32_t partition, int16_t acks) {
    kafka::produce_request req;
    req.acks = acks;
    req.timeout_ms = 1000;
    kafka::produce_request::topic_produce_data t;
    t.name = topic;
    t.partition_data.push_back({partition, batch(3), {}});
    req.topic_data.push_back(std::move(t));
    return req;
}

kafka::fetch_request fetch(const std::string& topic, int32_t partition, int32_t max_wait, int32_t min_bytes) {
    kafka::fetch_request req;
    req.max_wait_ms = max_wait;
    req.min_bytes = min_bytes;
    kafka::fetch_request::fetch_topic t;
    t.topic = topic;
    kafka::fetch_request::fetch_partition p;
    p.partition = partition;
    p.partition_max_bytes = 1 << 20;
    t.partitions.push_back(p);
    req.topics.push_back(std::move(t));
    return req;
}

kafka::join_group_request join(const std::string& member) {
    kafka::join_group_request req;
    req.group_id = "g";
    req.session_timeout_ms = 10000;
    req.rebalance_timeout_ms = 10000;
    req.member_id = member;
    req.protocol_type = "consumer";
    req.protocols.push_back({"range", bytes{0, 1, 0, 0, 0, 1, 0, 1, 'a', 0, 0, 0, 0}, {}});
    return req;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);

    kafka::api_versions_request versions;
    versions.client_software_name = "fuzz";
    versions.client_software_version = "1.0";
    stream().add(versions, 3).add(versions, 0).write(dir / "api_versions");

    kafka::metadata_request all;
    all.topics.reset();
    kafka::metadata_request some;
    some.topics->push_back({{}, std::string("a"), {}});
    some.topics->push_back({{}, std::string("new-topic"), {}});
    stream().add(all, 12).add(some, 4).add(some, 1).write(dir / "metadata");

    stream()
        .add(produce("a", 0, 1), 9)
        .add(produce("b", 2, -1), 3)
        .add(fetch("a", 0, 0, 1), 12)
        .write(dir / "produce_fetch");
    stream().add(produce("a", 0, 0), 7).add(produce("b", 1, 1), 0).write(dir / "produce_acks0_v0");
    stream().add(fetch("b", 1, 500, 1000), 4).add(produce("b", 1, 1), 8).write(dir / "fetch_waiting");

    kafka::list_offsets_request offsets;
    offsets.topics.push_back({"a", {{0, -1, -1, 1, {}}, {0, -1, -2, 1, {}}}, {}});
    stream().add(produce("a", 0, 1), 9).add(offsets, 7).add(offsets, 0).write(dir / "list_offsets");

    kafka::create_topics_request create;
    kafka::create_topics_request::creatable_topic t;
    t.name = "c";
    t.num_partitions = 2;
    t.replication_factor = 1;
    t.configs.push_back({"cleanup.policy", std::string("compact"), {}});
    create.topics.push_back(t);
    kafka::create_partitions_request grow;
    grow.topics.push_back({"c", 4, std::nullopt, {}});
    kafka::delete_topics_request drop;
    drop.topic_names.push_back("c");
    stream().add(create, 7).add(grow, 3).add(drop, 5).add(create, 2).write(dir / "topics_admin");

    kafka::find_coordinator_request find;
    find.key = "g";
    kafka::sync_group_request sync;
    sync.group_id = "g";
    sync.generation_id = 1;
    sync.member_id = "m";
    sync.protocol_type = "consumer";
    sync.protocol_name = "range";
    kafka::heartbeat_request beat;
    beat.group_id = "g";
    beat.generation_id = 1;
    beat.member_id = "m";
    kafka::offset_commit_request commit;
    commit.group_id = "g";
    commit.topics.push_back({"a", {{0, 2, -1, -1, std::string(""), {}}}, {}});
    kafka::offset_fetch_request fetched;
    fetched.group_id = "g";
    fetched.topics->push_back({"a", {0}, {}});
    kafka::leave_group_request leave;
    leave.group_id = "g";
    leave.member_id = "m";
    stream()
        .add(find, 3)
        .add(join(""), 3)
        .add(sync, 3)
        .add(beat, 3)
        .add(commit, 7)
        .add(fetched, 7)
        .add(leave, 2)
        .write(dir / "group_lifecycle");
    stream().add(find, 0).add(join(""), 7).add(join(""), 9).add(commit, 2).write(dir / "join_group");

    kafka::describe_groups_request describe;
    describe.groups.push_back("g");
    kafka::list_groups_request list;
    kafka::delete_groups_request del;
    del.groups_names.push_back("g");
    stream().add(find, 1).add(commit, 8).add(describe, 5).add(list, 4).add(del, 2).write(dir / "groups_admin");

    kafka::describe_configs_request configs;
    configs.resources.push_back({2, "a", std::nullopt, {}});
    configs.resources.push_back({4, "1", std::nullopt, {}});
    kafka::incremental_alter_configs_request alter;
    alter.resources.push_back({2, "a", {{"retention.ms", 0, std::string("1000"), {}}}, {}});
    alter.resources.push_back({4, "", {{"log.cleaner.threads", 0, std::string("2"), {}}}, {}});
    stream().add(configs, 4).add(alter, 1).add(configs, 1).write(dir / "configs");

    kafka::delete_records_request records;
    records.topics.push_back({"a", {{0, 1, {}}}, {}});
    kafka::offset_for_leader_epoch_request epochs;
    epochs.topics.push_back({"a", {{0, -1, 0, {}}}, {}});
    kafka::describe_log_dirs_request dirs;
    kafka::describe_cluster_request cluster;
    stream()
        .add(produce("a", 0, 1), 9)
        .add(records, 2)
        .add(epochs, 4)
        .add(dirs, 4)
        .add(cluster, 1)
        .write(dir / "partition_admin");
    return 0;
}

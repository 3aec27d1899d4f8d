// Request frames captured from librdkafka 2.0.2, kafka-python 2.0.2 and kafkajs 2.2.4 (see
// tests/protocol/golden/README.md): each decodes to the values the client was asked to send, and
// encoding the decoded value reproduces the captured bytes exactly.
#include "brook/protocol/kafka/request.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <type_traits>
#include <vector>

namespace brook::protocol::kafka {
namespace {

namespace fs = std::filesystem;

fs::path golden_dir() {
    return fs::path(BROOK_GOLDEN_DIR) / "requests";
}

struct golden_file {
    std::string client; // librdkafka, kafka_python, kafkajs
    std::string api;    // snake_case API name
    int16_t version;
    fs::path path;
};

std::vector<golden_file> golden_files() {
    std::vector<golden_file> out;
    const std::regex name_re("(librdkafka|kafka_python|kafkajs)_([a-z_]+)_v([0-9]+)\\.bin");
    for (const auto& entry : fs::directory_iterator(golden_dir())) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (std::regex_match(name, m, name_re)) {
            out.push_back({m[1], m[2], static_cast<int16_t>(std::stoi(m[3])), entry.path()});
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const api_info* api_by_name(const std::string& name) {
    for (const auto& api : api_table()) {
        if (api.name == name) {
            return &api;
        }
    }
    return nullptr;
}

// What each client was asked to send (capture_requests.py).
constexpr const char* topic = "golden";
constexpr const char* group = "golden-group";

void check_values(const request_body& body) {
    std::visit(
        [](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, produce_request>) {
                ASSERT_EQ(m.topic_data.size(), 1u);
                EXPECT_EQ(m.topic_data[0].name, topic);
                ASSERT_EQ(m.topic_data[0].partition_data.size(), 1u);
                EXPECT_EQ(m.topic_data[0].partition_data[0].index, 0);
                ASSERT_TRUE(m.topic_data[0].partition_data[0].records.has_value());
                EXPECT_GT(m.topic_data[0].partition_data[0].records->size(), 61u); // a RecordBatch v2
                EXPECT_TRUE(m.acks == 1 || m.acks == -1);
            } else if constexpr (std::is_same_v<T, metadata_request>) {
                if (m.topics && !m.topics->empty()) {
                    EXPECT_EQ(m.topics->front().name, topic);
                }
            } else if constexpr (std::is_same_v<T, create_topics_request>) {
                ASSERT_EQ(m.topics.size(), 1u);
                EXPECT_EQ(m.topics[0].name, "golden-new");
                EXPECT_EQ(m.topics[0].num_partitions, 3);
                EXPECT_EQ(m.topics[0].replication_factor, 1);
            } else if constexpr (std::is_same_v<T, delete_topics_request>) {
                ASSERT_EQ(m.topic_names.size(), 1u);
                EXPECT_EQ(m.topic_names[0], "golden-old");
            } else if constexpr (std::is_same_v<T, describe_configs_request>) {
                ASSERT_EQ(m.resources.size(), 1u);
                EXPECT_EQ(m.resources[0].resource_type, 2); // topic
                EXPECT_EQ(m.resources[0].resource_name, topic);
            } else if constexpr (std::is_same_v<T, find_coordinator_request>) {
                EXPECT_EQ(m.key, group);
                EXPECT_EQ(m.key_type, 0);
            } else if constexpr (std::is_same_v<T, join_group_request>) {
                EXPECT_EQ(m.group_id, group);
                EXPECT_EQ(m.protocol_type, "consumer");
                EXPECT_FALSE(m.protocols.empty());
            } else if constexpr (std::is_same_v<T, init_producer_id_request>) {
                EXPECT_FALSE(m.transactional_id.has_value());
                EXPECT_EQ(m.producer_id, -1);
            }
        },
        body);
}

TEST(GoldenRequests, CapturedFramesDecodeAndReencodeExactly) {
    const auto files = golden_files();
    ASSERT_GE(files.size(), 25u) << "golden frames missing in " << golden_dir();
    std::map<std::string, int> per_client;
    for (const auto& f : files) {
        SCOPED_TRACE(f.path.filename().string());
        const api_info* api = api_by_name(f.api);
        ASSERT_NE(api, nullptr);
        const bytes frame = read_file(f.path);
        auto decoded = decode_request(frame);
        ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
        const auto& req = decoded.value();
        EXPECT_EQ(req.header.api_key, api->key);
        EXPECT_EQ(req.header.api_version, f.version);
        std::string expected_client_id = "golden-" + f.client;
        std::replace(expected_client_id.begin(), expected_client_id.end(), '_', '-');
        EXPECT_EQ(req.header.client_id, expected_client_id);
        check_values(req.body);
        EXPECT_EQ(encode_request(req.header, req.body), frame);
        ++per_client[f.client];
    }
    EXPECT_GE(per_client["librdkafka"], 8);
    EXPECT_GE(per_client["kafka_python"], 8);
    EXPECT_GE(per_client["kafkajs"], 8);
}

TEST(GoldenRequests, LibrdkafkaApiVersionsV3IsFlexibleWithSoftwareName) {
    auto decoded = decode_request(read_file(golden_dir() / "librdkafka_api_versions_v3.bin"));
    ASSERT_TRUE(decoded.has_value());
    const auto& body = std::get<api_versions_request>(decoded.value().body);
    EXPECT_EQ(body.client_software_name, "confluent-kafka-python"); // set by the Python binding
    EXPECT_FALSE(body.client_software_version.empty());
}

TEST(GoldenRequests, KafkaPythonProbesWithApiVersionsV0AndMetadataV0) {
    auto probe = decode_request(read_file(golden_dir() / "kafka_python_api_versions_v0.bin"));
    ASSERT_TRUE(probe.has_value());
    auto metadata = decode_request(read_file(golden_dir() / "kafka_python_metadata_v0.bin"));
    ASSERT_TRUE(metadata.has_value());
    // Metadata v0: an empty topic list means all topics.
    const auto& body = std::get<metadata_request>(metadata.value().body);
    ASSERT_TRUE(body.topics.has_value());
}

} // namespace
} // namespace brook::protocol::kafka

// The client library against a real brook-broker: connection and negotiation, producer,
// consumer, admin. Group tests run when the broker announces the group APIs.
#include "broker_fixture.h"
#include "brook/client/kafka/admin.h"
#include "brook/client/kafka/consumer.h"
#include "brook/client/kafka/errc.h"
#include "brook/client/kafka/partitioner.h"
#include "brook/client/kafka/producer.h"
#include "brook/protocol/kafka/api.h"

#include <atomic>
#include <chrono>

namespace brook::client::kafka::test {
namespace {

using namespace std::chrono_literals;
namespace pk = protocol::kafka;

TEST(KafkaClientUnreachable, ConnectFailsFastWithUnreachable) {
    client_config cfg;
    cfg.bootstrap_servers = {{"127.0.0.1", brook::test::free_port()}};
    cfg.connect_timeout = 2s;
    client c(cfg);
    const auto start = std::chrono::steady_clock::now();
    auto r = c.connect();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::unreachable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(KafkaClientUnreachable, BootstrapListParsing) {
    auto ok = parse_bootstrap_servers("a:1, b ,[::1]:9093");
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok.value().size(), 3U);
    EXPECT_EQ(ok.value()[0], (broker_address{"a", 1}));
    EXPECT_EQ(ok.value()[1], (broker_address{"b", 9092}));
    EXPECT_EQ(ok.value()[2], (broker_address{"::1", 9093}));
    EXPECT_FALSE(parse_bootstrap_servers(""));
    EXPECT_FALSE(parse_bootstrap_servers("host:notaport"));
    EXPECT_FALSE(parse_bootstrap_servers("host:70000"));
}

class KafkaClient : public broker_suite {
protected:
    void create(const std::string& topic, int32_t partitions) {
        admin adm(*_client);
        auto r = adm.create_topics({{topic, partitions, 1, {}}});
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_EQ(r.value().size(), 1U);
        ASSERT_FALSE(r.value()[0].error) << r.value()[0].error.message();
    }

    std::vector<consumer_record> read_all(const std::string& topic, size_t expected, int32_t partitions) {
        consumer c(*_client, {});
        std::vector<topic_partition> tps;
        for (int32_t p = 0; p < partitions; ++p) {
            tps.push_back({topic, p});
        }
        EXPECT_TRUE(c.assign(tps, offsets::beginning));
        std::vector<consumer_record> out;
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (out.size() < expected && std::chrono::steady_clock::now() < deadline) {
            auto r = c.poll(500ms);
            EXPECT_TRUE(r) << r.error().message();
            if (!r) {
                break;
            }
            out.insert(out.end(), r.value().begin(), r.value().end());
        }
        return out;
    }
};

TEST_F(KafkaClient, NegotiatesTheHighestCommonVersions) {
    auto v = _client->negotiated_versions(any_node);
    ASSERT_TRUE(v);
    std::map<int16_t, int16_t> m(v.value().begin(), v.value().end());
    ASSERT_TRUE(m.count(pk::api_keys::produce));
    EXPECT_GE(m[pk::api_keys::produce], 3);
    EXPECT_LE(m[pk::api_keys::produce], pk::produce_request::max_version);
    EXPECT_GE(m[pk::api_keys::metadata], 1);
    EXPECT_FALSE(_client->metadata()->brokers.empty());
}

TEST_F(KafkaClient, KeyedRecordsLandOnTheMurmur2PartitionAndReadBack) {
    const auto topic = topic_name();
    create(topic, 4);
    producer_config pc;
    pc.linger = 2ms;
    {
        producer p(*_client, pc);
        std::vector<std::future<result<record_metadata>>> futures;
        for (int i = 0; i < 40; ++i) {
            const std::string key = "key-" + std::to_string(i);
            const std::string value = "value-" + std::to_string(i);
            record_ref rec;
            rec.key = as_bytes(key);
            rec.value = as_bytes(value);
            futures.push_back(p.send(topic, rec));
        }
        for (int i = 0; i < 40; ++i) {
            auto r = futures[static_cast<size_t>(i)].get();
            ASSERT_TRUE(r) << r.error().message();
            const std::string key = "key-" + std::to_string(i);
            EXPECT_EQ(r.value().partition, partition_for_key(as_bytes(key), 4)) << key;
            EXPECT_GE(r.value().offset, 0);
        }
    }
    auto recs = read_all(topic, 40, 4);
    ASSERT_EQ(recs.size(), 40U);
    for (const auto& r : recs) {
        ASSERT_TRUE(r.key && r.value);
        EXPECT_EQ(r.partition, partition_for_key(*r.key, 4));
        EXPECT_EQ("value-" + std::string(as_string_view(*r.key)).substr(4), std::string(as_string_view(*r.value)));
    }
}

TEST_F(KafkaClient, LingerBatchesManyRecordsIntoFewRequests) {
    const auto topic = topic_name();
    create(topic, 1);
    producer_config pc;
    pc.linger = 100ms;
    pc.acks = 1;
    producer p(*_client, pc);
    std::atomic<int> ok{0};
    for (int i = 0; i < 2000; ++i) {
        record_ref rec;
        rec.value = as_bytes("small");
        ASSERT_TRUE(p.produce(topic, rec, [&](std::error_code ec, const delivery_report&) {
            if (!ec) {
                ok.fetch_add(1);
            }
        }));
    }
    ASSERT_TRUE(p.flush(20s));
    EXPECT_EQ(ok.load(), 2000);
    EXPECT_LT(p.stats().requests_sent, 20U);
}

TEST_F(KafkaClient, BatchSizeClosesFullBatches) {
    const auto topic = topic_name();
    create(topic, 1);
    producer_config pc;
    pc.linger = 10s;
    pc.batch_size = 4096;
    producer p(*_client, pc);
    const std::string value(1000, 'x');
    std::vector<std::future<result<record_metadata>>> futures;
    for (int i = 0; i < 20; ++i) {
        record_ref rec;
        rec.value = as_bytes(value);
        futures.push_back(p.send(topic, rec));
    }
    // Full batches go out without waiting for the 10 s linger.
    auto first = futures.front().wait_for(5s);
    EXPECT_EQ(first, std::future_status::ready);
    ASSERT_TRUE(p.flush(20s));
    EXPECT_GE(p.stats().batches_sent, 5U);
}

TEST_F(KafkaClient, AcksZeroDeliversWithoutOffsets) {
    const auto topic = topic_name();
    create(topic, 1);
    producer_config pc;
    pc.acks = 0;
    {
        producer p(*_client, pc);
        record_ref rec;
        rec.value = as_bytes("fire-and-forget");
        auto f = p.send(topic, rec);
        auto r = f.get();
        ASSERT_TRUE(r);
        EXPECT_EQ(r.value().offset, -1);
    }
    auto recs = read_all(topic, 1, 1);
    ASSERT_EQ(recs.size(), 1U);
    EXPECT_EQ(as_string_view(*recs[0].value), "fire-and-forget");
}

class KafkaClientCodec : public KafkaClient, public ::testing::WithParamInterface<pk::compression_type> {};

TEST_P(KafkaClientCodec, CompressedBatchesRoundTrip) {
    const auto topic = topic_name();
    create(topic, 1);
    producer_config pc;
    pc.compression = GetParam();
    {
        producer p(*_client, pc);
        for (int i = 0; i < 300; ++i) {
            const std::string v = "compressible-" + std::to_string(i % 10) + std::string(100, 'z');
            record_ref rec;
            rec.value = as_bytes(v);
            ASSERT_TRUE(p.produce(topic, rec));
        }
        ASSERT_TRUE(p.flush(20s));
    }
    auto recs = read_all(topic, 300, 1);
    ASSERT_EQ(recs.size(), 300U);
    for (size_t i = 0; i < recs.size(); ++i) {
        EXPECT_EQ(recs[i].offset, static_cast<int64_t>(i));
    }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, KafkaClientCodec,
                         ::testing::Values(pk::compression_type::gzip, pk::compression_type::snappy,
                                           pk::compression_type::lz4, pk::compression_type::zstd));

TEST_F(KafkaClient, SeekAndPauseResume) {
    const auto topic = topic_name();
    create(topic, 2);
    const int64_t t0 = 1700000000000;
    {
        producer p(*_client, {});
        for (int i = 0; i < 10; ++i) {
            record_ref rec;
            const std::string v = std::to_string(i);
            rec.value = as_bytes(v);
            rec.partition = 0;
            rec.timestamp = t0 + i * 1000;
            ASSERT_TRUE(p.produce(topic, rec));
            // One batch per record: the lookup by time then does not depend on whether the
            // broker resolves it to a batch or to a record inside one.
            ASSERT_TRUE(p.flush(20s));
        }
    }
    consumer c(*_client, {});
    const topic_partition tp0{topic, 0};
    ASSERT_TRUE(c.assign({tp0, {topic, 1}}, offsets::end));
    EXPECT_EQ(c.position(tp0).value(), 10);
    ASSERT_TRUE(c.seek(tp0, offsets::beginning));
    EXPECT_EQ(c.position(tp0).value(), 0);
    ASSERT_TRUE(c.seek(tp0, 7));
    auto r = c.poll(5s);
    ASSERT_TRUE(r);
    ASSERT_FALSE(r.value().empty());
    EXPECT_EQ(r.value().front().offset, 7);
    ASSERT_TRUE(c.seek_to_timestamp({tp0}, t0 + 4500));
    EXPECT_EQ(c.position(tp0).value(), 5);
    c.pause({tp0});
    auto paused = c.poll(300ms);
    ASSERT_TRUE(paused);
    EXPECT_TRUE(paused.value().empty());
    c.resume({tp0});
    auto resumed = c.poll(5s);
    ASSERT_TRUE(resumed);
    ASSERT_FALSE(resumed.value().empty());
    EXPECT_EQ(resumed.value().front().offset, 5);
    EXPECT_EQ(resumed.value().front().timestamp, t0 + 5000);
}

TEST_F(KafkaClient, AdminTopicLifecycle) {
    const auto topic = topic_name();
    admin adm(*_client);
    auto created = adm.create_topics({{topic, 2, 1, {{"retention.ms", "3600000"}}}});
    ASSERT_TRUE(created);
    ASSERT_FALSE(created.value()[0].error) << created.value()[0].error.message();
    auto again = adm.create_topics({{topic, 2, 1, {}}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value()[0].error, kafka_error(36)); // TOPIC_ALREADY_EXISTS
    auto names = adm.list_topics();
    ASSERT_TRUE(names);
    EXPECT_NE(std::find(names.value().begin(), names.value().end(), topic), names.value().end());
    auto desc = adm.describe_topics({topic});
    ASSERT_TRUE(desc);
    ASSERT_EQ(desc.value().size(), 1U);
    EXPECT_EQ(desc.value()[0].partitions.size(), 2U);
    auto cfgs = adm.describe_configs(resource_type::topic, topic);
    ASSERT_TRUE(cfgs) << cfgs.error().message();
    bool found = false;
    for (const auto& c : cfgs.value()) {
        found = found || (c.name == "retention.ms" && c.value == "3600000");
    }
    EXPECT_TRUE(found);
    auto deleted = adm.delete_topics({topic});
    ASSERT_TRUE(deleted);
    EXPECT_FALSE(deleted.value()[0].error);
    auto gone = adm.describe_topics({topic});
    ASSERT_TRUE(gone);
    EXPECT_NE(gone.value()[0].error, 0);
}

TEST_F(KafkaClient, UnknownTopicWithoutAutoCreateFails) {
    auto r = _client->topic(topic_name(), false);
    ASSERT_FALSE(r);
}

TEST_F(KafkaClient, GroupSubscribeCommitAndLag) {
    auto join = _client->api_version(any_node, pk::api_keys::join_group);
    ASSERT_TRUE(join);
    if (join.value() < 0) {
        GTEST_SKIP() << "the broker does not announce JoinGroup in ApiVersions";
    }
    const auto topic = topic_name();
    create(topic, 3);
    {
        producer p(*_client, {});
        for (int i = 0; i < 30; ++i) {
            const std::string k = std::to_string(i);
            record_ref rec;
            rec.key = as_bytes(k);
            rec.value = as_bytes(k);
            ASSERT_TRUE(p.produce(topic, rec));
        }
        ASSERT_TRUE(p.flush(20s));
    }
    consumer_config cc;
    cc.group_id = topic + "-group";
    cc.auto_offset_reset = "earliest";
    consumer c(*_client, cc);
    auto sub = c.subscribe({topic});
    ASSERT_TRUE(sub) << sub.error().message();
    EXPECT_EQ(c.assignment().size(), 3U);
    size_t got = 0;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (got < 30 && std::chrono::steady_clock::now() < deadline) {
        auto r = c.poll(500ms);
        ASSERT_TRUE(r) << r.error().message();
        got += r.value().size();
    }
    ASSERT_EQ(got, 30U);
    ASSERT_TRUE(c.commit_sync());
    auto committed = c.committed(c.assignment());
    ASSERT_TRUE(committed);
    int64_t total = 0;
    for (const auto& [tp, off] : committed.value()) {
        total += off;
    }
    EXPECT_EQ(total, 30);
    admin adm(*_client);
    auto lag = adm.group_lag(cc.group_id);
    ASSERT_TRUE(lag) << lag.error().message();
    for (const auto& row : lag.value()) {
        EXPECT_EQ(row.lag, 0);
    }
    ASSERT_TRUE(c.close());
}

} // namespace
} // namespace brook::client::kafka::test

// Consumer offset commits and static membership against a real brook-broker: asynchronous
// commits (completion, order, a rebalance overtaking one), auto-commit by interval, on close
// and before a rebalance revokes partitions, and group.instance.id (restart without a
// rebalance, fencing of a duplicate).
#include "broker_fixture.h"
#include "brook/client/kafka/admin.h"
#include "brook/client/kafka/consumer.h"
#include "brook/client/kafka/errc.h"
#include "brook/client/kafka/producer.h"
#include "brook/protocol/kafka/api.h"

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

namespace brook::client::kafka::test {
namespace {

using namespace std::chrono_literals;
namespace pk = protocol::kafka;
using clock_type = std::chrono::steady_clock;

constexpr int16_t illegal_generation = 22;
constexpr int16_t unknown_member_id = 25;
constexpr int16_t rebalance_in_progress = 27;
constexpr int16_t fenced_instance_id = 82;

class KafkaConsumerCommit : public broker_suite {
protected:
    void SetUp() override {
        broker_suite::SetUp();
        auto join = _client->api_version(any_node, pk::api_keys::join_group);
        ASSERT_TRUE(join);
        if (join.value() < 5) {
            GTEST_SKIP() << "the broker does not announce JoinGroup v5+";
        }
    }

    void create(const std::string& topic, int32_t partitions) {
        admin adm(*_client);
        auto r = adm.create_topics({{topic, partitions, 1, {}}});
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_EQ(r.value().size(), 1U);
        ASSERT_FALSE(r.value()[0].error) << r.value()[0].error.message();
    }

    /// `n` records spread over `partitions` partitions round-robin, numbered from `first`.
    void produce(const std::string& topic, int n, int32_t partitions, int first = 0) {
        producer p(*_client, {});
        for (int i = first; i < first + n; ++i) {
            const std::string v = std::to_string(i);
            record_ref rec;
            rec.partition = i % partitions;
            rec.value = as_bytes(v);
            ASSERT_TRUE(p.produce(topic, rec));
        }
        ASSERT_TRUE(p.flush(20s));
    }

    /// A client of its own for a second member: JoinGroup waits on the broker for the other
    /// members, and a connection answers in order, so members must not share one.
    std::unique_ptr<client> other_client() {
        client_config cfg;
        cfg.bootstrap_servers = {{"127.0.0.1", port()}};
        cfg.request_timeout = 15s;
        auto c = std::make_unique<client>(cfg);
        EXPECT_TRUE(c->connect());
        return c;
    }

    consumer_config group_config(const std::string& group) {
        consumer_config cc;
        cc.group_id = group;
        cc.auto_offset_reset = "earliest";
        cc.heartbeat_interval = 200ms;
        cc.session_timeout = 10s;
        cc.fetch_max_wait = 100ms;
        return cc;
    }

    /// Polls until `n` records arrived (or 20 s passed).
    static std::vector<consumer_record> consume(consumer& c, size_t n) {
        std::vector<consumer_record> out;
        const auto deadline = clock_type::now() + 20s;
        while (out.size() < n && clock_type::now() < deadline) {
            auto r = c.poll(200ms);
            EXPECT_TRUE(r) << r.error().message();
            if (!r) {
                break;
            }
            out.insert(out.end(), r.value().begin(), r.value().end());
        }
        return out;
    }

    /// Polls (for callbacks) until `pred` holds or 10 s passed.
    template<class Pred>
    static bool poll_until(consumer& c, Pred pred) {
        const auto deadline = clock_type::now() + 10s;
        while (!pred() && clock_type::now() < deadline) {
            auto r = c.poll(50ms);
            EXPECT_TRUE(r) << r.error().message();
            if (!r) {
                return false;
            }
        }
        return pred();
    }

    /// OffsetFetch through a separate admin client view of the group.
    int64_t committed_offset(const std::string& group, const topic_partition& tp) {
        admin adm(*_client);
        auto r = adm.group_offsets(group);
        EXPECT_TRUE(r) << r.error().message();
        if (!r) {
            return -2;
        }
        auto it = r.value().find(tp);
        return it == r.value().end() ? -1 : it->second;
    }

    /// Subscribes `b` on a thread that keeps polling it, while `a` polls on this one, until
    /// `done(number of partitions b owns)` holds (or 30 s passed). Consumers are single-threaded
    /// but independent, so both can make progress through rebalances that need both.
    template<class Done>
    static void run_both(consumer& a, consumer& b, const std::string& topic, Done done) {
        std::atomic<bool> stop{false};
        std::atomic<size_t> b_parts{0};
        auto other = std::async(std::launch::async, [&]() -> result<void> {
            BOOST_OUTCOME_TRY(b.subscribe({topic}));
            b_parts = b.assignment().size();
            while (!stop) {
                BOOST_OUTCOME_TRY(b.poll(20ms));
                b_parts = b.assignment().size();
            }
            return success();
        });
        const auto deadline = clock_type::now() + 30s;
        bool ok = false;
        while (!ok && clock_type::now() < deadline && other.wait_for(0ms) != std::future_status::ready) {
            auto r = a.poll(20ms);
            ASSERT_TRUE(r) << r.error().message();
            ok = done(b_parts.load());
        }
        stop = true;
        auto r = other.get();
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_TRUE(ok);
    }
};

TEST_F(KafkaConsumerCommit, AsyncCommitCompletesFromPollAndOffsetFetchSeesIt) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 1);
    produce(topic, 10, 1);
    auto cc = group_config(group);
    cc.enable_auto_commit = false;
    consumer c(*_client, cc);
    ASSERT_TRUE(c.subscribe({topic}));
    ASSERT_EQ(consume(c, 10).size(), 10U);

    std::optional<std::error_code> outcome;
    c.commit_async([&](std::error_code ec) { outcome = ec; });
    // The callback belongs to the consumer's thread: nothing runs it before the next poll.
    EXPECT_FALSE(outcome.has_value());
    EXPECT_EQ(c.pending_commits(), 1U);
    ASSERT_TRUE(poll_until(c, [&] { return outcome.has_value(); }));
    EXPECT_FALSE(*outcome) << outcome->message();
    EXPECT_EQ(c.pending_commits(), 0U);
    EXPECT_EQ(committed_offset(group, {topic, 0}), 10);
    auto own = c.committed({{topic, 0}});
    ASSERT_TRUE(own);
    EXPECT_EQ((own.value()[topic_partition{topic, 0}]), 10);
    ASSERT_TRUE(c.close());
}

TEST_F(KafkaConsumerCommit, SeveralAsyncCommitsInFlightCompleteInOrder) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 2);
    produce(topic, 40, 2);
    auto cc = group_config(group);
    cc.enable_auto_commit = false;
    consumer c(*_client, cc);
    ASSERT_TRUE(c.subscribe({topic}));
    std::vector<int> order;
    std::vector<std::error_code> errors;
    constexpr int commits = 20;
    for (int i = 1; i <= commits; ++i) {
        c.commit_async({{{topic, 0}, i}, {{topic, 1}, i}}, [&order, &errors, i](std::error_code ec) {
            order.push_back(i);
            if (ec) {
                errors.push_back(ec);
            }
        });
    }
    EXPECT_TRUE(order.empty());
    EXPECT_EQ(c.pending_commits(), static_cast<size_t>(commits));
    ASSERT_TRUE(poll_until(c, [&] { return order.size() == commits; }));
    for (int i = 0; i < commits; ++i) {
        EXPECT_EQ(order[static_cast<size_t>(i)], i + 1);
    }
    EXPECT_TRUE(errors.empty()) << errors.front().message();
    EXPECT_EQ(committed_offset(group, {topic, 0}), commits);
    EXPECT_EQ(committed_offset(group, {topic, 1}), commits);
    ASSERT_TRUE(c.close());
}

TEST_F(KafkaConsumerCommit, CloseWaitsForTheCommitsInFlight) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 1);
    auto cc = group_config(group);
    cc.enable_auto_commit = false;
    consumer c(*_client, cc);
    ASSERT_TRUE(c.subscribe({topic}));
    std::vector<std::error_code> outcomes;
    for (int i = 1; i <= 3; ++i) {
        c.commit_async({{{topic, 0}, i}}, [&](std::error_code ec) { outcomes.push_back(ec); });
    }
    EXPECT_TRUE(outcomes.empty());
    ASSERT_TRUE(c.close(10s));
    ASSERT_EQ(outcomes.size(), 3U);
    for (const auto& ec : outcomes) {
        EXPECT_FALSE(ec) << ec.message();
    }
    EXPECT_EQ(committed_offset(group, {topic, 0}), 3);
    // After close, a commit fails at once instead of waiting for a poll that never comes.
    std::optional<std::error_code> late;
    c.commit_async([&](std::error_code ec) { late = ec; });
    ASSERT_TRUE(late.has_value());
    EXPECT_EQ(*late, errc::closed);
}

TEST_F(KafkaConsumerCommit, AsyncCommitOvertakenByARebalanceReportsTheError) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 2);
    produce(topic, 10, 2);
    auto ca = group_config(group);
    ca.enable_auto_commit = false;
    ca.session_timeout = 1s;
    consumer a(*_client, ca);
    ASSERT_TRUE(a.subscribe({topic}));
    ASSERT_EQ(consume(a, 10).size(), 10U);
    // b joins while a stays silent: the rebalance completes once a's session expired, so a's
    // generation is stale when it commits.
    auto bc = other_client();
    consumer b(*bc, group_config(group));
    ASSERT_TRUE(b.subscribe({topic}));
    EXPECT_EQ(b.assignment().size(), 2U);
    ASSERT_TRUE(b.close());

    std::optional<std::error_code> outcome;
    a.commit_async([&](std::error_code ec) { outcome = ec; });
    ASSERT_TRUE(poll_until(a, [&] { return outcome.has_value(); }));
    ASSERT_TRUE(*outcome);
    EXPECT_TRUE(*outcome == kafka_error(unknown_member_id) || *outcome == kafka_error(illegal_generation) ||
                *outcome == kafka_error(rebalance_in_progress))
        << outcome->message();
    // The consumer recovers: it rejoins and owns the partitions again.
    ASSERT_TRUE(poll_until(a, [&] { return a.assignment().size() == 2; }));
    ASSERT_TRUE(a.close());
}

TEST_F(KafkaConsumerCommit, AutoCommitByInterval) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 1);
    produce(topic, 10, 1);
    auto cc = group_config(group);
    cc.auto_commit_interval = 200ms;
    consumer c(*_client, cc);
    ASSERT_TRUE(c.subscribe({topic}));
    ASSERT_EQ(consume(c, 10).size(), 10U);
    // No commit call: only the interval commits.
    const auto deadline = clock_type::now() + 10s;
    while (committed_offset(group, {topic, 0}) != 10 && clock_type::now() < deadline) {
        ASSERT_TRUE(c.poll(100ms));
    }
    EXPECT_EQ(committed_offset(group, {topic, 0}), 10);
    ASSERT_TRUE(c.close());
}

TEST_F(KafkaConsumerCommit, DisabledAutoCommitCommitsNothing) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 1);
    produce(topic, 5, 1);
    auto cc = group_config(group);
    cc.enable_auto_commit = false;
    cc.auto_commit_interval = 10ms;
    {
        consumer c(*_client, cc);
        ASSERT_TRUE(c.subscribe({topic}));
        ASSERT_EQ(consume(c, 5).size(), 5U);
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(c.poll(50ms));
        }
        ASSERT_TRUE(c.close());
    }
    EXPECT_EQ(committed_offset(group, {topic, 0}), -1);
}

TEST_F(KafkaConsumerCommit, AutoCommitOnCloseAndTheNextMemberResumesAfterTheLastRecord) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 1);
    produce(topic, 10, 1);
    auto cc = group_config(group);
    cc.auto_commit_interval = std::chrono::hours(1);
    {
        consumer a(*_client, cc);
        ASSERT_TRUE(a.subscribe({topic}));
        ASSERT_EQ(consume(a, 10).size(), 10U);
        EXPECT_EQ(committed_offset(group, {topic, 0}), -1);
        ASSERT_TRUE(a.close());
        EXPECT_EQ(committed_offset(group, {topic, 0}), 10);
    }
    produce(topic, 5, 1, 10);
    consumer b(*_client, cc);
    ASSERT_TRUE(b.subscribe({topic}));
    auto recs = consume(b, 5);
    ASSERT_EQ(recs.size(), 5U);
    EXPECT_EQ(recs.front().offset, 10);
    EXPECT_EQ(std::string(as_string_view(*recs.front().value)), "10");
    ASSERT_TRUE(b.close());
}

class KafkaConsumerRevokeCommit : public KafkaConsumerCommit, public ::testing::WithParamInterface<const char*> {};

TEST_P(KafkaConsumerRevokeCommit, RebalanceCommitsBeforeRevoking) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 2);
    produce(topic, 20, 2);
    auto cc = group_config(group);
    cc.assignors = {GetParam()};
    cc.auto_commit_interval = std::chrono::hours(1);
    consumer a(*_client, cc);
    ASSERT_TRUE(a.subscribe({topic}));
    ASSERT_EQ(consume(a, 20).size(), 20U);
    auto bc = other_client();
    consumer b(*bc, cc);
    // (The cooperative protocol needs a second rebalance to hand the revoked partition over.)
    run_both(a, b, topic, [&](size_t b_parts) { return b_parts == 1 && a.assignment().size() == 1; });
    ASSERT_EQ(b.assignment().size(), 1U);
    const auto moved = b.assignment().front();
    // Nothing was committed by a call or the interval: the rebalance committed a's positions.
    EXPECT_EQ(committed_offset(group, moved), 10);
    produce(topic, 2, 2, 20);
    auto recs = consume(b, 1);
    ASSERT_FALSE(recs.empty());
    EXPECT_EQ(recs.front().offset, 10);
}

INSTANTIATE_TEST_SUITE_P(Assignors, KafkaConsumerRevokeCommit, ::testing::Values("range", "cooperative-sticky"));

TEST_F(KafkaConsumerCommit, StaticMemberRestartKeepsItsPartitionsWithoutARebalance) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 2);
    auto ca = group_config(group);
    ca.group_instance_id = "static-a";
    auto cb = group_config(group);
    cb.group_instance_id = "static-b";
    auto bclient = other_client();
    consumer b(*bclient, cb);
    ASSERT_TRUE(b.subscribe({topic}));
    std::vector<topic_partition> a_parts;
    {
        consumer a(*_client, ca);
        run_both(b, a, topic, [&](size_t a_count) { return a_count == 1 && b.assignment().size() == 1; });
        a_parts = a.assignment();
        ASSERT_EQ(a_parts.size(), 1U);
        EXPECT_EQ(a.group_info().generation, b.group_info().generation);
        ASSERT_TRUE(a.close());
    }
    const auto generation = b.group_info().generation;
    const auto b_parts = b.assignment();
    // The restarted member comes back within the session timeout with the same instance id.
    consumer a2(*_client, ca);
    ASSERT_TRUE(a2.subscribe({topic}));
    EXPECT_EQ(a2.assignment(), a_parts);
    EXPECT_EQ(a2.group_info().generation, generation);
    // b keeps heartbeating through it and sees no rebalance.
    const auto until = clock_type::now() + 1500ms;
    while (clock_type::now() < until) {
        ASSERT_TRUE(b.poll(100ms));
        ASSERT_TRUE(a2.poll(10ms));
    }
    EXPECT_EQ(b.group_info().generation, generation);
    EXPECT_EQ(b.assignment(), b_parts);
    ASSERT_TRUE(a2.close());
    ASSERT_TRUE(b.close());
}

TEST_F(KafkaConsumerCommit, DuplicateInstanceIdIsFenced) {
    const auto topic = topic_name();
    const auto group = topic + "-g";
    create(topic, 1);
    produce(topic, 3, 1);
    auto cc = group_config(group);
    cc.group_instance_id = "twin";
    cc.enable_auto_commit = false;
    consumer first(*_client, cc);
    ASSERT_TRUE(first.subscribe({topic}));
    auto sc = other_client();
    consumer second(*sc, cc);
    ASSERT_TRUE(second.subscribe({topic}));
    EXPECT_EQ(second.assignment().size(), 1U);
    std::error_code fatal;
    const auto deadline = clock_type::now() + 10s;
    while (!fatal && clock_type::now() < deadline) {
        auto r = first.poll(50ms);
        if (!r) {
            fatal = r.error();
        }
    }
    EXPECT_EQ(fatal, kafka_error(fenced_instance_id)) << fatal.message();
    // Fatal: it stays so, commits report it, and the consumer does not rejoin.
    auto again = first.poll(10ms);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), kafka_error(fenced_instance_id));
    auto sync = first.commit_sync({{{topic, 0}, 1}});
    ASSERT_FALSE(sync);
    EXPECT_EQ(sync.error(), kafka_error(fenced_instance_id));
    auto closed = first.close();
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error(), kafka_error(fenced_instance_id));
    // The newer member is unaffected.
    EXPECT_EQ(consume(second, 3).size(), 3U);
    ASSERT_TRUE(second.close());
}

} // namespace
} // namespace brook::client::kafka::test

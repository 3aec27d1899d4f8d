"""Committed offsets and group metadata live in __consumer_offsets: they survive a clean stop and
a kill -9 of brook-broker, commit metadata strings are kept, and a consumer restarting in its
group resumes after the last commit."""
import pytest

from brook_harness import Broker, Workspace, wait_until

confluent_kafka = pytest.importorskip("confluent_kafka")
kafka = pytest.importorskip("kafka")
from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402
from kafka import KafkaConsumer  # noqa: E402
from kafka.structs import OffsetAndMetadata  # noqa: E402
from kafka.structs import TopicPartition as KTP  # noqa: E402


def produce(broker, topic, values, partitions):
    p = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 5})
    for i, v in enumerate(values):
        p.produce(topic, value=v.encode(), partition=i % partitions)
    assert p.flush(30) == 0


def consume_group(broker, topic, group, expected, timeout=60):
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group, "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "session.timeout.ms": 6000})
    c.subscribe([topic])
    got = []
    try:
        wait_until(lambda: _poll_into(c, got) >= expected, timeout, f"{expected} messages in {group}")
        # Nothing more arrives: the group resumed after its commits.
        extra = c.poll(1.0)
        assert extra is None or extra.error(), f"unexpected message {extra.value()}"
    finally:
        c.close()
    return got


def _poll_into(c, got):
    m = c.poll(0.2)
    if m is not None and not m.error():
        c.commit(message=m, asynchronous=False)
        got.append(m.value().decode())
    return len(got)


@pytest.mark.parametrize("how", ["clean", "kill9"])
def test_offsets_survive_broker_restart(how):
    with Workspace("brook-groups-dur") as ws:
        b = Broker(ws, overrides={"offsets.topic.num.partitions": "7"}).start()
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        admin.create_topics([NewTopic("dur", 3, 1)])["dur"].result(30)
        first = [f"a{i}" for i in range(30)]
        produce(b, "dur", first, 3)
        assert sorted(consume_group(b, "dur", "g-dur", 30)) == sorted(first)

        # kafka-python commits with a metadata string (manual assignment, generation -1).
        kc = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id="g-meta", enable_auto_commit=False)
        kc.commit({KTP("dur", 0): OffsetAndMetadata(7, "checkpoint-7"), KTP("dur", 2): OffsetAndMetadata(3, "")})
        kc.close()

        if how == "clean":
            assert b.stop() == 0, b.log()
        else:
            b.kill9()
        b.start()

        check = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "g-dur"})
        committed = check.committed([TopicPartition("dur", p) for p in range(3)], timeout=20)
        assert [tp.offset for tp in committed] == [10, 10, 10]
        check.close()

        kc = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id="g-meta", enable_auto_commit=False)
        fetched = kc._coordinator.fetch_committed_offsets([KTP("dur", 0), KTP("dur", 1), KTP("dur", 2)])
        kc.close()
        assert fetched[KTP("dur", 0)].offset == 7 and fetched[KTP("dur", 0)].metadata == "checkpoint-7"
        assert fetched[KTP("dur", 2)].offset == 3
        assert KTP("dur", 1) not in fetched or fetched[KTP("dur", 1)].offset == -1

        # A consumer restarting in the group resumes after the last commit.
        second = [f"b{i}" for i in range(6)]
        produce(b, "dur", second, 3)
        assert sorted(consume_group(b, "dur", "g-dur", 6)) == sorted(second)
        assert b.stop() == 0, b.log()

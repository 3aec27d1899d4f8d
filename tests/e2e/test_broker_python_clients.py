"""brook-broker with python3-confluent-kafka (librdkafka) and python3-kafka (kafka-python 2.0.2):
admin create/delete, produce and consume with every codec, headers, timestamps, null keys/values,
message.max.bytes at the edge. Counts and payloads are checked."""
import pytest

from brook_harness import Broker, Workspace
from e2e_clients import confluent_consume

confluent_kafka = pytest.importorskip("confluent_kafka")
from confluent_kafka import KafkaError, Producer  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

MAX_MESSAGE = 100_000


@pytest.fixture(scope="module")
def broker():
    with Workspace("brook-pyclients") as ws:
        b = Broker(ws, overrides={"message.max.bytes": str(MAX_MESSAGE)}).start()
        yield b
        assert b.stop() == 0, b.log()


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_confluent_produce_consume_with_codec(broker, codec):
    topic = f"confluent-{codec}"
    p = Producer({"bootstrap.servers": broker.bootstrap, "compression.type": codec, "linger.ms": 5})
    errors = []
    for i in range(2000):
        p.produce(topic, key=f"k{i}".encode(), value=f"value-{i}".encode() * 3,
                  on_delivery=lambda err, msg: err and errors.append(err))
    assert p.flush(30) == 0
    assert not errors
    got = confluent_consume(broker.bootstrap, topic, 2000)
    assert [m.value() for m in got] == [f"value-{i}".encode() * 3 for i in range(2000)]
    assert [m.offset() for m in got] == list(range(2000))


def test_confluent_headers_timestamps_and_nulls(broker):
    topic = "confluent-shapes"
    p = Producer({"bootstrap.servers": broker.bootstrap})
    p.produce(topic, key=None, value=b"no-key", headers=[("h1", b"v1"), ("h2", None)], timestamp=1600000000123)
    p.produce(topic, key=b"no-value", value=None)
    p.produce(topic, key=None, value=None)
    assert p.flush(30) == 0
    got = confluent_consume(broker.bootstrap, topic, 3)
    assert len(got) == 3
    assert got[0].key() is None and got[0].value() == b"no-key"
    assert got[0].headers() == [("h1", b"v1"), ("h2", None)]
    assert got[0].timestamp()[1] == 1600000000123
    assert got[1].key() == b"no-value" and got[1].value() is None
    assert got[2].key() is None and got[2].value() is None


def test_message_max_bytes_edge(broker):
    topic = "confluent-edge"
    results = []
    p = Producer({"bootstrap.servers": broker.bootstrap, "message.max.bytes": 10_000_000,
                  "compression.type": "none", "linger.ms": 0})
    # A batch holds ~70 bytes of framing beyond the value; stay clearly under and go clearly over.
    p.produce(topic, value=b"u" * (MAX_MESSAGE - 200), on_delivery=lambda e, m: results.append(e))
    p.flush(30)
    p.produce(topic, value=b"o" * (MAX_MESSAGE + 10), on_delivery=lambda e, m: results.append(e))
    p.flush(30)
    assert results[0] is None
    assert results[1] is not None and results[1].code() == KafkaError.MSG_SIZE_TOO_LARGE
    got = confluent_consume(broker.bootstrap, topic, 1)
    assert len(got) == 1 and len(got[0].value()) == MAX_MESSAGE - 200


def test_confluent_admin_create_and_delete(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    futures = admin.create_topics([NewTopic("admin-made", num_partitions=4, replication_factor=1)])
    futures["admin-made"].result(30)
    md = admin.list_topics(timeout=30)
    assert len(md.topics["admin-made"].partitions) == 4
    dup = admin.create_topics([NewTopic("admin-made", num_partitions=1, replication_factor=1)])
    with pytest.raises(Exception) as e:
        dup["admin-made"].result(30)
    assert "TOPIC_ALREADY_EXISTS" in str(e.value) or "already exists" in str(e.value)
    from confluent_kafka.admin import ConfigResource
    described = admin.describe_configs([ConfigResource("topic", "admin-made")])
    configs = list(described.values())[0].result(30)
    assert configs["max.message.bytes"].value == str(MAX_MESSAGE)
    assert configs["cleanup.policy"].value == "delete"
    assert int(configs["retention.ms"].value) == 7 * 24 * 3600 * 1000
    admin.delete_topics(["admin-made"])["admin-made"].result(30)
    md = admin.list_topics(timeout=30)
    assert "admin-made" not in md.topics


@pytest.mark.parametrize("codec", [None, "gzip", "snappy", "lz4", "zstd"])
def test_kafka_python_produce_consume_with_codec(broker, codec):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition as KTP
    topic = f"kafka-python-{codec}"
    p = KafkaProducer(bootstrap_servers=broker.bootstrap, compression_type=codec, linger_ms=5)
    futures = [p.send(topic, key=f"k{i}".encode(), value=f"v{i}".encode()) for i in range(500)]
    p.flush(30)
    offsets = sorted(f.get(30).offset for f in futures)
    assert offsets == list(range(500))
    p.close()
    c = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=None, enable_auto_commit=False,
                      auto_offset_reset="earliest", consumer_timeout_ms=5000)
    c.assign([KTP(topic, 0)])
    c.seek_to_beginning()
    values = [m.value for m in c]
    c.close()
    assert values == [f"v{i}".encode() for i in range(500)]

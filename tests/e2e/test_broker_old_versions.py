"""brook-broker with clients speaking pre-0.11 protocol versions (message sets of magic 0 and 1):
kafka-python forced to api_version (0, 9) / (0, 10, 1) and librdkafka (confluent-kafka) with
api.version.request=false and broker.version.fallback 0.9.0 / 0.10.0. Also the broker-side
recompression of topics with compression.type set to a codec, checked in the segment files."""
import glob
import os
import struct

import pytest

from brook_harness import Broker, Workspace
from e2e_clients import confluent_consume

confluent_kafka = pytest.importorskip("confluent_kafka")
from confluent_kafka import Producer  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

N = 300


@pytest.fixture(scope="module")
def broker():
    with Workspace("brook-oldversions") as ws:
        b = Broker(ws).start()
        yield b
        assert b.stop() == 0, b.log()


@pytest.mark.parametrize("api_version", [(0, 9), (0, 10, 1)])
@pytest.mark.parametrize("codec", [None, "gzip", "snappy"])
def test_kafka_python_old_api_versions(broker, api_version, codec):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition as KTP
    topic = "kp-old-%s-%s" % ("-".join(map(str, api_version)), codec)
    p = KafkaProducer(bootstrap_servers=broker.bootstrap, api_version=api_version, compression_type=codec,
                      linger_ms=5)
    futures = [p.send(topic, key=f"k{i}".encode(), value=f"v{i}".encode()) for i in range(N)]
    p.flush(30)
    assert sorted(f.get(30).offset for f in futures) == list(range(N))
    p.close()
    c = KafkaConsumer(bootstrap_servers=broker.bootstrap, api_version=api_version, group_id=None,
                      enable_auto_commit=False, auto_offset_reset="earliest", consumer_timeout_ms=5000)
    c.assign([KTP(topic, 0)])
    c.seek_to_beginning()
    got = list(c)
    end = c.end_offsets([KTP(topic, 0)]) if api_version >= (0, 10, 1) else None
    c.close()
    assert [m.value for m in got] == [f"v{i}".encode() for i in range(N)]
    assert [m.key for m in got] == [f"k{i}".encode() for i in range(N)]
    assert [m.offset for m in got] == list(range(N))
    if end is not None:
        assert list(end.values()) == [N]


@pytest.mark.parametrize("fallback", ["0.9.0", "0.10.0"])
@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4"])
def test_librdkafka_without_api_versions(broker, fallback, codec):
    topic = f"rdk-old-{fallback}-{codec}"
    old = {"api.version.request": False, "broker.version.fallback": fallback}
    p = Producer(dict(old, **{"bootstrap.servers": broker.bootstrap, "compression.type": codec, "linger.ms": 5}))
    errors = []
    for i in range(N):
        p.produce(topic, key=f"k{i}".encode(), value=f"value-{i}".encode(),
                  on_delivery=lambda err, msg: err and errors.append(err))
    assert p.flush(30) == 0
    assert not errors
    got = confluent_consume(broker.bootstrap, topic, N, extra=old)
    assert [m.value() for m in got] == [f"value-{i}".encode() for i in range(N)]
    assert [m.offset() for m in got] == list(range(N))
    if fallback == "0.10.0":
        assert all(m.timestamp()[1] > 0 for m in got)


def stored_codecs(broker, topic):
    """Codec bits of every batch in the topic's partition 0 segment files."""
    codecs = []
    for path in sorted(glob.glob(os.path.join(broker.log_dir, f"{topic}-0", "*.log"))):
        data = open(path, "rb").read()
        pos = 0
        while pos + 61 <= len(data):
            (length,) = struct.unpack_from(">i", data, pos + 8)
            if length <= 0:
                break
            (attributes,) = struct.unpack_from(">h", data, pos + 21)
            codecs.append(attributes & 7)
            pos += 12 + length
    return codecs


@pytest.mark.parametrize("topic_codec,producer_codec,stored", [
    ("zstd", "none", 4), ("gzip", "lz4", 1), ("uncompressed", "snappy", 0), ("producer", "lz4", 3)])
def test_topic_compression_type_recompresses(broker, topic_codec, producer_codec, stored):
    topic = f"recompress-{topic_codec}-{producer_codec}"
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={"compression.type": topic_codec})])[topic].result(30)
    p = Producer({"bootstrap.servers": broker.bootstrap, "compression.type": producer_codec, "linger.ms": 5})
    for i in range(N):
        p.produce(topic, value=f"payload-{i}".encode() * 4)
    assert p.flush(30) == 0
    got = confluent_consume(broker.bootstrap, topic, N)
    assert [m.value() for m in got] == [f"payload-{i}".encode() * 4 for i in range(N)]
    codecs = stored_codecs(broker, topic)
    assert codecs and set(codecs) == {stored}

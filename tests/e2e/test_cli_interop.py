"""The brook client library against librdkafka (confluent-kafka, kcat): murmur2 partitioning both
ways and compressed batches in both directions."""

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from brook_harness import Broker, Workspace, run_client
from e2e_clients import brook_cli, cli_stdout

KEYS = [f"user-{i}" for i in range(200)] + ["", "a", "ab", "abc", "héllo", "\x00\x01"]


@pytest.fixture(scope="module")
def broker():
    with Workspace("brook-cli-interop") as ws:
        b = Broker(ws, overrides={"num.partitions": "1"}).start()
        yield b
        assert b.stop() == 0, b.log()


def brook(broker, *args, input=None):
    return cli_stdout(brook_cli(broker, *args, input=input))


def brook_partitions(broker, topic, count):
    out = brook(broker, "consume", "--topic", topic, "--from-beginning", "--max-messages", str(count),
                "--format", "%p\t%k\n")
    return {k: int(p) for p, k in (line.split("\t", 1) for line in out.decode().splitlines())}


def test_keyed_records_land_where_librdkafka_murmur2_puts_them(broker):
    brook(broker, "topics", "--create", "--topic", "by-brook", "--partitions", "7")
    brook(broker, "topics", "--create", "--topic", "by-rdkafka", "--partitions", "7")
    keys = [k for k in KEYS if "\t" not in k and "\n" not in k and k != ""]
    brook(broker, "produce", "--topic", "by-brook", "--property", "parse.key=true",
          input="".join(f"{k}\tv\n" for k in keys).encode())
    rdkafka = {}
    p = Producer({"bootstrap.servers": broker.bootstrap, "partitioner": "murmur2_random", "linger.ms": 5})

    def report(err, msg):
        assert err is None, err
        rdkafka[msg.key().decode()] = msg.partition()

    for k in keys:
        p.produce("by-rdkafka", key=k.encode(), value=b"v", on_delivery=report)
    assert p.flush(30) == 0
    mine = brook_partitions(broker, "by-brook", len(keys))
    assert mine == rdkafka
    # And the other way: brook reads librdkafka's records from the partitions its own partitioner picks.
    assert brook_partitions(broker, "by-rdkafka", len(keys)) == mine
    assert len(set(mine.values())) == 7


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compressed_batches_from_kcat_are_read_by_brook(broker, codec):
    topic = f"kcat-{codec}"
    lines = [f"{codec}-record-{i}-" + "z" * 200 for i in range(500)]
    run_client(["kcat", "-b", broker.bootstrap, "-P", "-t", topic, "-z", codec, "-X", "linger.ms=50"],
               input="".join(l + "\n" for l in lines).encode())
    out = brook(broker, "consume", "--topic", topic, "--from-beginning", "--max-messages", str(len(lines)))
    assert out.decode().splitlines() == lines


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compressed_batches_from_brook_are_read_by_librdkafka(broker, codec):
    topic = f"brook-{codec}"
    lines = [f"{codec}-value-{i}-" + "y" * 200 for i in range(500)]
    brook(broker, "produce", "--topic", topic, "--compression-type", codec, "--linger-ms", "50",
          input="".join(l + "\n" for l in lines).encode())
    out = run_client(["kcat", "-b", broker.bootstrap, "-C", "-t", topic, "-o", "beginning", "-e"]).stdout
    assert out.decode().splitlines() == lines
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": f"g-{codec}", "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, 0)])
    got = []
    while len(got) < len(lines):
        msgs = c.consume(500, timeout=10)
        assert msgs, "confluent-kafka read nothing"
        for m in msgs:
            assert m.error() is None, m.error()
            got.append(m.value().decode())
    c.close()
    assert got == lines

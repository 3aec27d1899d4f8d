"""brook-broker with kcat (librdkafka 2.0.2): metadata, produce, consume; bad input on the wire."""
import json
import socket
import struct

import pytest

from brook_harness import Broker, Workspace, run_client, wait_until


@pytest.fixture
def broker():
    with Workspace("brook-kcat") as ws:
        b = Broker(ws, overrides={"num.partitions": "3"}).start()
        yield b
        assert b.stop() == 0, b.log()


def kcat(broker, *args, input=None, timeout=60):
    return run_client(["kcat", "-b", broker.bootstrap, *args], input=input, timeout=timeout)


def produce(broker, topic, lines, *extra):
    kcat(broker, "-P", "-t", topic, "-K", ":", *extra, input="".join(l + "\n" for l in lines).encode())


def consume(broker, topic, *extra):
    r = kcat(broker, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%p|%o|%k|%s\n", *extra)
    return [line.split("|", 3) for line in r.stdout.decode().splitlines()]


def test_metadata_lists_the_broker_and_creates_topics_on_demand(broker):
    meta = json.loads(kcat(broker, "-L", "-J", "-t", "auto-created").stdout)
    assert [b["name"] for b in meta["brokers"]] == [f"127.0.0.1:{broker.port}"]
    # As Kafka: the request that creates the topic answers LEADER_NOT_AVAILABLE for it; the topic
    # is described once the coordinator holds it.
    topics = {t["topic"]: t for t in meta["topics"]}
    assert "Leader not available" in topics["auto-created"].get("error", "")

    def described():
        nonlocal topics
        meta = json.loads(kcat(broker, "-L", "-J", "-t", "auto-created").stdout)
        topics = {t["topic"]: t for t in meta["topics"]}
        return not topics["auto-created"].get("error")
    wait_until(described, 15, "auto-created topic described")
    assert len(topics["auto-created"]["partitions"]) == 3
    for p in topics["auto-created"]["partitions"]:
        assert p["leader"] == 0
        assert "error" not in p or not p["error"]


def test_produced_messages_are_consumed_back_in_order(broker):
    lines = [f"key{i % 7}:value-{i}" for i in range(1000)]
    produce(broker, "orders", lines)
    got = consume(broker, "orders")
    assert len(got) == 1000
    assert sorted(v for _, _, _, v in got) == sorted(l.split(":", 1)[1] for l in lines)
    # Per partition, offsets are dense from 0 and values keep production order.
    by_partition = {}
    for p, o, k, v in got:
        by_partition.setdefault(p, []).append((int(o), int(v.split("-")[1])))
    for records in by_partition.values():
        assert [o for o, _ in records] == list(range(len(records)))
        assert [n for _, n in records] == sorted(n for _, n in records)


@pytest.mark.parametrize("acks", ["0", "1", "all"])
def test_every_acks_setting_stores_everything(broker, acks):
    topic = f"acks-{acks}"
    produce(broker, topic, [f"k:{i}" for i in range(300)], "-X", f"acks={acks}")
    assert len(consume(broker, topic)) == 300


def test_large_values_round_trip(broker):
    big = "x" * 200_000
    produce(broker, "big", [f"k:{big}{i}" for i in range(5)])
    got = consume(broker, "big")
    assert sorted(v for _, _, _, v in got) == sorted(f"{big}{i}" for i in range(5))


def test_garbage_and_a_2gb_length_prefix_leave_the_broker_serving(broker):
    for payload in (b"\x7f\xff\xff\xff" + b"\0" * 8, b"GET / HTTP/1.1\r\n\r\n", struct.pack(">iHHi", 8, 999, 0, 1),
                    bytes(range(256)) * 8):
        with socket.create_connection(("127.0.0.1", broker.port), timeout=5) as s:
            s.sendall(payload)
            s.settimeout(5)
            try:
                while s.recv(4096):
                    pass
            except (ConnectionResetError, socket.timeout):
                pass
    produce(broker, "after-garbage", ["a:1", "b:2"])
    assert len(consume(broker, "after-garbage")) == 2

"""brook-broker keeps its metadata in the coordinator in Kafka's ZooKeeper layout, the same way
with the embedded coordinator, a standalone brook-coordinator and a real Apache ZooKeeper 3.8:
kazoo sees /cluster/id, /brokers/ids/<id> (gone after the broker stops), /controller and the topic
znodes; produce/consume works; topic configs given at creation survive a restart."""
import json

import pytest

from brook_harness import Broker, Coordinator, Process, Workspace, ZooKeeper, free_port, wait_until

confluent_kafka = pytest.importorskip("confluent_kafka")
kazoo_client = pytest.importorskip("kazoo.client")
from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic  # noqa: E402


def start_setup(ws, kind):
    """Starts the broker (and its coordinator); returns (broker, connect string for kazoo)."""
    if kind == "embedded":
        port = free_port()
        broker = Broker(ws, broker_id=3, overrides={"coordinator.embedded.port": str(port)}).start()
        return broker, f"127.0.0.1:{port}"
    server = (Coordinator(ws) if kind == "standalone" else ZooKeeper(ws)).start()
    broker = Broker(ws, broker_id=3, zookeeper=server.connect_string).start()
    return broker, server.connect_string


def read_json(zk, path):
    data, _ = zk.get(path)
    return json.loads(data.decode())


def produce_consume(broker, topic, n):
    p = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
    for i in range(n):
        p.produce(topic, value=f"v{i}".encode(), partition=i % 2)
    assert p.flush(30) == 0
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "unused", "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, 0), TopicPartition(topic, 1, 0)])
    got = []
    try:
        wait_until(lambda: got.extend(m.value() for m in c.consume(100, 0.5) if not m.error()) or len(got) >= n,
                   timeout=30, what="messages")
    finally:
        c.close()
    assert sorted(got) == sorted(f"v{i}".encode() for i in range(n))


@pytest.mark.parametrize("kind", ["embedded", "standalone", "zookeeper"])
def test_metadata_in_coordinator(kind):
    with Workspace("brook-broker-coord") as ws:
        broker, connect = start_setup(ws, kind)
        zk = kazoo_client.KazooClient(hosts=connect, timeout=15)
        zk.start(timeout=30)
        try:
            reg = read_json(zk, "/brokers/ids/3")
            assert reg["port"] == broker.port and reg["version"] == 5
            assert reg["endpoints"] == [f"PLAINTEXT://127.0.0.1:{broker.port}"]
            assert zk.get("/brokers/ids/3")[1].ephemeralOwner != 0
            assert read_json(zk, "/controller")["brokerid"] == 3
            assert int(zk.get("/controller_epoch")[0]) >= 1
            cluster_id = read_json(zk, "/cluster/id")["id"]
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            md = admin.list_topics(timeout=10)
            assert md.cluster_id == cluster_id and md.controller_id == 3

            futures = admin.create_topics([NewTopic("kept", num_partitions=2, replication_factor=1,
                                                    config={"retention.ms": "123456", "cleanup.policy": "delete"})])
            futures["kept"].result(30)
            wait_until(lambda: zk.exists("/config/topics/kept") is not None, 10, "topic znodes")
            assignment = read_json(zk, "/brokers/topics/kept")
            assert assignment["partitions"] == {"0": [3], "1": [3]}
            assert len(assignment["topic_id"]) == 22
            state = read_json(zk, "/brokers/topics/kept/partitions/1/state")
            assert state["leader"] == 3 and state["isr"] == [3] and state["controller_epoch"] >= 1
            assert read_json(zk, "/config/topics/kept")["config"]["retention.ms"] == "123456"
            produce_consume(broker, "kept", 50)

            # Deletion goes through /admin/delete_topics; the controller removes the znodes.
            admin.create_topics([NewTopic("gone", num_partitions=1, replication_factor=1)])["gone"].result(30)
            wait_until(lambda: zk.exists("/brokers/topics/gone") is not None, 10, "gone created")
            admin.delete_topics(["gone"])["gone"].result(30)
            wait_until(lambda: zk.exists("/brokers/topics/gone") is None and
                       not zk.get_children("/admin/delete_topics"), 15, "gone deleted")

            # A clean stop closes the session: the registration disappears at once, before an
            # embedded coordinator goes down with the broker (seen through watches).
            deleted = []
            for path in ("/brokers/ids/3", "/controller"):
                assert zk.exists(path, watch=lambda ev: deleted.append((ev.path, ev.type))) is not None
            assert broker.stop() == 0, broker.log()
            wait_until(lambda: len(deleted) == 2, 10, "deregistration")
            assert sorted(deleted) == [("/brokers/ids/3", "DELETED"), ("/controller", "DELETED")]
            zk.stop()
            zk.close()

            broker.start()
            zk = kazoo_client.KazooClient(hosts=connect, timeout=15)
            zk.start(timeout=30)
            wait_until(lambda: zk.exists("/brokers/ids/3") is not None, 30, "re-registration")
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            res = ConfigResource("topic", "kept")
            configs = admin.describe_configs([res])[res].result(30)
            assert configs["retention.ms"].value == "123456"
            assert not configs["retention.ms"].is_default
            assert "gone" not in admin.list_topics(timeout=10).topics
            assert len(admin.list_topics(timeout=10).topics["kept"].partitions) == 2
            assert read_json(zk, "/cluster/id")["id"] == cluster_id
            assert broker.stop() == 0, broker.log()
        finally:
            zk.stop()
            zk.close()


def test_unreachable_coordinator_fails_startup_with_a_clear_line():
    with Workspace("brook-broker-coord") as ws:
        b = Broker(ws, zookeeper=f"127.0.0.1:{free_port()}", overrides={"zookeeper.connection.timeout.ms": "1000"})
        Process.start(b)  # the process only: it never listens
        assert b.proc.wait(20) != 0
        assert "Timed out waiting for connection to the coordinator" in b.log()


def test_log_dir_of_another_cluster_is_refused():
    with Workspace("brook-broker-coord") as ws:
        first, second = Coordinator(ws, name="c1").start(), Coordinator(ws, name="c2").start()
        a = Broker(ws, broker_id=1, zookeeper=first.connect_string).start()
        assert a.stop() == 0, a.log()
        Broker(ws, broker_id=2, zookeeper=second.connect_string).start().stop()
        # Broker 1's log dir (cluster of c1) pointed at c2, which holds another cluster id.
        moved = Broker(ws, broker_id=1, zookeeper=second.connect_string, name="moved",
                       overrides={"log.dirs": a.log_dir})
        Process.start(moved)
        assert moved.proc.wait(20) != 0
        assert "InconsistentClusterIdException" in moved.log()

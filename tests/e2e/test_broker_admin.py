"""Admin APIs of brook-broker through stock clients: AlterConfigs (confluent-kafka and kafka-python)
stored in the coordinator in Kafka's layout (/config/topics/<t>, /config/brokers/<id>,
/config/changes/config_change_<seq>, read with kazoo) and applied live (max.message.bytes refuses a
large message at once); validation errors; DescribeConfigs sources and synonyms; CreatePartitions;
CreateTopics refused with TOPIC_ALREADY_EXISTS when the coordinator already holds the topic; a
kill -9 restart that does not wait for the old session to time out; a new session after the old
one expired."""
import json
import os
import signal
import time

import pytest

from brook_harness import Broker, Coordinator, Workspace, wait_until

confluent_kafka = pytest.importorskip("confluent_kafka")
kazoo_client = pytest.importorskip("kazoo.client")
from confluent_kafka import KafkaException, Producer  # noqa: E402
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, NewPartitions, NewTopic  # noqa: E402


def read_json(zk, path):
    data, _ = zk.get(path)
    return json.loads(data.decode())


def kazoo(connect):
    zk = kazoo_client.KazooClient(hosts=connect, timeout=15)
    zk.start(timeout=30)
    return zk


def changes(zk):
    """entity_path of every config change notification, in sequence order."""
    names = sorted(zk.get_children("/config/changes"))
    assert all(n.startswith("config_change_") and len(n) == len("config_change_") + 10 for n in names)
    return [read_json(zk, "/config/changes/" + n)["entity_path"] for n in names]


def create(admin, name, partitions=1, config=None):
    admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1,
                                  config=config or {})])[name].result(30)


def test_alter_configs_stored_in_the_coordinator_and_applied_live():
    with Workspace("brook-admin") as ws:
        coordinator = Coordinator(ws).start()
        broker = Broker(ws, broker_id=3, zookeeper=coordinator.connect_string).start()
        zk = kazoo(coordinator.connect_string)
        try:
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            create(admin, "cfg", 1, {"cleanup.policy": "delete"})
            create(admin, "other")

            res = ConfigResource("topic", "cfg", set_config={"retention.ms": "3600000", "max.message.bytes": "1000"})
            admin.alter_configs([res])[res].result(30)
            # Stored before the reply: no waiting needed.
            assert read_json(zk, "/config/topics/cfg") == {
                "version": 1, "config": {"retention.ms": "3600000", "max.message.bytes": "1000"}}
            assert changes(zk)[-1] == "topics/cfg"
            got = admin.describe_configs([ConfigResource("topic", "cfg")])[ConfigResource("topic", "cfg")].result(30)
            assert got["retention.ms"].value == "3600000"
            assert got["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
            assert got["cleanup.policy"].is_default  # AlterConfigs replaced the whole set

            # Applied to the live log: a message above the new max.message.bytes is refused.
            p = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "linger.ms": 0})
            errors = []
            report = lambda err, msg: errors.append(err)  # noqa: E731
            p.produce("cfg", value=b"x" * 3000, on_delivery=report)
            assert p.flush(30) == 0  # one batch each
            p.produce("cfg", value=b"y" * 100, on_delivery=report)
            assert p.flush(30) == 0
            assert errors[0] is not None and errors[0].code() == confluent_kafka.KafkaError.MSG_SIZE_TOO_LARGE
            assert errors[1] is None

            # Bad keys and values: INVALID_CONFIG; validate_only stores nothing.
            for bad in ({"retention.ms": "soon"}, {"no.such.key": "1"}, {"cleanup.policy": "shred"}):
                res = ConfigResource("topic", "cfg", set_config=bad)
                with pytest.raises(KafkaException) as e:
                    admin.alter_configs([res])[res].result(30)
                assert e.value.args[0].code() == confluent_kafka.KafkaError.INVALID_CONFIG
            res = ConfigResource("topic", "cfg", set_config={"retention.ms": "5"})
            admin.alter_configs([res], validate_only=True)[res].result(30)
            assert read_json(zk, "/config/topics/cfg")["config"]["retention.ms"] == "3600000"

            # Dynamic broker config: /config/brokers/3; topics without an override inherit it.
            res = ConfigResource("broker", "3", set_config={"log.retention.ms": "7200000"})
            admin.alter_configs([res])[res].result(30)
            assert read_json(zk, "/config/brokers/3")["config"] == {"log.retention.ms": "7200000"}
            assert changes(zk)[-1] == "brokers/3"
            got = admin.describe_configs([ConfigResource("topic", "other")])[ConfigResource("topic", "other")].result(30)
            assert got["retention.ms"].value == "7200000"
            assert got["retention.ms"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value
            b = admin.describe_configs([ConfigResource("broker", "3")])[ConfigResource("broker", "3")].result(30)
            assert b["log.retention.ms"].value == "7200000"
            assert b["log.retention.ms"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value

            # A change written by another tool (Kafka's layout plus a notification) is followed.
            zk.set("/config/topics/other", json.dumps({"version": 1, "config": {"retention.bytes": "4242"}}).encode())
            zk.create("/config/changes/config_change_", json.dumps(
                {"version": 2, "entity_path": "topics/other"}).encode(), sequence=True)

            def retention_bytes():
                res = ConfigResource("topic", "other")
                return admin.describe_configs([res])[res].result(30)["retention.bytes"].value
            wait_until(lambda: retention_bytes() == "4242", 15, "external config change applied")

            # After a restart the stored configs are in force again.
            assert broker.stop() == 0, broker.log()
            broker.start()
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            got = admin.describe_configs([ConfigResource("topic", "other")])[ConfigResource("topic", "other")].result(30)
            assert got["retention.ms"].value == "7200000"
            got = admin.describe_configs([ConfigResource("topic", "cfg")])[ConfigResource("topic", "cfg")].result(30)
            assert got["max.message.bytes"].value == "1000"
            assert broker.stop() == 0, broker.log()
        finally:
            zk.stop()
            zk.close()


def test_describe_configs_synonyms_and_sources():
    """Every layer a value can come from, as confluent-kafka reports it: the topic override, this
    broker's dynamic config, server.properties and the built-in default, most specific first."""
    with Workspace("brook-admin") as ws:
        broker = Broker(ws, broker_id=1, overrides={"log.retention.ms": "86400000",
                                                    "log.segment.bytes": "2000000"}).start()
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        create(admin, "syn", 1, {"retention.ms": "1234"})
        res = ConfigResource("broker", "1", set_config={"log.retention.bytes": "5000"})
        admin.alter_configs([res])[res].result(30)

        topic = ConfigResource("topic", "syn")
        got = admin.describe_configs([topic])[topic].result(30)
        retention = got["retention.ms"]
        assert (retention.value, retention.source) == ("1234", ConfigSource.DYNAMIC_TOPIC_CONFIG.value)
        assert list(retention.synonyms) == ["retention.ms", "log.retention.ms", "log.retention.hours"]
        assert retention.synonyms["log.retention.ms"].value == "86400000"
        assert retention.synonyms["log.retention.ms"].source == ConfigSource.STATIC_BROKER_CONFIG.value
        assert all(s.is_synonym for s in retention.synonyms.values())

        segment = got["segment.bytes"]
        assert (segment.value, segment.source) == ("2000000", ConfigSource.STATIC_BROKER_CONFIG.value)
        assert list(segment.synonyms) == ["log.segment.bytes"]  # static, then default: same name

        size = got["retention.bytes"]
        assert (size.value, size.source) == ("5000", ConfigSource.DYNAMIC_BROKER_CONFIG.value)

        policy = got["cleanup.policy"]
        assert policy.source == ConfigSource.DEFAULT_CONFIG.value and policy.is_default
        assert list(policy.synonyms) == ["log.cleanup.policy"]
        assert policy.synonyms["log.cleanup.policy"].value == "delete"
        assert got["remote.storage.enable"].synonyms == {}

        broker_res = ConfigResource("broker", "1")
        mine = admin.describe_configs([broker_res])[broker_res].result(30)
        assert mine["log.retention.bytes"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value
        assert mine["log.segment.bytes"].source == ConfigSource.STATIC_BROKER_CONFIG.value
        assert list(mine["log.retention.ms"].synonyms) == ["log.retention.ms", "log.retention.hours"]
        assert mine["broker.id"].is_read_only
        assert broker.stop() == 0, broker.log()


def test_kafka_python_alter_configs_and_create_partitions():
    kafka = pytest.importorskip("kafka")
    from kafka.admin import ConfigResource as KConfigResource, ConfigResourceType, NewPartitions as KNewPartitions
    with Workspace("brook-admin") as ws:
        broker = Broker(ws, broker_id=1).start()
        admin = kafka.KafkaAdminClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=30000)
        try:
            admin.create_topics([kafka.admin.NewTopic("kp", num_partitions=1, replication_factor=1)])
            r = admin.alter_configs([KConfigResource(ConfigResourceType.TOPIC, "kp", configs={"retention.bytes": "12345"})])
            assert [x[0] for x in r.resources] == [0]
            r = admin.describe_configs([KConfigResource(ConfigResourceType.TOPIC, "kp", configs={"retention.bytes": None})])
            entries = r[0].resources[0][4]
            assert [(e[0], e[1]) for e in entries] == [("retention.bytes", "12345")]
            admin.create_partitions({"kp": KNewPartitions(total_count=4)})
            wait_until(lambda: len(admin.describe_topics(["kp"])[0]["partitions"]) == 4, 10, "4 partitions")
        finally:
            admin.close()
        assert broker.stop() == 0, broker.log()


def test_confluent_create_partitions():
    with Workspace("brook-admin") as ws:
        broker = Broker(ws, broker_id=1).start()
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        create(admin, "grow", 2)
        admin.create_partitions([NewPartitions("grow", 6)])["grow"].result(30)
        assert len(admin.list_topics(timeout=10).topics["grow"].partitions) == 6
        with pytest.raises(KafkaException) as e:
            admin.create_partitions([NewPartitions("grow", 3)])["grow"].result(30)
        assert e.value.args[0].code() == confluent_kafka.KafkaError.INVALID_PARTITIONS
        admin.create_partitions([NewPartitions("grow", 9)], validate_only=True)["grow"].result(30)
        assert len(admin.list_topics(timeout=10).topics["grow"].partitions) == 6
        p = Producer({"bootstrap.servers": broker.bootstrap})
        for i in range(6):
            p.produce("grow", value=b"v", partition=i)
        assert p.flush(30) == 0
        assert broker.stop() == 0, broker.log()


def test_create_topics_answers_what_the_coordinator_says():
    with Workspace("brook-admin") as ws:
        coordinator = Coordinator(ws).start()
        broker = Broker(ws, broker_id=3, zookeeper=coordinator.connect_string).start()
        zk = kazoo(coordinator.connect_string)
        try:
            # A topic the coordinator holds but this broker never loaded (another controller's).
            zk.create("/brokers/topics/ghost", json.dumps(
                {"version": 3, "topic_id": "AAAAAAAAAAAAAAAAAAAAAQ", "partitions": {"0": [3]},
                 "adding_replicas": {}, "removing_replicas": {}}).encode(), makepath=True)
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            with pytest.raises(KafkaException) as e:
                create(admin, "ghost")
            assert e.value.args[0].code() == confluent_kafka.KafkaError.TOPIC_ALREADY_EXISTS
            assert "ghost" not in admin.list_topics(timeout=10).topics
            # A created topic's znodes exist once CreateTopics has answered.
            create(admin, "real", 2)
            assert zk.exists("/brokers/topics/real/partitions/1/state") is not None
            assert zk.exists("/config/topics/real") is not None
            admin.delete_topics(["real"])["real"].result(30)
            wait_until(lambda: zk.exists("/brokers/topics/real") is None, 15, "real deleted")
            assert broker.stop() == 0, broker.log()
        finally:
            zk.stop()
            zk.close()


def test_kill9_restart_does_not_wait_for_the_old_session():
    session_ms = 30000
    with Workspace("brook-admin") as ws:
        coordinator = Coordinator(ws, extra={"maxSessionTimeout": "60000"}).start()
        broker = Broker(ws, broker_id=5, zookeeper=coordinator.connect_string,
                        overrides={"zookeeper.session.timeout.ms": str(session_ms)}).start()
        zk = kazoo(coordinator.connect_string)
        try:
            wait_until(lambda: zk.exists("/brokers/ids/5") is not None, 30, "registration")
            old_owner = zk.exists("/brokers/ids/5").ephemeralOwner
            broker.kill9()
            began = time.monotonic()
            broker.start()
            def new_owner():
                st = zk.exists("/brokers/ids/5")
                return st is not None and st.ephemeralOwner != old_owner
            wait_until(new_owner, 25, "registration by the new session")
            took = time.monotonic() - began
            assert took < 10, f"restart took {took:.1f}s (session timeout {session_ms} ms)"
            assert "Closed the coordinator session" in broker.log()
            assert read_json(zk, "/controller")["brokerid"] == 5
            assert broker.stop() == 0, broker.log()
        finally:
            zk.stop()
            zk.close()


def test_expired_session_is_replaced():
    with Workspace("brook-admin") as ws:
        coordinator = Coordinator(ws).start()  # tickTime 2000: sessions of 4 s at least
        broker = Broker(ws, broker_id=6, zookeeper=coordinator.connect_string,
                        overrides={"zookeeper.session.timeout.ms": "4000"}).start()
        zk = kazoo(coordinator.connect_string)
        try:
            wait_until(lambda: zk.exists("/brokers/ids/6") is not None, 30, "registration")
            owner = zk.exists("/brokers/ids/6").ephemeralOwner
            # Frozen past the session timeout: the coordinator expires the session.
            os.killpg(broker.proc.pid, signal.SIGSTOP)
            try:
                wait_until(lambda: zk.exists("/brokers/ids/6") is None, 30, "expiry of the frozen broker's session")
            finally:
                os.killpg(broker.proc.pid, signal.SIGCONT)

            def registered_again():
                st = zk.exists("/brokers/ids/6")
                return st is not None and st.ephemeralOwner != owner
            wait_until(registered_again, 30, "registration in a new session")
            wait_until(lambda: zk.exists("/controller") is not None, 30, "controller elected again")
            assert read_json(zk, "/controller")["brokerid"] == 6
            assert "starting a new session" in broker.log()
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            create(admin, "after-expiry")
            assert zk.exists("/brokers/topics/after-expiry") is not None
            assert broker.stop() == 0, broker.log()
        finally:
            zk.stop()
            zk.close()

"""Consumer groups with kafka-python 2.0.2 and kafkajs (node): group consume and commit, and a
second consumer of the group resuming after the commits."""
import json
import os
import shutil
import subprocess

import pytest

from brook_harness import SOURCE_DIR, Broker, Workspace

kafka = pytest.importorskip("kafka")
from kafka import KafkaConsumer, KafkaProducer  # noqa: E402
from kafka.admin import KafkaAdminClient, NewTopic  # noqa: E402
from kafka.structs import TopicPartition  # noqa: E402

NODE_MODULES = os.path.join(SOURCE_DIR, "tests", "node_modules")


@pytest.fixture
def broker():
    with Workspace("brook-groups-clients") as ws:
        b = Broker(ws, overrides={"offsets.topic.num.partitions": "3"}).start()
        yield ws, b
        assert b.stop() == 0, b.log()


def make_topic_and_produce(b, topic, partitions, values):
    admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
    admin.create_topics([NewTopic(topic, partitions, 1)])
    admin.close()
    p = KafkaProducer(bootstrap_servers=b.bootstrap)
    for i, v in enumerate(values):
        p.send(topic, v.encode(), partition=i % partitions)
    p.flush(30)
    p.close()


def kp_consume(b, topic, group, expected):
    c = KafkaConsumer(topic, bootstrap_servers=b.bootstrap, group_id=group, enable_auto_commit=False,
                      auto_offset_reset="earliest", consumer_timeout_ms=8000, session_timeout_ms=10000)
    got = []
    for m in c:
        got.append(m.value.decode())
        c.commit()
        if len(got) == expected:
            break
    c.close()
    return got


def test_kafka_python_group_consume_and_commit(broker):
    ws, b = broker
    values = [f"kp{i}" for i in range(40)]
    make_topic_and_produce(b, "kp", 4, values)
    assert sorted(kp_consume(b, "kp", "g-kp", 40)) == sorted(values)
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id="g-kp")
    assert [c.committed(TopicPartition("kp", p)) for p in range(4)] == [10, 10, 10, 10]
    c.close()
    more = [f"kq{i}" for i in range(4)]
    p = KafkaProducer(bootstrap_servers=b.bootstrap)
    for i, v in enumerate(more):
        p.send("kp", v.encode(), partition=i)
    p.flush(30)
    p.close()
    assert sorted(kp_consume(b, "kp", "g-kp", 4)) == sorted(more)


KAFKAJS = r'''
const { Kafka, logLevel } = require("kafkajs");
const [broker, topic, group, expected] = process.argv.slice(2);
const kafka = new Kafka({ clientId: "js", brokers: [broker], logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 500 });
const got = [];
const timer = setTimeout(() => { console.error("timeout with " + got.length); process.exit(2); }, 60000);
(async () => {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      got.push(message.value.toString());
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      if (got.length >= Number(expected)) {
        clearTimeout(timer);
        setImmediate(async () => {
          await consumer.disconnect();
          console.log(JSON.stringify(got));
          process.exit(0);
        });
      }
    },
  });
})().catch((e) => { console.error(e); process.exit(1); });
'''


def test_kafkajs_group_consume_and_commit(broker):
    if not os.path.isdir(os.path.join(NODE_MODULES, "kafkajs")) or not shutil.which("node"):
        pytest.skip(f"kafkajs is not installed under {NODE_MODULES} (or node is missing): scripts/setup installs it")
    ws, b = broker
    values = [f"js{i}" for i in range(30)]
    make_topic_and_produce(b, "js", 3, values)
    script = os.path.join(ws.path, "group.js")
    with open(script, "w") as f:
        f.write(KAFKAJS)
    env = dict(os.environ, NODE_PATH=NODE_MODULES)
    r = subprocess.run(["node", script, b.bootstrap, "js", "g-js", "30"], capture_output=True, timeout=90, env=env)
    assert r.returncode == 0, r.stderr.decode()
    assert sorted(json.loads(r.stdout.decode().strip().splitlines()[-1])) == sorted(values)
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id="g-js")
    assert [c.committed(TopicPartition("js", p)) for p in range(3)] == [10, 10, 10]
    c.close()

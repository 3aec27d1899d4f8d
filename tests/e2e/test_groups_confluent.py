"""Consumer groups with python3-confluent-kafka (librdkafka) against brook-broker: members run as
separate processes so one can be killed with -9. Checks: each partition owned by exactly one
member, every message consumed exactly once with synchronous commits, takeover after a close and
after a kill -9 (found by the session timeout), cooperative-sticky incremental rebalancing, static
membership rejoining without a rebalance, and DescribeGroups/ListGroups through the admin client."""
import json
import os
import select
import subprocess
import sys
import time

import pytest

from brook_harness import Broker, Workspace, wait_until

confluent_kafka = pytest.importorskip("confluent_kafka")
from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

# One group member: consumes, commits each message synchronously, then reports it on stdout as a
# JSON line; reports rebalances too. "close" on stdin closes the consumer cleanly and exits.
MEMBER = r'''
import json, select, sys
from confluent_kafka import Consumer
cfg = json.loads(sys.argv[1])
topic = cfg.pop("topic")
def out(**kw):
    sys.stdout.write(json.dumps(kw) + "\n"); sys.stdout.flush()
c = Consumer(cfg)
def on_assign(consumer, parts):
    out(event="assign", partitions=sorted(p.partition for p in parts))
def on_revoke(consumer, parts):
    out(event="revoke", partitions=sorted(p.partition for p in parts))
c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
out(event="started")
while True:
    r, _, _ = select.select([sys.stdin], [], [], 0)
    if r and sys.stdin.readline().strip() == "close":
        c.close()
        out(event="closed")
        break
    m = c.poll(0.2)
    if m is None or m.error():
        continue
    c.commit(message=m, asynchronous=False)
    out(event="msg", p=m.partition(), o=m.offset(), v=m.value().decode())
'''


class Member:
    def __init__(self, ws, broker, name, topic, group, extra=None):
        cfg = {"bootstrap.servers": broker.bootstrap, "group.id": group, "topic": topic,
               "enable.auto.commit": False, "auto.offset.reset": "earliest", "session.timeout.ms": 3000,
               "heartbeat.interval.ms": 300, "client.id": name, "topic.metadata.refresh.interval.ms": 2000}
        cfg.update(extra or {})
        self.name = name
        self.log = open(os.path.join(ws.path, name + ".stderr"), "wb")
        self.proc = subprocess.Popen([sys.executable, "-c", MEMBER, json.dumps(cfg)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, start_new_session=True)
        self.events = []
        self._buf = b""

    def pump(self):
        """Reads whatever the member has reported so far (non-blocking)."""
        fd = self.proc.stdout.fileno()
        while select.select([fd], [], [], 0)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            self._buf += chunk
        *lines, self._buf = self._buf.split(b"\n")
        self.events.extend(json.loads(line) for line in lines if line.strip())

    def assignment(self):
        """Current partitions, replaying assign/revoke events (eager and incremental alike)."""
        self.pump()
        owned = set()
        for e in self.events:
            if e["event"] == "assign":
                owned |= set(e["partitions"])
            elif e["event"] == "revoke":
                owned -= set(e["partitions"])
        return owned

    def messages(self):
        self.pump()
        return [(e["p"], e["o"], e["v"]) for e in self.events if e["event"] == "msg"]

    def close(self):
        self.proc.stdin.write(b"close\n")
        self.proc.stdin.flush()
        assert self.proc.wait(30) == 0

    def kill9(self):
        os.killpg(self.proc.pid, 9)
        self.proc.wait(10)

    def stop(self):
        if self.proc.poll() is None:
            self.kill9()
        self.log.close()


def make_topic(broker, topic, partitions):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(30)


def produce(broker, topic, partitions, start, count):
    p = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 5})
    sent = []
    for i in range(start, start + count):
        part = i % partitions
        p.produce(topic, value=f"m{i}".encode(), partition=part)
        sent.append(f"m{i}")
    assert p.flush(30) == 0
    return sent


def covering(members, partitions):
    """The members' assignments are disjoint and cover every partition."""
    owned = [m.assignment() for m in members]
    union = set().union(*owned)
    return union == set(range(partitions)) and sum(len(o) for o in owned) == partitions


def consumed(members):
    return [v for m in members for (_, _, v) in m.messages()]


@pytest.fixture
def broker():
    with Workspace("brook-groups") as ws:
        b = Broker(ws, overrides={"group.min.session.timeout.ms": "1000", "offsets.topic.num.partitions": "5"})
        b.start()
        yield ws, b
        assert b.stop() == 0, b.log()


def test_three_members_close_and_kill9_take_over_without_loss(broker):
    ws, b = broker
    make_topic(b, "six", 6)
    members = [Member(ws, b, f"m{i}", "six", "g-six", {"partition.assignment.strategy": "range"}) for i in range(3)]
    try:
        wait_until(lambda: covering(members, 6) and all(len(m.assignment()) == 2 for m in members), 60,
                   "three members owning two partitions each")
        # DescribeGroups / ListGroups while the group is stable.
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        groups = {g.id: g for g in admin.list_groups(timeout=10)}
        assert "g-six" in groups
        desc = admin.list_groups("g-six", timeout=10)[0]
        assert desc.state == "Stable" and desc.protocol_type == "consumer" and desc.protocol == "range"
        assert sorted(m.client_id for m in desc.members) == ["m0", "m1", "m2"]
        assert all(m.assignment and m.client_host.startswith("/127.0.0.1") for m in desc.members)

        sent = produce(b, "six", 6, 0, 600)
        wait_until(lambda: len(consumed(members)) >= 600, 60, "600 messages consumed")
        got = consumed(members)
        assert sorted(got) == sorted(sent), "every message exactly once"
        for m in members:
            assert {p for (p, _, _) in m.messages()} <= m.assignment(), "only own partitions"

        members[0].close()
        rest = members[1:]
        wait_until(lambda: covering(rest, 6), 60, "two members take over after a close")
        sent += produce(b, "six", 6, 600, 300)
        wait_until(lambda: len(consumed(members)) >= 900, 60, "900 messages consumed")
        assert sorted(consumed(members)) == sorted(sent)

        members[1].kill9()
        t0 = time.monotonic()
        wait_until(lambda: covering(members[2:], 6), 60, "last member takes over after kill -9")
        assert time.monotonic() - t0 < 30
        sent += produce(b, "six", 6, 900, 300)
        wait_until(lambda: len(consumed(members)) >= 1200, 60, "1200 messages consumed")
        assert sorted(consumed(members)) == sorted(sent), "no loss, no duplicate"

        # Committed offsets are the ends of the partitions.
        check = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "g-six"})
        committed = check.committed([TopicPartition("six", p) for p in range(6)], timeout=10)
        assert [tp.offset for tp in committed] == [200] * 6
        check.close()
    finally:
        for m in members:
            m.stop()


def test_cooperative_sticky_rebalances_incrementally(broker):
    ws, b = broker
    make_topic(b, "coop", 6)
    extra = {"partition.assignment.strategy": "cooperative-sticky"}
    first = Member(ws, b, "c0", "coop", "g-coop", extra)
    members = [first]
    try:
        wait_until(lambda: first.assignment() == set(range(6)), 60, "first member owns everything")
        members.append(Member(ws, b, "c1", "coop", "g-coop", extra))
        wait_until(lambda: covering(members, 6) and all(len(m.assignment()) == 3 for m in members), 60,
                   "partitions split 3/3")
        revokes = [e["partitions"] for e in first.events if e["event"] == "revoke"]
        # Incremental: the first member gives up only what moves, never its whole assignment.
        assert revokes and all(len(r) < 6 for r in revokes), first.events
        sent = produce(b, "coop", 6, 0, 120)
        wait_until(lambda: len(consumed(members)) >= 120, 60, "messages consumed")
        assert sorted(consumed(members)) == sorted(sent)
    finally:
        for m in members:
            m.stop()


def test_static_member_restart_rejoins_without_rebalance(broker):
    ws, b = broker
    make_topic(b, "static", 4)

    def member(name, instance):
        return Member(ws, b, name, "static", "g-static",
                      {"group.instance.id": instance, "session.timeout.ms": 15000,
                       "partition.assignment.strategy": "range"})

    a = member("s-a", "inst-a")
    other = member("s-b", "inst-b")
    members = [a, other]
    try:
        wait_until(lambda: covering(members, 4) and len(a.assignment()) == 2, 60, "two static members")
        before_a = a.assignment()
        settled = len(other.events)
        a.kill9()
        a2 = member("s-a2", "inst-a")
        members.append(a2)
        wait_until(lambda: a2.assignment() == before_a, 30, "restarted static member gets its partitions back")
        sent = produce(b, "static", 4, 0, 40)
        wait_until(lambda: len(a2.messages()) + len(other.messages()) >= 40, 60, "messages consumed")
        assert sorted(consumed([a2, other])) == sorted(sent)
        # The other member saw no rebalance: no new assign/revoke events.
        other.pump()
        assert [e for e in other.events[settled:] if e["event"] in ("assign", "revoke")] == []
    finally:
        for m in members:
            m.stop()

"""brook-broker restarts: a clean stop (SIGTERM) and a kill -9 both keep every topic and every
acknowledged message; offsets continue where they were."""
import json

import pytest

from brook_harness import Broker, Workspace, run_client


def kcat(broker, *args, input=None):
    return run_client(["kcat", "-b", broker.bootstrap, *args], input=input, timeout=60)


def produce(broker, topic, values, partition=None):
    extra = ["-p", str(partition)] if partition is not None else []
    kcat(broker, "-P", "-t", topic, *extra, "-X", "acks=all", input="".join(v + "\n" for v in values).encode())


def consume(broker, topic):
    r = kcat(broker, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%p|%o|%s\n")
    return [line.split("|", 2) for line in r.stdout.decode().splitlines()]


def topics(broker):
    meta = json.loads(kcat(broker, "-L", "-J").stdout)
    return {t["topic"]: len(t["partitions"]) for t in meta["topics"]}


@pytest.mark.parametrize("how", ["clean", "kill9"])
def test_restart_keeps_topics_and_messages(how):
    with Workspace("brook-restart") as ws:
        b = Broker(ws, overrides={"num.partitions": "2", "log.segment.bytes": "65536"}).start()
        produce(b, "kept", [f"m{i}" for i in range(500)], partition=0)
        produce(b, "kept", [f"n{i}" for i in range(300)], partition=1)
        produce(b, "other", ["x", "y"])
        before = topics(b)
        assert before["kept"] == 2
        if how == "clean":
            assert b.stop() == 0, b.log()
        else:
            b.kill9()
        b.start()
        assert topics(b) == before
        got = consume(b, "kept")
        assert len(got) == 800
        assert sorted(int(o) for p, o, _ in got if p == "0") == list(range(500))
        assert sorted(int(o) for p, o, _ in got if p == "1") == list(range(300))
        # New messages continue the offsets.
        produce(b, "kept", ["after"], partition=0)
        got = consume(b, "kept")
        assert ["0", "500", "after"] in got
        assert b.stop() == 0, b.log()

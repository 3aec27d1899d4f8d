"""`brook groups` against brook-broker: lag matches what a confluent-kafka consumer committed;
list, reset-offsets and delete. Skipped when the broker does not serve the group APIs."""
import json
import subprocess

import pytest
from confluent_kafka import Consumer, TopicPartition

from brook_harness import Broker, Workspace, executable, run_client


@pytest.fixture(scope="module")
def broker():
    with Workspace("brook-cli-groups") as ws:
        b = Broker(ws, overrides={"num.partitions": "3"}).start()
        versions = json.loads(brook(b, "cluster", "--json").stdout)["api_versions"]
        if "join_group" not in versions or "offset_commit" not in versions:
            b.stop()
            pytest.skip("the broker does not announce JoinGroup/OffsetCommit in ApiVersions")
        yield b
        assert b.stop() == 0, b.log()


def brook(broker, *args, input=None, timeout=90):
    return subprocess.run([executable("brook"), *args, "--bootstrap-server", broker.bootstrap],
                          input=input, capture_output=True, timeout=timeout)


def ok(r):
    assert r.returncode == 0, f"rc={r.returncode}\nstdout:\n{r.stdout.decode()}\nstderr:\n{r.stderr.decode()}"
    return r.stdout.decode()


def test_lag_matches_a_confluent_consumers_commits(broker):
    ok(brook(broker, "topics", "--create", "--topic", "lagged", "--partitions", "3"))
    run_client(["kcat", "-b", broker.bootstrap, "-P", "-t", "lagged", "-K", ":"],
               input="".join(f"k{i}:v{i}\n" for i in range(90)).encode())
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "lag-group", "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "session.timeout.ms": 10000})
    c.subscribe(["lagged"])
    consumed = []
    while len(consumed) < 40:
        for m in c.consume(10, timeout=10):
            assert m.error() is None, m.error()
            consumed.append(m)
    c.commit(asynchronous=False)
    committed = {tp.partition: tp.offset for tp in
                 c.committed([TopicPartition("lagged", p) for p in range(3)], timeout=10)}
    c.close()
    ends = {}
    for p in range(3):
        out = run_client(["kcat", "-b", broker.bootstrap, "-Q", "-t", f"lagged:{p}:-1"]).stdout.decode()
        ends[p] = int(out.split()[-1])
    rows = json.loads(ok(brook(broker, "groups", "--describe", "--group", "lag-group", "--json")))[0]["partitions"]
    by_partition = {r["partition"]: r for r in rows if r["topic"] == "lagged"}
    assert any(committed[p] >= 0 for p in range(3))
    for p in range(3):
        if committed[p] < 0:
            # Nothing committed for this partition: no row, or a row without an offset.
            assert p not in by_partition or by_partition[p]["current_offset"] is None
            continue
        assert by_partition[p]["current_offset"] == committed[p]
        assert by_partition[p]["log_end_offset"] == ends[p]
        assert by_partition[p]["lag"] == ends[p] - committed[p]
    assert sum(ends.values()) == 90
    table = ok(brook(broker, "groups", "--describe", "--group", "lag-group")).splitlines()
    assert table[0].split()[:6] == ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG"]


def test_list_reset_and_delete(broker):
    ok(brook(broker, "topics", "--create", "--topic", "resettable", "--partitions", "1"))
    run_client(["kcat", "-b", broker.bootstrap, "-P", "-t", "resettable"],
               input="".join(f"r{i}\n" for i in range(10)).encode())
    ok(brook(broker, "consume", "--topic", "resettable", "--group", "reset-group", "--from-beginning",
             "--max-messages", "10"))
    assert "reset-group" in [g["group"] for g in json.loads(ok(brook(broker, "groups", "--list", "--json")))]
    row = json.loads(ok(brook(broker, "groups", "--describe", "--group", "reset-group", "--json")))[0]["partitions"][0]
    assert (row["current_offset"], row["lag"]) == (10, 0)
    dry = json.loads(ok(brook(broker, "groups", "--reset-offsets", "--group", "reset-group", "--topic",
                              "resettable", "--to-earliest", "--json")))
    assert dry[0]["new_offset"] == 0
    row = json.loads(ok(brook(broker, "groups", "--describe", "--group", "reset-group", "--json")))[0]["partitions"][0]
    assert row["current_offset"] == 10  # a dry run commits nothing
    ok(brook(broker, "groups", "--reset-offsets", "--group", "reset-group", "--topic", "resettable",
             "--to-offset", "4", "--execute"))
    row = json.loads(ok(brook(broker, "groups", "--describe", "--group", "reset-group", "--json")))[0]["partitions"][0]
    assert (row["current_offset"], row["lag"]) == (4, 6)
    out = ok(brook(broker, "consume", "--topic", "resettable", "--group", "reset-group", "--max-messages", "6"))
    assert out.splitlines() == [f"r{i}" for i in range(4, 10)]
    ok(brook(broker, "groups", "--delete", "--group", "reset-group"))
    assert "reset-group" not in [g["group"] for g in json.loads(ok(brook(broker, "groups", "--list", "--json")))]


def _lags(broker, group):
    rows = json.loads(ok(brook(broker, "groups", "--describe", "--group", group, "--json")))[0]["partitions"]
    return {r["partition"]: (r["current_offset"], r["lag"]) for r in rows}


def test_consumers_of_the_brook_command_leave_zero_lag(broker):
    ok(brook(broker, "topics", "--create", "--topic", "drained", "--partitions", "3"))
    run_client(["kcat", "-b", broker.bootstrap, "-P", "-t", "drained", "-K", ":"],
               input="".join(f"k{i}:v{i}\n" for i in range(60)).encode())
    ends = {}
    for p in range(3):
        out = run_client(["kcat", "-b", broker.bootstrap, "-Q", "-t", f"drained:{p}:-1"]).stdout.decode()
        ends[p] = int(out.split()[-1])
    assert sum(ends.values()) == 60
    # brook consume commits what it printed, on every partition.
    out = ok(brook(broker, "consume", "--topic", "drained", "--group", "drain-consume", "--from-beginning",
                   "--max-messages", "60"))
    assert len(out.splitlines()) == 60
    lags = _lags(broker, "drain-consume")
    for p in range(3):
        if ends[p] > 0:
            assert lags[p] == (ends[p], 0)
    # brook perf consume keeps the consumer's auto-commit, which commits on close.
    ok(brook(broker, "perf", "consume", "--topic", "drained", "--group", "drain-perf", "--messages", "60",
             "--timeout-ms", "5000"))
    lags = _lags(broker, "drain-perf")
    for p in range(3):
        if ends[p] > 0:
            assert lags[p] == (ends[p], 0)

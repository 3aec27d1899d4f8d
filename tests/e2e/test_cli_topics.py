"""`brook topics`, `brook configs`, `brook cluster` against brook-broker, checked with kcat; exit codes."""
import json
import subprocess

import pytest

from brook_harness import Broker, Workspace, executable, free_port, run_client
from e2e_clients import brook_cli as brook, cli_text as ok


@pytest.fixture(scope="module")
def broker():
    with Workspace("brook-cli-topics") as ws:
        b = Broker(ws, overrides={"num.partitions": "2"}).start()
        yield b
        assert b.stop() == 0, b.log()


def kcat_metadata(broker, topic):
    meta = json.loads(run_client(["kcat", "-b", broker.bootstrap, "-L", "-J", "-t", topic]).stdout)
    return {t["topic"]: t for t in meta["topics"]}


def test_created_topic_is_seen_by_kcat(broker):
    ok(brook(broker, "topics", "--create", "--topic", "made-by-brook", "--partitions", "5",
             "--replication-factor", "1", "--config", "retention.ms=123456"))
    topics = kcat_metadata(broker, "made-by-brook")
    assert len(topics["made-by-brook"]["partitions"]) == 5
    assert not topics["made-by-brook"].get("error")


def test_list_describe_alter_delete(broker):
    ok(brook(broker, "topics", "--create", "--topic", "lifecycle", "--partitions", "1"))
    assert "lifecycle" in ok(brook(broker, "topics", "--list")).split()
    assert "lifecycle" in json.loads(ok(brook(broker, "topics", "--list", "--json")))
    described = json.loads(ok(brook(broker, "topics", "--describe", "--topic", "lifecycle", "--json")))
    assert [len(t["partitions"]) for t in described] == [1]
    table = ok(brook(broker, "topics", "--describe", "--topic", "lifecycle")).splitlines()
    assert table[0].split() == ["TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "TOPIC-ID"]
    assert table[1].split()[:3] == ["lifecycle", "0", "0"]
    # Columns are aligned: every row starts its second column at the same place.
    assert len({line.index(line.split()[1], len(line.split()[0])) for line in table}) == 1
    r = brook(broker, "topics", "--alter", "--topic", "lifecycle", "--partitions", "3")
    if r.returncode == 0:
        assert len(kcat_metadata(broker, "lifecycle")["lifecycle"]["partitions"]) == 3
    else:
        assert r.returncode == 1, r.stderr  # a broker without CreatePartitions answers with an error
    ok(brook(broker, "topics", "--delete", "--topic", "lifecycle"))
    assert "lifecycle" not in ok(brook(broker, "topics", "--list")).split()


def test_create_existing_topic_is_a_cluster_error_unless_if_not_exists(broker):
    ok(brook(broker, "topics", "--create", "--topic", "twice"))
    r = brook(broker, "topics", "--create", "--topic", "twice")
    assert r.returncode == 1
    assert b"TOPIC_ALREADY_EXISTS" in r.stderr
    ok(brook(broker, "topics", "--create", "--topic", "twice", "--if-not-exists"))


def test_configs_describe_and_alter(broker):
    ok(brook(broker, "topics", "--create", "--topic", "configured", "--config", "retention.ms=3600000"))
    rows = json.loads(ok(brook(broker, "configs", "--describe", "--topic", "configured", "--json")))
    assert {"name": "retention.ms", "value": "3600000"}.items() <= \
        next(r for r in rows if r["name"] == "retention.ms").items()
    r = brook(broker, "configs", "--alter", "--topic", "configured", "--add-config", "retention.ms=7200000")
    if r.returncode == 0:
        rows = json.loads(ok(brook(broker, "configs", "--describe", "--topic", "configured", "--json")))
        assert next(r for r in rows if r["name"] == "retention.ms")["value"] == "7200000"
    else:
        assert r.returncode == 1, r.stderr


def test_cluster_lists_the_broker_and_versions(broker):
    out = json.loads(ok(brook(broker, "cluster", "--json")))
    assert [b["port"] for b in out["brokers"]] == [broker.port]
    assert out["api_versions"]["produce"] >= 3
    text = ok(brook(broker, "cluster", "--api-versions"))
    assert "Controller: 0" in text and "api_versions" in text


def test_exit_codes(broker):
    assert brook(broker, "topics").returncode == 2                      # no action
    assert brook(broker, "topics", "--create").returncode == 2          # no --topic
    assert brook(broker, "topics", "--list", "--bogus").returncode == 2
    assert brook(broker, "consume", "--topic", "x", "--max-messages", "many").returncode == 2
    assert subprocess.run([executable("brook"), "nonsense"], capture_output=True).returncode == 2
    dead = subprocess.run([executable("brook"), "topics", "--list", "--bootstrap-server",
                           f"127.0.0.1:{free_port()}"], capture_output=True, timeout=60)
    assert dead.returncode == 3
    assert b"cannot reach" in dead.stderr
    r = brook(broker, "topics", "--describe", "--topic", "does-not-exist")
    assert r.returncode == 1

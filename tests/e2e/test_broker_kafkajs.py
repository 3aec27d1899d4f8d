"""kafkajs (tests/node_modules) against brook-broker: admin create/list/describe/alter/delete topics,
CreatePartitions and DeleteRecords, then batches produced with gzip, snappy and lz4 that kcat
reads back (counts, keys and bytes checked). Skips when the npm packages are not installed."""
import json
import os
import subprocess

import pytest

from brook_harness import Broker, Workspace, run_client

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
NODE = "/usr/bin/node"
SCRIPT = os.path.join(TESTS, "kafkajs", "admin_produce.js")
PER_CODEC = 450


def value_of(codec, i):
    return f"{codec}-{i}-" + "abcdefgh" * (1 + i % 17)


@pytest.fixture(scope="module", autouse=True)
def need_kafkajs():
    for pkg in ("kafkajs", "kafkajs-snappy", "kafkajs-lz4"):
        if not os.path.isdir(os.path.join(TESTS, "node_modules", pkg)):
            pytest.skip(f"tests/node_modules/{pkg} is missing (npm install in tests/): kafkajs tests skipped")
    if not os.access(NODE, os.X_OK):
        pytest.skip(f"{NODE} is missing: kafkajs tests skipped")


def test_kafkajs_admin_and_compressed_produce():
    with Workspace("brook-kafkajs") as ws:
        broker = Broker(ws, broker_id=1, overrides={"auto.create.topics.enable": "false"}).start()
        r = subprocess.run([NODE, SCRIPT, broker.bootstrap, "js", str(PER_CODEC)], cwd=TESTS,
                           capture_output=True, timeout=180,
                           env=dict(os.environ, KAFKAJS_NO_PARTITIONER_WARNING="1"))
        assert r.returncode == 0, r.stderr.decode() + broker.log()
        out = json.loads(r.stdout.decode().strip().splitlines()[-1])
        assert out["created"] is True
        assert out["listed"] == ["js-admin", "js-gzip", "js-lz4", "js-snappy"]
        assert out["partitions"] == {"js-admin": 1, "js-gzip": 2, "js-snappy": 2, "js-lz4": 2}
        assert out["retention_before"] == "86400000"
        assert out["after"] == {"retention.ms": "3600000", "cleanup.policy": "compact"}
        assert out["bad_config"] == "INVALID_CONFIG"
        assert out["grown"] == 3
        assert out["low_after_delete"] == "4"
        assert out["after_delete"] is False

        for codec in ("gzip", "snappy", "lz4"):
            expected_bytes = sum(len(value_of(codec, i)) for i in range(PER_CODEC))
            assert out["produced"][codec] == {"count": PER_CODEC, "bytes": expected_bytes}
            got = run_client(["kcat", "-b", broker.bootstrap, "-C", "-t", f"js-{codec}", "-o", "beginning", "-e",
                              "-f", "%p|%k|%s\n"], timeout=60)
            rows = [line.split("|", 2) for line in got.stdout.decode().splitlines()]
            assert len(rows) == PER_CODEC
            by_key = {k: (p, v) for p, k, v in rows}
            assert len(by_key) == PER_CODEC
            for i in range(PER_CODEC):
                assert by_key[f"k{i}"] == (str(i % 2), value_of(codec, i))
            assert sum(len(v) for _, _, v in rows) == expected_bytes
        assert broker.stop() == 0, broker.log()

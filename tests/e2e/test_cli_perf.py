"""`brook perf produce|consume`: progress lines while running, a summary with a latency histogram."""
import json
import subprocess

import pytest

from brook_harness import Broker, Workspace, executable
from e2e_clients import brook_cli, cli_stdout


@pytest.fixture(scope="module")
def broker():
    with Workspace("brook-cli-perf") as ws:
        b = Broker(ws).start()
        yield b
        assert b.stop() == 0, b.log()


def brook(broker, *args):
    r = brook_cli(broker, *args, timeout=120)
    cli_stdout(r)
    return r


def test_perf_produce_then_consume(broker):
    # Paced so the run lasts ~1.5 s and prints progress lines every 200 ms.
    r = brook(broker, "perf", "produce", "--topic", "perf", "--num-records", "30000", "--record-size", "100",
              "--throughput", "20000", "--reporting-interval", "200", "--acks", "all", "--json")
    progress = [l for l in r.stderr.decode().splitlines() if "records sent" in l]
    assert len(progress) >= 3, r.stderr
    summary = json.loads(r.stdout)
    assert summary["records"] == 30000 and summary["failed"] == 0
    lat = summary["latency_ms"]
    assert 0 <= lat["p50"] <= lat["p95"] <= lat["p99"] <= lat["max"]
    assert 15000 < summary["records_per_sec"] < 25000
    r = brook(broker, "perf", "consume", "--topic", "perf", "--messages", "30000", "--json")
    consumed = json.loads(r.stdout)
    assert consumed["records"] == 30000
    assert consumed["bytes"] == 30000 * 100


def test_perf_human_summary(broker):
    r = brook(broker, "perf", "produce", "--topic", "perf-text", "--num-records", "5000", "--record-size", "10",
              "--compression-type", "lz4")
    assert "5000 records sent" in r.stdout.decode()
    assert "99th" in r.stdout.decode()


def test_perf_bad_arguments(broker):
    r = subprocess.run([executable("brook"), "perf", "produce", "--topic", "x"], capture_output=True, timeout=30)
    assert r.returncode == 2
    r = subprocess.run([executable("brook"), "perf", "explode"], capture_output=True, timeout=30)
    assert r.returncode == 2

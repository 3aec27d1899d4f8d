"""zkCli.sh from Debian's zookeeper package against brook-coordinator."""
import pytest

import brook_harness as h


@pytest.fixture(scope="module")
def coordinator():
    with h.Workspace() as ws:
        yield h.Coordinator(ws).start()


def cli(coordinator, *cmd):
    r = h.run_client(["/usr/share/zookeeper/bin/zkCli.sh", "-server", coordinator.connect_string, *cmd], check=False)
    return r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")


def test_create_ls_get_set_delete(coordinator):
    assert "Created /app" in cli(coordinator, "create", "/app", "hello")
    cli(coordinator, "create", "/app/a", "1")
    cli(coordinator, "create", "/app/b", "2")
    assert "[a, b]" in cli(coordinator, "ls", "/app")
    out = cli(coordinator, "get", "-s", "/app")
    assert "hello" in out and "dataVersion = 0" in out and "numChildren = 2" in out
    cli(coordinator, "set", "/app/a", "changed")
    out = cli(coordinator, "get", "-s", "/app/a")
    assert "changed" in out and "dataVersion = 1" in out
    cli(coordinator, "delete", "/app/b")
    assert "[a]" in cli(coordinator, "ls", "/app")
    cli(coordinator, "create", "/app/a/deep", "x")
    cli(coordinator, "deleteall", "/app")
    assert "Node does not exist" in cli(coordinator, "ls", "/app") + cli(coordinator, "get", "/app")


def test_sequential_and_ephemeral_flags(coordinator):
    out = cli(coordinator, "create", "-s", "/seq-", "x")
    assert "Created /seq-0000000" in out
    cli(coordinator, "create", "-e", "/eph", "x")
    out = cli(coordinator, "stat", "/eph")
    assert "ephemeralOwner = 0x0" not in out and "ephemeralOwner = 0x" in out

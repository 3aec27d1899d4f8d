"""The harness can start a real Apache ZooKeeper 3.8 and stock clients can use it.

Other end-to-end tests compare Brook against this server, so a broken launcher must fail loudly here.
"""
from kazoo.client import KazooClient

import brook_harness as h


def test_real_zookeeper_serves_kazoo_and_zkcli():
    with h.Workspace() as ws:
        zk = h.ZooKeeper(ws).start()
        assert "imok" == h.four_letter_word(zk.port, "ruok")
        client = KazooClient(hosts=zk.connect_string, timeout=15)
        client.start(timeout=30)
        try:
            client.create("/harness", b"hello")
            data, stat = client.get("/harness")
            assert data == b"hello" and stat.version == 0
        finally:
            client.stop()
            client.close()
        out = h.zkcli(zk.connect_string, "get", "/harness").stdout.decode()
        assert "hello" in out
        zk.stop()


def test_free_ports_are_distinct_and_unbound():
    ports = {h.free_port() for _ in range(20)}
    assert len(ports) == 20
    for p in ports:
        assert not h.port_accepts(p)

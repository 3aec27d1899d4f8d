"""kill -9 under a write load: after a restart every acknowledged write is there, and no multi is
half-applied."""
import threading

from kazoo.client import KazooClient

import brook_harness as h


def write_load(connect, acked, stop, errors):
    zk = KazooClient(hosts=connect, timeout=10, connection_retry=None, command_retry=None)
    zk.start(timeout=20)
    zk.ensure_path("/d")
    i = 0
    try:
        while not stop.is_set():
            # 50 in flight: single creates and two-node multis, each recorded once acknowledged.
            pending = []
            for _ in range(25):
                pending.append(("node", i, zk.create_async(f"/d/n{i}", str(i).encode())))
                t = zk.transaction()
                t.create(f"/d/a{i}", b"a")
                t.create(f"/d/b{i}", b"b")
                pending.append(("pair", i, t.commit_async()))
                i += 1
            for kind, n, res in pending:
                try:
                    res.get(timeout=10)
                    acked.append((kind, n))
                except Exception:
                    raise StopIteration
    except StopIteration:
        pass
    except Exception as e:  # noqa: BLE001 - reported by the test
        errors.append(e)
    finally:
        try:
            zk.stop()
            zk.close()
        except Exception:
            pass


def test_kill9_under_load_keeps_acknowledged_writes():
    with h.Workspace() as ws:
        coord = h.Coordinator(ws).start()
        acked, errors, stop = [], [], threading.Event()
        t = threading.Thread(target=write_load, args=(coord.connect_string, acked, stop, errors))
        t.start()
        h.wait_until(lambda: len(acked) > 2000, timeout=60, what="writes acknowledged")
        coord.kill9()
        stop.set()
        t.join(30)
        assert not t.is_alive()
        seen = list(acked)
        coord.start()
        zk = KazooClient(hosts=coord.connect_string, timeout=10)
        zk.start(timeout=20)
        children = set(zk.get_children("/d"))
        for kind, n in seen:
            if kind == "node":
                assert f"n{n}" in children, f"acknowledged /d/n{n} lost"
                assert zk.get(f"/d/n{n}")[0] == str(n).encode()
            else:
                assert f"a{n}" in children and f"b{n}" in children, f"acknowledged multi {n} lost"
        pairs = {c[1:] for c in children if c[0] in "ab"}
        for n in pairs:
            assert (f"a{n}" in children) == (f"b{n}" in children), f"multi {n} half-applied"
        # The restarted server keeps serving writes after recovery (the torn tail was cut cleanly).
        zk.create("/d/after-restart", b"ok")
        zk.stop()
        zk.close()
        coord.stop()
        coord.start()
        zk = KazooClient(hosts=coord.connect_string, timeout=10)
        zk.start(timeout=20)
        assert zk.get("/d/after-restart")[0] == b"ok"
        assert len(zk.get_children("/d")) == len(children) + 1
        zk.stop()
        zk.close()

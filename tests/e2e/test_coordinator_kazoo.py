"""Stock python3-kazoo against brook-coordinator and, for comparison, a real Apache ZooKeeper 3.8.

Every test runs against both servers: the same client behaviour is expected from each.
"""
import socket
import struct
import threading

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import (BadVersionError, NoAuthError, NodeExistsError, NoNodeError, NotEmptyError,
                              RolledBackError)
from kazoo.protocol.states import EventType
from kazoo.security import make_digest_acl, make_acl

import brook_harness as h


@pytest.fixture(scope="module", params=["brook", "zookeeper"])
def server(request):
    with h.Workspace() as ws:
        srv = h.Coordinator(ws) if request.param == "brook" else h.ZooKeeper(ws)
        srv.start()
        yield srv


@pytest.fixture
def client(server, request):
    zk = KazooClient(hosts=server.connect_string, timeout=10)
    zk.start(timeout=20)
    root = "/t-" + request.node.name.replace("[", "-").replace("]", "")
    zk.ensure_path(root)
    zk.root = root
    yield zk
    zk.delete(root, recursive=True)
    zk.stop()
    zk.close()


class RawSession:
    """A minimal jute client on a plain socket, for what kazoo 2.8 lacks (addWatch) and for a session
    that goes silent without closing its socket."""

    def __init__(self, port, timeout_ms=4000):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.xid = 0
        self.events = []
        self._send(struct.pack(">iqiqi", 0, 0, timeout_ms, 0, 16) + bytes(16) + b"\0")
        rsp = self._read_frame()
        self.session_id = struct.unpack_from(">q", rsp, 8)[0]

    @staticmethod
    def string(s):
        b = s.encode()
        return struct.pack(">i", len(b)) + b

    def _send(self, body):
        self.sock.sendall(struct.pack(">i", len(body)) + body)

    def _read_exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            assert chunk, "connection closed"
            out += chunk
        return out

    def _read_frame(self):
        (n,) = struct.unpack(">i", self._read_exact(4))
        return self._read_exact(n)

    def _event(self, frame):
        etype, state, plen = struct.unpack_from(">iii", frame, 16)
        return etype, frame[28:28 + plen].decode()

    def request(self, op, body):
        self.xid += 1
        self._send(struct.pack(">ii", self.xid, op) + body)
        while True:
            frame = self._read_frame()
            xid, zxid, err = struct.unpack_from(">iqi", frame)
            if xid == -1:
                self.events.append(self._event(frame))
                continue
            assert xid == self.xid
            return err

    def create_ephemeral(self, path):
        acl = struct.pack(">ii", 1, 31) + self.string("world") + self.string("anyone")
        return self.request(1, self.string(path) + struct.pack(">i", 0) + acl + struct.pack(">i", 1))

    def add_watch(self, path, mode):
        return self.request(106, self.string(path) + struct.pack(">i", mode))

    def wait_events(self, n):
        while len(self.events) < n:
            frame = self._read_frame()
            xid = struct.unpack_from(">i", frame)[0]
            if xid == -1:
                self.events.append(self._event(frame))
        return self.events

    def close(self):
        self.sock.close()


class Events:
    """Collects watch events; wait() blocks until n arrived (bounded)."""

    def __init__(self):
        self.items = []
        self.cond = threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.items.append(event)
            self.cond.notify_all()

    def wait(self, n, timeout=10):
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.items) >= n, timeout), f"got {self.items}"
        return list(self.items)


def test_crud_with_versions(client):
    p = client.root + "/node"
    assert client.create(p, b"v0") == p
    with pytest.raises(NodeExistsError):
        client.create(p, b"again")
    data, stat = client.get(p)
    assert data == b"v0" and stat.version == 0 and stat.dataLength == 2 and stat.czxid == stat.mzxid
    stat = client.set(p, b"v1", version=0)
    assert stat.version == 1
    with pytest.raises(BadVersionError):
        client.set(p, b"v2", version=0)
    client.create(p + "/child")
    with pytest.raises(NotEmptyError):
        client.delete(p)
    parent = client.exists(p)
    assert parent.numChildren == 1 and parent.cversion == 1
    client.delete(p + "/child")
    with pytest.raises(BadVersionError):
        client.delete(p, version=7)
    client.delete(p, version=1)
    assert client.exists(p) is None
    with pytest.raises(NoNodeError):
        client.get(p)


def test_sequential_names(client):
    names = [client.create(client.root + "/q-", b"", sequence=True) for _ in range(3)]
    suffixes = [n.rsplit("-", 1)[1] for n in names]
    assert all(len(s) == 10 for s in suffixes)
    assert [int(s) for s in suffixes] == [0, 1, 2]
    assert sorted(client.get_children(client.root)) == [n.rsplit("/", 1)[1] for n in names]


def test_ephemeral_vanishes_on_close(server, client):
    other = KazooClient(hosts=server.connect_string, timeout=10)
    other.start(timeout=20)
    p = client.root + "/eph"
    other.create(p, b"x", ephemeral=True)
    assert client.exists(p).ephemeralOwner == other.client_id[0]
    gone = threading.Event()
    client.exists(p, watch=lambda e: gone.set() if e.type == EventType.DELETED else None)
    other.stop()
    other.close()
    assert gone.wait(10)
    assert client.exists(p) is None


def test_ephemeral_vanishes_on_session_expiry(server, client):
    raw = RawSession(server.port, timeout_ms=4000)
    p = client.root + "/eph-expire"
    assert raw.create_ephemeral(p) == 0
    gone = threading.Event()
    assert client.exists(p, watch=lambda e: gone.set() if e.type == EventType.DELETED else None)
    # The raw session now stays silent (no pings) with its socket open: only expiry removes the node.
    assert gone.wait(30)
    assert client.exists(p) is None
    raw.close()


def test_data_watch_fires_once_and_in_order(client):
    p = client.root + "/w"
    client.create(p, b"0")
    ev = Events()
    client.get(p, watch=ev)
    client.set(p, b"1")
    client.set(p, b"2")  # the watch is one-shot: no second event
    assert client.get(p)[0] == b"2"
    assert [e.type for e in ev.wait(1)] == [EventType.CHANGED]
    client.sync(p)
    assert len(ev.items) == 1


def test_child_watch_fires_once(client):
    ev = Events()
    client.get_children(client.root, watch=ev)
    client.create(client.root + "/c1")
    client.create(client.root + "/c2")
    assert [e.type for e in ev.wait(1)] == [EventType.CHILD]
    client.sync(client.root)
    assert len(ev.items) == 1


def test_watch_event_precedes_response(server, client):
    # Another session changes the node; our watch event arrives before our read that sees the change.
    p = client.root + "/order"
    client.create(p, b"0")
    seen = []
    client.get(p, watch=lambda e: seen.append("event"))
    other = KazooClient(hosts=server.connect_string, timeout=10)
    other.start(timeout=20)
    other.set(p, b"1")
    other.stop()
    other.close()
    data, _ = client.get(p)
    seen.append("read:" + data.decode())
    client.sync(p)
    assert seen == ["event", "read:1"]


def test_persistent_recursive_watch(server, client):
    raw = RawSession(server.port, timeout_ms=20000)
    assert raw.add_watch(client.root, 1) == 0  # PERSISTENT_RECURSIVE
    client.create(client.root + "/r")
    client.create(client.root + "/r/deep")
    client.set(client.root + "/r/deep", b"x")
    client.delete(client.root + "/r/deep")
    got = raw.wait_events(4)
    assert [(t, p[len(client.root):]) for t, p in got] == [
        (1, "/r"), (1, "/r/deep"), (3, "/r/deep"), (2, "/r/deep")]  # created, created, changed, deleted
    raw.close()


def test_persistent_watch_fires_repeatedly(server, client):
    p = client.root + "/pw"
    client.create(p, b"0")
    raw = RawSession(server.port, timeout_ms=20000)
    assert raw.add_watch(p, 0) == 0  # PERSISTENT
    for i in range(3):
        client.set(p, str(i).encode())
    client.create(p + "/kid")
    assert raw.wait_events(4) == [(3, p), (3, p), (3, p), (4, p)]
    raw.close()


def test_multi_all_or_nothing(client):
    a, b = client.root + "/ma", client.root + "/mb"
    client.create(a, b"")
    t = client.transaction()
    t.create(b, b"")
    t.set_data(a, b"x", version=5)  # wrong version: the whole multi fails
    results = t.commit()
    assert isinstance(results[0], RolledBackError) and isinstance(results[1], BadVersionError)
    assert client.exists(b) is None and client.get(a)[0] == b""
    t = client.transaction()
    t.create(b, b"")
    t.set_data(a, b"x", version=0)
    t.check(a, 1)
    t.delete(b)
    results = t.commit()
    assert results[0] == b and results[1].version == 1 and results[2] is True and results[3] is True
    assert client.exists(b) is None


def test_acl_deny_and_allow(server, client):
    p = client.root + "/secret"
    client.add_auth("digest", "alice:pw")
    client.create(p, b"s", acl=[make_digest_acl("alice", "pw", all=True)])
    assert client.get(p)[0] == b"s"
    stranger = KazooClient(hosts=server.connect_string, timeout=10)
    stranger.start(timeout=20)
    with pytest.raises(NoAuthError):
        stranger.get(p)
    with pytest.raises(NoAuthError):
        stranger.set(p, b"no")
    stranger.add_auth("digest", "alice:pw")
    assert stranger.get(p)[0] == b"s"
    stranger.stop()
    stranger.close()
    acl, _ = client.get_acls(p)
    assert acl[0].id.scheme == "digest" and acl[0].id.id.startswith("alice:")
    read_only = make_acl("world", "anyone", read=True)
    client.set_acls(p, [read_only, make_digest_acl("alice", "pw", all=True)])
    client.delete(p)


def test_get_acl_needs_read_or_admin(server, client):
    # ZooKeeper 3.8: getACL needs READ or ADMIN; with READ but not ADMIN the digest hashes are masked.
    p = client.root + "/guarded"
    client.add_auth("digest", "alice:pw")
    owner = make_digest_acl("alice", "pw", all=True)
    client.create(p, b"", acl=[owner, make_acl("world", "anyone", write=True)])
    stranger = KazooClient(hosts=server.connect_string, timeout=10)
    stranger.start(timeout=20)
    try:
        with pytest.raises(NoAuthError):
            stranger.get_acls(p)
        client.set_acls(p, [owner, make_acl("world", "anyone", read=True)])
        acl, _ = stranger.get_acls(p)
        assert acl[0].id.scheme == "digest" and acl[0].id.id == "alice:x"
        client.set_acls(p, [owner, make_acl("world", "anyone", admin=True)])
        acl, _ = stranger.get_acls(p)
        assert acl[0].id.id == owner.id.id
    finally:
        stranger.stop()
        stranger.close()
    client.delete(p)

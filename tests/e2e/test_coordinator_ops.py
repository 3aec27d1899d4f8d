"""Operational behaviour of brook-coordinator: four-letter words and their whitelist,
maxClientCnxns, bad packets, and a session moving to a new connection."""
import socket
import struct

import pytest
from kazoo.client import KazooClient

import brook_harness as h


def string(s):
    b = s.encode()
    return struct.pack(">i", len(b)) + b


class Raw:
    def __init__(self, port, session_id=0, passwd=bytes(16)):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.send(struct.pack(">iqiqi", 0, 0, 10000, session_id, 16) + passwd + b"\0")
        rsp = self.frame()
        _, self.timeout, self.session_id, plen = struct.unpack_from(">iiqi", rsp)
        self.passwd = rsp[20:20 + plen]
        self.xid = 0

    def send(self, body):
        self.sock.sendall(struct.pack(">i", len(body)) + body)

    def exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed")
            out += chunk
        return out

    def frame(self):
        return self.exact(struct.unpack(">i", self.exact(4))[0])

    def create_ephemeral(self, path):
        self.xid += 1
        acl = struct.pack(">ii", 1, 31) + string("world") + string("anyone")
        self.send(struct.pack(">ii", self.xid, 1) + string(path) + struct.pack(">i", 0) + acl + struct.pack(">i", 1))
        return struct.unpack_from(">iqi", self.frame())[2]

    def closed_by_peer(self):
        try:
            self.sock.settimeout(10)
            return self.sock.recv(1) == b""
        except ConnectionError:
            return True


def test_four_letter_words_and_whitelist():
    with h.Workspace() as ws:
        c = h.Coordinator(ws, extra={"4lw.commands.whitelist": "ruok,srvr,mntr"}).start()
        assert h.four_letter_word(c.port, "ruok") == "imok"
        assert "Mode: standalone" in h.four_letter_word(c.port, "srvr")
        assert "zk_znode_count" in h.four_letter_word(c.port, "mntr")
        assert "not in the whitelist" in h.four_letter_word(c.port, "cons")
        c2 = h.Coordinator(ws, name="all").start()  # the harness default whitelist is *
        for word in ("stat", "conf", "cons", "wchs"):
            assert h.four_letter_word(c2.port, word) != ""


def test_max_client_cnxns_per_ip():
    with h.Workspace() as ws:
        c = h.Coordinator(ws, extra={"maxClientCnxns": "2"}).start()
        a, b = Raw(c.port), Raw(c.port)
        with pytest.raises((ConnectionError, OSError, struct.error)):
            Raw(c.port)
        a.sock.close()
        # srvr itself takes the freed slot while it runs: b + srvr = 2.
        h.wait_until(lambda: "Connections: 2" in h.four_letter_word(c.port, "srvr"), 10, "slot freed")
        Raw(c.port)
        b.sock.close()


def test_bad_packet_closes_the_connection_only():
    with h.Workspace() as ws:
        c = h.Coordinator(ws).start()
        r = Raw(c.port)
        r.send(struct.pack(">ii", 1, 1) + struct.pack(">i", 0x7FFFFFF0))  # create with an absurd path length
        assert r.closed_by_peer()
        huge = socket.create_connection(("127.0.0.1", c.port), timeout=10)
        huge.sendall(struct.pack(">i", 64 << 20))  # beyond jute.maxbuffer
        assert huge.recv(1) == b""
        assert "bad packet" in c.log() and "out of range" in c.log()
        zk = KazooClient(hosts=c.connect_string, timeout=10)
        zk.start(timeout=20)
        zk.create("/still-serving")
        zk.stop()
        zk.close()


def test_session_moves_to_a_new_connection_with_its_ephemerals():
    with h.Workspace() as ws:
        c = h.Coordinator(ws).start()
        first = Raw(c.port)
        assert first.create_ephemeral("/mine") == 0
        second = Raw(c.port, first.session_id, first.passwd)
        assert second.session_id == first.session_id and second.timeout > 0
        assert first.closed_by_peer()
        zk = KazooClient(hosts=c.connect_string, timeout=10)
        zk.start(timeout=20)
        assert zk.exists("/mine").ephemeralOwner == first.session_id
        bad = Raw(c.port, first.session_id, bytes(16))
        assert bad.timeout == 0 and bad.closed_by_peer()
        zk.stop()
        zk.close()

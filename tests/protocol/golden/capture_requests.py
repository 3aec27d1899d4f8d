#!/usr/bin/python3
"""Captures Kafka request frames exactly as real clients send them.

A minimal broker on a free local port advertises the full API table of src/protocol/kafka/schema
(so each client picks its own highest versions), answers ApiVersions, Metadata and FindCoordinator
just well enough for the client to go on, and never answers anything else. The first frame of each
(api key, version) a client sends is written to <outdir>/<client>_<api>_v<version>.bin (the bytes
after the int32 size prefix: header + body). Run from this directory:

    /usr/bin/python3 capture_requests.py [outdir]   # librdkafka, kafka-python and kafkajs

kafkajs needs `npm install` in tests/ (or NODE_PATH pointing at a node_modules with kafkajs 2.2.4).
"""
import glob
import os
import re
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "..", "src", "protocol", "kafka", "schema")
TOPIC = "golden"
GROUP = "golden-group"


def load_table():
    """api key -> (name, min, max, first flexible or None), from our schema files."""
    table = {}
    for path in glob.glob(os.path.join(SCHEMA, "*.def")):
        key = name = None
        for line in open(path):
            m = re.match(r"api (\d+) (\w+)", line)
            if m:
                key, name = int(m.group(1)), m.group(2)
            m = re.match(r"request (\d+)(?:-(\d+))? flex (\S+)", line)
            if m:
                lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
                flex = None if m.group(3) == "none" else int(m.group(3).rstrip("+"))
                table[key] = (name, lo, hi, flex)
    return table


TABLE = load_table()


def flexible(key, version):
    flex = TABLE[key][3]
    return flex is not None and version >= flex


# ---- minimal encoders ----

def uvarint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def string(s, flex, nullable=False):
    if s is None:
        return uvarint(0) if flex else struct.pack(">h", -1)
    b = s.encode()
    return (uvarint(len(b) + 1) if flex else struct.pack(">h", len(b))) + b


def array(items, flex):
    return (uvarint(len(items) + 1) if flex else struct.pack(">i", len(items))) + b"".join(items)


def tags(flex):
    return b"\0" if flex else b""


def api_versions(version):
    flex = version >= 3
    entries = [struct.pack(">hhh", k, lo, hi) + tags(flex) for k, (_, lo, hi, _) in sorted(TABLE.items())]
    body = struct.pack(">h", 0) + array(entries, flex)
    if version >= 1:
        body += struct.pack(">i", 0)
    return body + tags(flex)


def metadata(version, port):
    flex = flexible(3, version)
    broker = struct.pack(">i", 1) + string("127.0.0.1", flex) + struct.pack(">i", port)
    if version >= 1:
        broker += string(None, flex)
    broker += tags(flex)
    body = struct.pack(">i", 0) if version >= 3 else b""
    body += array([broker], flex)
    if version >= 2:
        body += string("golden-cluster", flex)
    if version >= 1:
        body += struct.pack(">i", 1)
    part = struct.pack(">hii", 0, 0, 1)
    if version >= 7:
        part += struct.pack(">i", 0)
    part += array([struct.pack(">i", 1)], flex) + array([struct.pack(">i", 1)], flex)
    if version >= 5:
        part += array([], flex)
    part += tags(flex)
    topic = struct.pack(">h", 0) + string(TOPIC, flex)
    if version >= 10:
        topic += bytes(range(1, 17))
    if version >= 1:
        topic += b"\0"
    topic += array([part], flex)
    if version >= 8:
        topic += struct.pack(">i", -2147483648)
    topic += tags(flex)
    body += array([topic], flex)
    if 8 <= version <= 10:
        body += struct.pack(">i", -2147483648)
    return body + tags(flex)


def find_coordinator(version, port, key):
    flex = flexible(10, version)
    if version >= 4:
        coord = string(key, flex) + struct.pack(">i", 1) + string("127.0.0.1", flex) + struct.pack(">i", port)
        coord += struct.pack(">h", 0) + string(None, flex) + tags(flex)
        return struct.pack(">i", 0) + array([coord], flex) + tags(flex)
    body = struct.pack(">i", 0) if version >= 1 else b""
    body += struct.pack(">h", 0)
    if version >= 1:
        body += string(None, flex)
    body += struct.pack(">i", 1) + string("127.0.0.1", flex) + struct.pack(">i", port)
    return body + tags(flex)


def read_string(frame, pos, flex):
    if flex:
        n, shift = 0, 0
        while True:
            b = frame[pos]
            pos += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        n -= 1
    else:
        n = struct.unpack_from(">h", frame, pos)[0]
        pos += 2
    if n < 0:
        return None, pos
    return frame[pos:pos + n].decode(), pos + n


# ---- server ----

captured = {}
current = ["unknown"]
OUTDIR = [os.path.join(HERE, "requests")]
# Files are named after the client that sent the frame, told by its client id.
CLIENTS = {"golden-librdkafka": "librdkafka", "golden-kafka-python": "kafka_python", "golden-kafkajs": "kafkajs"}
lock = threading.Lock()


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        port = self.server.server_address[1]
        buf = b""
        while True:
            while len(buf) < 4 or len(buf) < 4 + struct.unpack(">i", buf[:4])[0]:
                try:
                    chunk = sock.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
            n = struct.unpack(">i", buf[:4])[0]
            frame, buf = buf[4:4 + n], buf[4 + n:]
            key, version, corr = struct.unpack_from(">hhi", frame, 0)
            client_id, _ = read_string(frame, 8, False)
            label = CLIENTS.get(client_id, current[0])
            with lock:
                name = "%s_%s_v%d" % (label, TABLE[key][0] if key in TABLE else "key%d" % key, version)
                if name not in captured:
                    captured[name] = frame
                    with open(os.path.join(OUTDIR[0], name + ".bin"), "wb") as f:
                        f.write(frame)
                    print("%-60s %5d bytes" % (name, len(frame)), flush=True)
            body = None
            if key == 18:
                if version > TABLE[18][2]:
                    body = struct.pack(">hi", 35, 1) + struct.pack(">hhh", 18, 0, TABLE[18][2])
                else:
                    body = api_versions(version)
            elif key == 3:
                body = metadata(version, port)
            elif key == 10:
                ckey = GROUP
                if version < 4:
                    # Header: key, version, correlation id, client id (+ tags when flexible); then the key.
                    _, pos = read_string(frame, 8, False)
                    pos += 1 if flexible(10, version) else 0
                    ckey, pos = read_string(frame, pos, flexible(10, version))
                body = find_coordinator(version, port, ckey)
            if body is None:
                continue  # never answered: the client times out
            flex_header = key != 18 and flexible(key, version)
            resp = struct.pack(">i", corr) + (b"\0" if flex_header else b"") + body
            sock.sendall(struct.pack(">i", len(resp)) + resp)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


# ---- clients ----

def librdkafka(port):
    import confluent_kafka
    import confluent_kafka.admin as admin
    base = {"bootstrap.servers": "127.0.0.1:%d" % port, "client.id": "golden-librdkafka",
            "broker.address.family": "v4", "socket.timeout.ms": 2000, "log_level": 0}
    p = confluent_kafka.Producer(dict(base, **{"linger.ms": 0, "acks": -1, "message.timeout.ms": 3000,
                                               "enable.idempotence": False}))
    p.produce(TOPIC, key=b"k", value=b"v", partition=0, timestamp=1700000000000)
    p.flush(4)
    p = confluent_kafka.Producer(dict(base, **{"enable.idempotence": True, "message.timeout.ms": 3000}))
    p.produce(TOPIC, value=b"v", partition=0)
    p.flush(4)
    c = confluent_kafka.Consumer(dict(base, **{"group.id": GROUP, "session.timeout.ms": 6000}))
    c.subscribe([TOPIC])
    c.poll(4)
    c.close()
    a = admin.AdminClient(base)
    futures = []
    for call in (lambda: a.create_topics([admin.NewTopic("golden-new", 3, 1, config={"cleanup.policy": "compact"})],
                                         request_timeout=3).values(),
                 lambda: a.delete_topics(["golden-old"], request_timeout=3).values(),
                 lambda: a.describe_configs([admin.ConfigResource("topic", TOPIC)], request_timeout=3).values(),
                 lambda: [a.list_consumer_groups(request_timeout=3)]):
        try:
            futures += list(call())
        except Exception:
            pass
    for f in futures:
        try:
            f.result(timeout=5)
        except Exception:
            pass


def kafka_python(port):
    import kafka
    import kafka.admin
    kw = {"bootstrap_servers": "127.0.0.1:%d" % port, "client_id": "golden-kafka-python",
          "request_timeout_ms": 3000}
    p = kafka.KafkaProducer(acks=1, max_block_ms=3000, **kw)
    p.send(TOPIC, key=b"k", value=b"v", partition=0, timestamp_ms=1700000000000)
    try:
        p.flush(4)
    except Exception:
        pass
    p.close(1)
    try:
        a = kafka.admin.KafkaAdminClient(**kw)
    except Exception:
        a = None
    calls = [] if a is None else [
        lambda: a.create_topics([kafka.admin.NewTopic("golden-new", 3, 1)], timeout_ms=2000),
        lambda: a.delete_topics(["golden-old"], timeout_ms=2000),
        lambda: a.describe_configs([kafka.admin.ConfigResource("TOPIC", TOPIC)]),
        lambda: a.list_consumer_groups(),
    ]
    for call in calls:
        t = threading.Thread(target=_swallow, args=(call,), daemon=True)
        t.start()
        t.join(5)
    c = kafka.KafkaConsumer(TOPIC, group_id=GROUP, consumer_timeout_ms=3000, session_timeout_ms=6000,
                            heartbeat_interval_ms=2000, **dict(kw, request_timeout_ms=7000))
    try:
        c.poll(3000)
    except Exception:
        pass
    c.close(autocommit=False)


def _swallow(fn):
    try:
        fn()
    except Exception:
        pass


def kafkajs(port):
    env = dict(os.environ)
    env.setdefault("NODE_PATH", os.path.join(HERE, "..", "..", "node_modules"))
    subprocess.run(["node", os.path.join(HERE, "capture_requests_kafkajs.js"), str(port)], timeout=90, env=env,
                   check=False)


def main():
    if len(sys.argv) > 1:
        OUTDIR[0] = sys.argv[1]
    os.makedirs(OUTDIR[0], exist_ok=True)
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name, fn in (("librdkafka", librdkafka), ("kafka_python", kafka_python), ("kafkajs", kafkajs)):
        current[0] = name
        # A client stuck on a request that is never answered is abandoned after a while.
        t = threading.Thread(target=lambda: _swallow(lambda: fn(port)), daemon=True)
        t.start()
        t.join(60)
        time.sleep(0.5)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()

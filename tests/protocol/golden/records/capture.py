#!/usr/bin/python3
"""Captures the record batches that real Kafka clients put in Produce requests.

A minimal broker on a free local port answers ApiVersions (v0-v3), Metadata (v0-v1) and Produce
(v0-v7) just well enough for a producer to send one request, and writes the `records` bytes of
every partition it receives to <outdir>/<name>.bin. Each client then produces the same messages
(see MESSAGES) with one codec. Run from this directory:

    /usr/bin/python3 capture.py [outdir]          # librdkafka and kafka-python
    /usr/bin/python3 capture.py [outdir] kafkajs  # also kafkajs (needs `npm install` in tests/)
"""
import os
import socket
import socketserver
import struct
import subprocess
import sys
import threading

TOPIC = "golden"
# (key, value, headers, timestamp_ms) of the messages each client produces, in order.
MESSAGES = [
    (b"key-0", b"value-0", [("h", b"hv")], 1700000000000),
    (None, b"value-1 with a longer body " * 20, [], 1700000000001),
    (b"key-2", None, [], 1700000000005),
    (b"", b"", [], 1700000000003),
]

# api key -> (min, max) we advertise.
# Fetch, ListOffsets and FindCoordinator are advertised (never answered) because librdkafka derives
# its features from them: MsgVersion 2 and zstd need Produce and Fetch, LZ4 needs FindCoordinator.
APIS = {18: (0, 3), 3: (0, 1), 0: (0, 7), 1: (0, 11), 2: (0, 5), 10: (0, 2)}
captured = {}
current_name = [None]
got_produce = threading.Event()


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return v[0] if len(v) == 1 else v

    def string(self):
        n = self.take(">h")
        if n < 0:
            return None
        s = self.data[self.pos:self.pos + n]
        self.pos += n
        return s.decode()

    def bytes_(self):
        n = self.take(">i")
        if n < 0:
            return None
        s = self.data[self.pos:self.pos + n]
        self.pos += n
        return s


def s16(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def api_versions(version):
    if version >= 3:
        body = struct.pack(">h", 0) + bytes([len(APIS) + 1])
        for k, (lo, hi) in APIS.items():
            body += struct.pack(">hhh", k, lo, hi) + b"\0"
        return body + struct.pack(">i", 0) + b"\0"
    body = struct.pack(">hi", 0, len(APIS))
    for k, (lo, hi) in APIS.items():
        body += struct.pack(">hhh", k, lo, hi)
    if version >= 1:
        body += struct.pack(">i", 0)
    return body


def metadata(version, port):
    body = struct.pack(">i", 1) + struct.pack(">i", 1) + s16("127.0.0.1") + struct.pack(">i", port)
    if version >= 1:
        body += struct.pack(">h", -1)  # rack
        body += struct.pack(">i", 1)  # controller id
    body += struct.pack(">i", 1) + struct.pack(">h", 0) + s16(TOPIC)
    if version >= 1:
        body += b"\0"  # is_internal
    body += struct.pack(">i", 1) + struct.pack(">hii", 0, 0, 1)
    body += struct.pack(">ii", 1, 1) + struct.pack(">ii", 1, 1)
    return body


def produce(version, r):
    if version >= 3:
        r.string()  # transactional id
    r.take(">h")  # acks
    r.take(">i")  # timeout
    out = b""
    topics = r.take(">i")
    out += struct.pack(">i", topics)
    for _ in range(topics):
        name = r.string()
        out += s16(name)
        parts = r.take(">i")
        out += struct.pack(">i", parts)
        for _ in range(parts):
            index = r.take(">i")
            records = r.bytes_()
            captured[current_name[0]] = records
            out += struct.pack(">ihq", index, 0, 0)
            if version >= 2:
                out += struct.pack(">q", -1)
            if version >= 5:
                out += struct.pack(">q", 0)
    if version >= 1:
        out += struct.pack(">i", 0)
    got_produce.set()
    return out


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        buf = b""
        while True:
            while len(buf) < 4 or len(buf) < 4 + struct.unpack(">i", buf[:4])[0]:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            n = struct.unpack(">i", buf[:4])[0]
            frame, buf = buf[4:4 + n], buf[4 + n:]
            r = Reader(frame)
            key, version, corr = r.take(">hhi")
            r.string()  # client id
            if key == 18:
                body = api_versions(version)
            elif key == 3:
                body = metadata(version, self.server.server_address[1])
            elif key == 0:
                body = produce(version, r)
            else:
                return
            resp = struct.pack(">i", corr) + body
            sock.sendall(struct.pack(">i", len(resp)) + resp)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def run_librdkafka(port, codec):
    import confluent_kafka
    p = confluent_kafka.Producer({"bootstrap.servers": f"127.0.0.1:{port}", "compression.codec": codec,
                                  "linger.ms": 100, "acks": 1, "api.version.request": True,
                                  "broker.address.family": "v4"})
    for k, v, h, ts in MESSAGES:
        p.produce(TOPIC, key=k, value=v, headers=h or None, timestamp=ts, partition=0)
    p.flush(10)


def run_kafka_python(port, codec, api_version):
    import kafka
    p = kafka.KafkaProducer(bootstrap_servers=f"127.0.0.1:{port}", compression_type=codec, linger_ms=100,
                            api_version=api_version, acks=1)
    for k, v, h, ts in MESSAGES:
        p.send(TOPIC, key=k, value=v, headers=h if api_version >= (0, 11) else None, timestamp_ms=ts
               if api_version >= (0, 10) else None, partition=0)
    p.flush(10)
    p.close(5)


def run_kafkajs(port, codec):
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ)
    env.setdefault("NODE_PATH", os.path.join(here, "..", "..", "..", "node_modules"))
    subprocess.run(["node", os.path.join(here, "capture_kafkajs.js"), str(port), codec], check=True, timeout=60,
                   env=env)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "kafkajs" else os.path.dirname(
        os.path.abspath(__file__))
    with_kafkajs = "kafkajs" in sys.argv[1:]
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    jobs = []
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
        jobs.append((f"librdkafka_{codec}", lambda c=codec: run_librdkafka(port, c)))
        jobs.append((f"kafka_python_{codec}",
                     lambda c=codec: run_kafka_python(port, None if c == "none" else c, (2, 1, 0))))
    for magic, api in [(1, (0, 10, 2)), (0, (0, 9))]:
        for codec in ["none", "gzip", "snappy", "lz4"]:
            jobs.append((f"kafka_python_magic{magic}_{codec}",
                         lambda c=codec, a=api: run_kafka_python(port, None if c == "none" else c, a)))
    if with_kafkajs:
        for codec in ["none", "gzip", "snappy", "lz4"]:
            jobs.append((f"kafkajs_{codec}", lambda c=codec: run_kafkajs(port, c)))
    for name, job in jobs:
        current_name[0] = name
        got_produce.clear()
        job()
        if not got_produce.wait(10) or captured.get(name) is None:
            sys.exit(f"no Produce captured for {name}")
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(captured[name])
        print(f"{name}: {len(captured[name])} bytes")
    server.shutdown()


if __name__ == "__main__":
    main()

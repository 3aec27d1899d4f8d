"""`brook produce` / `brook consume` against brook-broker, cross-checked with kcat (librdkafka)."""
import json
import os

import pytest

from brook_harness import Broker, Workspace, run_client
from e2e_clients import brook_cli as brook, cli_stdout as ok


@pytest.fixture(scope="module")
def broker():
    with Workspace("brook-cli-pc") as ws:
        b = Broker(ws, overrides={"num.partitions": "1"}).start()
        yield b
        assert b.stop() == 0, b.log()


def kcat(broker, *args, input=None):
    return run_client(["kcat", "-b", broker.bootstrap, *args], input=input).stdout


def test_consume_reads_what_kcat_wrote_byte_for_byte(broker):
    # Arbitrary bytes except the newline kcat splits on (and no empty line, which kcat skips).
    lines = [b"plain", "héllo wörld ✓".encode(), b"\x00\x01\x02\xff\xfe", b"tab\tinside", b"x" * 5000,
             os.urandom(300).replace(b"\n", b"")]
    kcat(broker, "-P", "-t", "bytes", input=b"\n".join(lines) + b"\n")
    out = ok(brook(broker, "consume", "--topic", "bytes", "--from-beginning", "--max-messages", str(len(lines))))
    assert out == b"".join(l + b"\n" for l in lines)


def test_kcat_reads_what_brook_produced_with_keys_and_headers(broker):
    data = b"h1:v1,h2:v2\tk1\tvalue one\nh3:x\tk2\tvalue two\n"
    ok(brook(broker, "produce", "--topic", "keyed", "--property", "parse.key=true",
             "--property", "parse.headers=true", input=data))
    out = kcat(broker, "-C", "-t", "keyed", "-o", "beginning", "-e", "-f", "%k|%s|%h\n").decode().splitlines()
    assert out == ["k1|value one|h1=v1,h2=v2", "k2|value two|h3=x"]


def test_key_separator_and_formats(broker):
    ok(brook(broker, "produce", "--topic", "fmt", "--property", "parse.key=true", "--property", "key.separator=:",
             input=b"a:1\nb:2\nc:3\n"))
    out = ok(brook(broker, "consume", "--topic", "fmt", "--from-beginning", "--max-messages", "3",
                   "--format", "%p/%o %k=%s\\n")).decode()
    assert out == "0/0 a=1\n0/1 b=2\n0/2 c=3\n"
    rows = [json.loads(l) for l in ok(brook(broker, "consume", "--topic", "fmt", "--from-beginning",
                                            "--max-messages", "3", "--json")).decode().splitlines()]
    assert [(r["key"], r["value"], r["offset"]) for r in rows] == [("a", "1", 0), ("b", "2", 1), ("c", "3", 2)]
    props = ok(brook(broker, "consume", "--topic", "fmt", "--from-beginning", "--max-messages", "1",
                     "--property", "print.key=true", "--property", "print.offset=true")).decode()
    assert props == "Offset:0\ta\t1\n"


def test_offset_partition_timestamp_and_exit_at_end(broker):
    kcat(broker, "-P", "-t", "positions", input=b"".join(b"m%d\n" % i for i in range(10)))
    out = ok(brook(broker, "consume", "--topic", "positions", "--partition", "0", "--offset", "7", "--exit-at-end"))
    assert out == b"m7\nm8\nm9\n"
    out = ok(brook(broker, "consume", "--topic", "positions", "--from-beginning", "--exit-at-end"))
    assert out.count(b"\n") == 10
    # A timestamp in the far future starts at the end: nothing to print.
    out = ok(brook(broker, "consume", "--topic", "positions", "--timestamp", "99999999999999", "--exit-at-end"))
    assert out == b""
    out = ok(brook(broker, "consume", "--topic", "positions", "--timestamp", "0", "--max-messages", "2"))
    assert out == b"m0\nm1\n"


def test_consume_unknown_topic_is_a_cluster_error(broker):
    r = brook(broker, "consume", "--topic", "never-created", "--max-messages", "1")
    assert r.returncode == 1

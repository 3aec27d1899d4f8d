"""Client-side helpers shared by the end-to-end tests: the `brook` command line and a bounded
confluent-kafka consume loop. Kept apart from brook_harness so that tests which only start
processes do not import the Kafka client modules."""
import subprocess
import time

from brook_harness import executable


def brook_cli(broker, *args, input=None, timeout=60):
    """Runs `brook <args> --bootstrap-server <broker>`; returns the CompletedProcess (bytes output)."""
    return subprocess.run([executable("brook"), *args, "--bootstrap-server", broker.bootstrap],
                          input=input, capture_output=True, timeout=timeout)


def cli_stdout(r):
    """The stdout of a `brook` run that must have succeeded (its output in the assertion otherwise)."""
    assert r.returncode == 0, f"rc={r.returncode}\nstdout:\n{r.stdout.decode(errors='replace')}\n" \
                              f"stderr:\n{r.stderr.decode(errors='replace')}"
    return r.stdout


def cli_text(r):
    return cli_stdout(r).decode()


def confluent_consume(bootstrap, topic, expected, partition=0, extra=None, timeout=30):
    """Reads `expected` messages of one partition from offset 0 with confluent-kafka's Consumer
    (assign, no group commits); returns the messages, fewer if `timeout` seconds pass first."""
    from confluent_kafka import Consumer, KafkaError, TopicPartition

    conf = {"bootstrap.servers": bootstrap, "group.id": "unused", "enable.auto.commit": False,
            "enable.partition.eof": True}
    conf.update(extra or {})
    c = Consumer(conf)
    c.assign([TopicPartition(topic, partition, 0)])
    got = []
    try:
        deadline = time.monotonic() + timeout
        while len(got) < expected and time.monotonic() < deadline:
            m = c.poll(1.0)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise RuntimeError(m.error())
            got.append(m)
    finally:
        c.close()
    return got

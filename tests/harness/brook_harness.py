"""Shared harness for Brook's end-to-end tests (run with /usr/bin/python3 and pytest).

Starts real processes on free ports (so `ctest -j` can run tests side by side), waits until they
accept connections, stops or `kill -9`s them, and launches a real Apache ZooKeeper 3.8 from Debian's
package. Every wait is bounded; on a failed wait the process log is printed.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BUILD_DIR = os.environ.get("BROOK_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SOURCE_DIR = os.environ.get("BROOK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

_rng = random.Random(os.getpid())
# Ports already handed out by this process: a test often asks for several before anything binds them.
_handed_out = set()

# Workspaces still open, and the process logs of workspaces closed by a failing `with` block: the
# pytest hook in tests/e2e/conftest.py attaches both to a failed test's report.
_open_workspaces = []
_failed_logs = []
LOG_TAIL_LINES = 150


def log_tail(text, lines=LOG_TAIL_LINES):
    parts = text.splitlines()
    if len(parts) <= lines:
        return text
    return f"[... {len(parts) - lines} earlier lines]\n" + "\n".join(parts[-lines:])


def collect_failure_logs():
    """Logs of every process of the open workspaces plus those saved by failing ones; clears the latter."""
    logs = list(_failed_logs)
    _failed_logs.clear()
    for ws in _open_workspaces:
        logs.extend(ws.process_logs())
    return logs


def free_port():
    """A loopback TCP port nothing listens on now and not returned before by this process."""
    for _ in range(1000):
        port = _rng.randint(20000, 59999)
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port")


def port_accepts(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def four_letter_word(port, word, timeout=5.0):
    """Sends a ZooKeeper four-letter word and returns the whole answer ('' on any socket error)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(word.encode())
            chunks = []
            while True:
                data = s.recv(4096)
                if not data:
                    break
                chunks.append(data)
        return b"".join(chunks).decode(errors="replace")
    except OSError:
        return ""


def executable(name):
    for sub in ("src/broker", "src/coordinator", "src/client", ""):
        p = os.path.join(BUILD_DIR, sub, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{name} is not built under {BUILD_DIR}")


def wait_until(predicate, timeout=30.0, what="condition", interval=0.02):
    """Polls `predicate` until true or raises after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


class Process:
    """A child process with its output in a log file."""

    def __init__(self, argv, workdir, name, env=None):
        self.argv = argv
        self.name = name
        self.workdir = workdir
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.env = dict(os.environ, **(env or {}))
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env, start_new_session=True)
        log.close()
        return self

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_for_port(self, port, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"{self.name} exited early (rc={self.proc.returncode}); log:\n{self.log()}")
            if port_accepts(port):
                return
            time.sleep(0.02)
        raise TimeoutError(f"{self.name} did not listen on {port} within {timeout}s; log:\n{self.log()}")

    def stop(self, timeout=20.0):
        """SIGTERM and wait; SIGKILL if it does not exit in time. Returns the exit code."""
        if not self.running():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise TimeoutError(f"{self.name} ignored SIGTERM for {timeout}s; log:\n{self.log()}")

    def kill9(self):
        if self.running():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


class Workspace:
    """A temporary directory for one test, removed afterwards unless BROOK_KEEP_TEST_DIRS is set."""

    def __init__(self, prefix="brook-e2e"):
        self.path = tempfile.mkdtemp(prefix=prefix + "-")
        self.processes = []
        _open_workspaces.append(self)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            _failed_logs.extend(self.process_logs())
        self.close()

    def process_logs(self):
        """(name, tail of its log) for every process started in this workspace."""
        return [(p.name, log_tail(p.log())) for p in self.processes]

    def close(self):
        if self in _open_workspaces:
            _open_workspaces.remove(self)
        for p in self.processes:
            try:
                p.kill9()
            except Exception:
                pass
        if not os.environ.get("BROOK_KEEP_TEST_DIRS"):
            shutil.rmtree(self.path, ignore_errors=True)

    def track(self, process):
        self.processes.append(process)
        return process


class Coordinator(Process):
    """A `brook-coordinator` on a free client port with its own data dir."""

    def __init__(self, ws, name="coordinator", extra=None):
        self.port = free_port()
        self.data_dir = os.path.join(ws.path, name + "-data")
        os.makedirs(self.data_dir, exist_ok=True)
        cfg = os.path.join(ws.path, name + ".properties")
        settings = {"tickTime": "2000", "dataDir": self.data_dir, "clientPort": str(self.port),
                    "clientPortAddress": "127.0.0.1", "4lw.commands.whitelist": "*"}
        settings.update(extra or {})
        with open(cfg, "w") as f:
            for k, v in settings.items():
                f.write(f"{k}={v}\n")
        super().__init__([executable("brook-coordinator"), cfg], ws.path, name)
        ws.track(self)

    @property
    def connect_string(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=30.0):
        super().start()
        self.wait_for_port(self.port, timeout)
        return self


class Broker(Process):
    """A `brook-broker` on a free port. With `zookeeper` None it runs its embedded coordinator."""

    def __init__(self, ws, broker_id=0, zookeeper=None, overrides=None, name=None):
        self.name_ = name or f"broker{broker_id}"
        self.port = free_port()
        self.log_dir = os.path.join(ws.path, self.name_ + "-logs")
        settings = {"broker.id": str(broker_id), "listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
                    "log.dirs": self.log_dir, "num.partitions": "1",
                    "offsets.topic.replication.factor": "1", "group.initial.rebalance.delay.ms": "0"}
        if zookeeper:
            settings["zookeeper.connect"] = zookeeper
        else:
            settings["coordinator.embedded.port"] = "0"
        settings.update(overrides or {})
        cfg = os.path.join(ws.path, self.name_ + ".properties")
        with open(cfg, "w") as f:
            for k, v in settings.items():
                f.write(f"{k}={v}\n")
        super().__init__([executable("brook-broker"), cfg], ws.path, self.name_)
        ws.track(self)

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=30.0):
        super().start()
        self.wait_for_port(self.port, timeout)
        return self


ZOOKEEPER_JAR = "/usr/share/java/zookeeper.jar"


class ZooKeeper(Process):
    """A real Apache ZooKeeper 3.8 standalone server from Debian's `zookeeper` package."""

    def __init__(self, ws, name="zookeeper"):
        self.port = free_port()
        self.data_dir = os.path.join(ws.path, name + "-data")
        os.makedirs(self.data_dir, exist_ok=True)
        conf_dir = os.path.join(ws.path, name + "-conf")
        os.makedirs(conf_dir, exist_ok=True)
        cfg = os.path.join(conf_dir, "zoo.cfg")
        with open(cfg, "w") as f:
            f.write(f"tickTime=2000\ndataDir={self.data_dir}\nclientPort={self.port}\n"
                    "clientPortAddress=127.0.0.1\nadmin.enableServer=false\n4lw.commands.whitelist=*\n"
                    "maxClientCnxns=0\n")
        with open(os.path.join(conf_dir, "log4j.properties"), "w") as f:
            f.write("log4j.rootLogger=INFO, CONSOLE\nlog4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender\n"
                    "log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout\n"
                    "log4j.appender.CONSOLE.layout.ConversionPattern=%d %p %m%n\n")
        jars = ["zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-log4j12.jar", "log4j-1.2.jar",
                "netty-handler.jar", "netty-common.jar", "netty-buffer.jar", "netty-transport.jar",
                "netty-codec.jar", "netty-resolver.jar", "netty-transport-native-epoll.jar",
                "netty-transport-native-unix-common.jar", "metrics-core.jar", "commons-cli.jar", "snappy-java.jar"]
        classpath = ":".join([conf_dir] + ["/usr/share/java/" + j for j in jars])
        super().__init__(["java", "-Xmx512m", "-cp", classpath,
                          "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg], ws.path, name)
        ws.track(self)

    @property
    def connect_string(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=60.0):
        super().start()
        self.wait_for_port(self.port, timeout)
        # The port opens before the server serves: wait for "imok".
        wait_until(lambda: four_letter_word(self.port, "ruok", timeout=2.0) == "imok", timeout,
                   "ZooKeeper to answer ruok", interval=0.1)
        return self


def run_client(argv, timeout=60, input=None, check=True):
    """Runs a stock client command (kcat, zkCli.sh, node ...) with a bounded time."""
    r = subprocess.run(argv, input=input, capture_output=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed rc={r.returncode}\nstdout:\n{r.stdout.decode(errors='replace')}\n"
                           f"stderr:\n{r.stderr.decode(errors='replace')}")
    return r


def zkcli(connect, *commands, timeout=60):
    """Runs zkCli.sh from Debian's zookeeper package with one command (the tool takes one per call)."""
    return run_client(["/usr/share/zookeeper/bin/zkCli.sh", "-server", connect, *commands], timeout=timeout)

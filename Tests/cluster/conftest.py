"""Cluster tests: scripts/cluster.sh brings up Redis (with Sentinel when available),
PostgreSQL, 3 `stockpush serve` instances and nginx in a temporary folder; the tests
kill, stop and restart instances and dependencies under hundreds of clients.

    swift build -c release --product stockpush
    STOCKPUSH_BIN=$PWD/.build/release/stockpush .build-venv/bin/python -m pytest -q Tests/cluster

The cluster's folder (logs, nginx access log) is removed afterwards unless
STOCKPUSH_KEEP_CLUSTER=1; a failing test shows the instances' log tails.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(__file__)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
from cluster_support import JWT_SECRET  # noqa: E402
from e2e_support import free_port, http_json, http_request  # noqa: E402
from spec_guard import spec_drift_guard  # noqa: E402,F401 (an autouse fixture)

CLUSTER = os.path.join(ROOT, "scripts", "cluster.sh")
INTERVAL = 1.0  # seconds between ticks (the scheduler's interval)
INSTANCES = 3


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (not yet reaped by init) counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


class Instance:
    def __init__(self, cluster, n):
        self.cluster = cluster
        self.n = n
        self.id = f"node-{n}"
        self.port = int(open(os.path.join(cluster.dir, f"instance-{n}.port")).read())
        self.http = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(cluster.dir, f"instance-{n}.log")

    @property
    def pid(self):
        try:
            return int(open(os.path.join(self.cluster.dir, f"instance-{self.n}.pid")).read())
        except (OSError, ValueError):
            return None

    def running(self):
        return self.pid is not None and _alive(self.pid)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def signal(self, sig):
        os.kill(self.pid, sig)

    def kill(self):
        """kill -9 and wait until the process is gone."""
        self.signal(signal.SIGKILL)
        self.wait_exit(10)

    def terminate(self):
        self.signal(signal.SIGTERM)

    def wait_exit(self, timeout):
        pid, deadline = self.pid, time.monotonic() + timeout
        while _alive(pid):
            assert time.monotonic() < deadline, f"{self.id} still running {timeout} s after the signal"
            time.sleep(0.05)

    def start(self):
        """Starts it again (same port, same id), waits until ready, then until nginx sends
        it requests again: its passive health check leaves a failed instance alone for
        fail_timeout (5 s) and then tries it with a live request (here /healthz)."""
        self.cluster.script("instance", str(self.n))
        served = f"upstream=127.0.0.1:{self.port} upstream_status=200"
        seen = self.cluster.access_log().count(served)
        deadline = time.monotonic() + 15
        while self.cluster.access_log().count(served) == seen:
            assert time.monotonic() < deadline, f"nginx sent {self.id} nothing within 15 s of its restart"
            http_request(self.cluster.http, "GET", "/healthz")
            time.sleep(0.1)

    def get(self, path):
        return http_json(self.http, "GET", path)

    def readyz(self):
        return http_json(self.http, "GET", "/readyz", timeout=3)

    def client_addresses(self):
        """remote_addr of the clients this instance holds (the list is cluster-wide and
        paged: the filter and the limit ask for this instance's clients, all of them)."""
        status, body = http_json(self.http, "GET", f"/api/websocket/clients?instance={self.id}&limit=1000")
        assert status == 200, body
        return {c["remote_addr"] for c in body["clients"] if c["instance"] == self.id}

    def leads(self):
        """Whether its log says it leads the scheduler now (last lead/lost line)."""
        lines = re.findall(r"scheduler: \S+ (now leads quote pulls|lost the lead)|leader lock unavailable", self.log())
        return bool(lines) and lines[-1] == "now leads quote pulls"


class Cluster:
    def __init__(self, folder, env):
        self.dir = folder
        self.env = env
        self.script("start")
        exports = dict(re.findall(r"^export (\w+)=(.*)$", self.script("env"), re.M))
        self.http = exports["CLUSTER_HTTP"]
        self.ws = exports["CLUSTER_WS"]
        self.data = exports
        self.sentinel = os.path.exists(os.path.join(folder, "sentinel.mode"))
        self.instances = [Instance(self, n) for n in range(1, INSTANCES + 1)]
        for instance in self.instances:  # snapshots need the first tick's quotes
            self.wait_for(lambda: (instance.get("/api/websocket/stats")[1].get("last_tick") or {}).get("quotes"), 15,
                          f"{instance.id} holding quotes")

    def script(self, command, *args):
        result = subprocess.run([CLUSTER, command, self.dir, *args], env=self.env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, f"cluster.sh {command} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def access_log(self):
        with open(os.path.join(self.dir, "nginx-access.log")) as f:
            return f.read()

    def stop(self):
        subprocess.run([CLUSTER, "stop", self.dir], env=self.env, capture_output=True, timeout=120)

    def leader(self):
        """The instance leading the scheduler: from the cluster stats, or from the logs
        when the stats do not answer."""
        status, body = http_json(self.http, "GET", "/api/websocket/stats")
        if status == 200 and isinstance(body.get("instances"), list):
            ids = [entry["id"] for entry in body["instances"] if entry.get("leader")]
            return [i for i in self.instances if i.id in ids]
        return [i for i in self.instances if i.running() and i.leads()]

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            assert time.monotonic() < deadline, f"not {what} within {timeout} s"
            time.sleep(0.1)
        return value

    def heal(self):
        """Every instance running and ready again (after a test killed some)."""
        for instance in self.instances:
            if not instance.running():
                instance.start()

    def logs(self):
        return {i.id: i.log()[-4000:] for i in self.instances}


@pytest.fixture(scope="session")
def cluster():
    binary = os.environ.get("STOCKPUSH_BIN")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail("set STOCKPUSH_BIN to a release build (swift build -c release --product stockpush)", pytrace=False)
    folder = tempfile.mkdtemp(prefix="stockpush-cluster-")
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "PORT", "HOST")}
    env.update({
        "STOCKPUSH_BIN": binary, "CLUSTER_PORT": str(free_port()), "CLUSTER_QUOTE_INTERVAL": str(INTERVAL),
        "CLUSTER_DRAIN_DELAY": "2", "SHUTDOWN_RECONNECT_MAX_MS": "1000", "CLUSTER_LOG_LEVEL": "info",
        "JWT_SECRET": JWT_SECRET, "WS_MAX_CONNECTIONS_PER_USER": "3",
        # The chaos tests stop pulls for seconds on purpose: whether that also raises stale
        # flags must not depend on which markets happen to be open when CI runs.
        "STALE_AFTER": "0",
    })
    cluster = Cluster(folder, env)
    try:
        yield cluster
    finally:
        cluster.stop()
        if not os.environ.get("STOCKPUSH_KEEP_CLUSTER"):  # logs stay only when asked for
            pg = os.path.join(folder, "services", "pg")
            if os.path.islink(pg):
                shutil.rmtree(os.path.realpath(pg), ignore_errors=True)
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def healthy(cluster):
    """Each test starts with all three instances up and every one ready."""
    cluster.heal()
    for instance in cluster.instances:
        cluster.wait_for(lambda: instance.readyz()[0] == 200, 30, f"{instance.id} ready")
    yield cluster


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
    if report.failed and "cluster" in item.funcargs:
        for name, log in item.funcargs["cluster"].logs().items():
            report.sections.append((f"{name} log (tail)", log))

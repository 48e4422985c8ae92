"""End-to-end fixtures: the real `stockpush` binary, real Redis and PostgreSQL.

Environment (scripts/test.sh sets all three):
  STOCKPUSH_BIN  path of a built `stockpush` (swift build -c release --product stockpush)
  REDIS_URL      redis://127.0.0.1:PORT/0
  DATABASE_URL   postgres://stockpush@127.0.0.1:PORT/stockpush (a role allowed to CREATE DATABASE)

Local run:
  swift build -c release --product stockpush
  eval "$(scripts/services.sh start /tmp/e2e-svc)"
  STOCKPUSH_BIN=.build/release/stockpush .build-venv/bin/python -m pytest -q Tests/e2e
  scripts/services.sh stop /tmp/e2e-svc

Every server gets a fresh database (created with `psql`, migrated with
`stockpush migrate`) and a Redis prefix of its own, so servers never see each
other's catalog or ticks.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from e2e_support import free_port, http_json, http_request  # noqa: E402
from spec_guard import spec_drift_guard  # noqa: E402,F401 (an autouse fixture)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MIGRATIONS = os.path.join(ROOT, "migrations")

# Servers currently running, so a failing test can show their logs.
_LIVE_SERVERS = []


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set. Run through scripts/test.sh, or locally: "
            "swift build -c release --product stockpush && "
            'eval "$(scripts/services.sh start /tmp/e2e-svc)" && '
            "STOCKPUSH_BIN=.build/release/stockpush .build-venv/bin/python -m pytest -q Tests/e2e",
            pytrace=False,
        )
    return value


@pytest.fixture(scope="session")
def environment():
    binary = _env("STOCKPUSH_BIN")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"STOCKPUSH_BIN={binary} is not an executable", pytrace=False)
    return {"bin": binary, "redis": _env("REDIS_URL"), "database": _env("DATABASE_URL")}


def _psql(url, sql):
    result = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True, timeout=30
    )
    if result.returncode != 0:
        raise AssertionError(f"psql {sql!r} failed: {result.stderr.strip()}")
    return result.stdout


def _with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class Database:
    """A fresh, migrated database of its own."""

    def __init__(self, environment):
        self.admin_url = environment["database"]
        self.name = "e2e_" + uuid.uuid4().hex[:12]
        _psql(self.admin_url, f"CREATE DATABASE {self.name}")
        self.url = _with_database(self.admin_url, self.name)
        result = subprocess.run(
            [environment["bin"], "migrate", "--database-url", self.url, "--migrations-dir", MIGRATIONS],
            capture_output=True, text=True, timeout=60,
        )
        if result.returncode != 0:
            raise AssertionError(f"stockpush migrate failed ({result.returncode}): {result.stderr}")

    def sql(self, statement):
        return _psql(self.url, statement)

    def drop(self):
        try:
            _psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        except AssertionError:
            pass


class Server:
    """A running `stockpush serve` and where to reach it."""

    def __init__(self, environment, tmp_dir, args=(), env=None, admin_token=None, wait_for_quotes=True,
                 prefix=None, database=None):
        # Instances of one cluster share a Redis prefix and a database; the first owns the database.
        self.owns_database = database is None
        self.database = database or Database(environment)
        self.port = free_port()
        self.host = "127.0.0.1"
        self.http = f"http://{self.host}:{self.port}"
        self.ws = f"ws://{self.host}:{self.port}/ws/stock/prices"
        self.admin_token = admin_token
        self.prefix = prefix or "e2e-" + uuid.uuid4().hex[:12]
        self.log_path = os.path.join(tmp_dir, f"stockpush-{self.port}.log")
        self.command = [
            environment["bin"], "serve",
            "--host", self.host, "--port", str(self.port), "--threads", "2",
            "--redis-url", environment["redis"], "--redis-prefix", self.prefix,
            "--database-url", self.database.url, "--quote-interval", "0.2",
            *args,
        ]
        if admin_token is not None:
            self.command += ["--admin-token", admin_token]
        full_env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        # Quotes at any hour unless a test enforces market hours (--market-hours enforce).
        full_env.setdefault("MARKET_HOURS", "ignore")
        # Quotes are judged stale only where a test asks (--stale-after): the default, three
        # 0.2 s pulls, would flag quotes whenever a loaded machine delays a pull while a
        # market happens to be open.
        full_env.setdefault("STALE_AFTER", "120")
        full_env.update(env or {})
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT)
        self.exit_code = None
        self.killed = False
        _LIVE_SERVERS.append(self)
        try:
            self._wait_ready(wait_for_quotes)
        except BaseException:
            self.stop(check=False)
            raise

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def admin_headers(self):
        return {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}

    def _wait_ready(self, wait_for_quotes):
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode} at start:\n{self.log()}")
            try:
                status, _, _ = http_request(self.http, "GET", "/readyz", timeout=1)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"/readyz not 200 within 15 s:\n{self.log()}")
            time.sleep(0.05)
        if not wait_for_quotes:
            return
        # Snapshots need quotes: wait until the publisher has seen a tick holding some.
        while True:
            status, body = http_json(self.http, "GET", "/api/websocket/stats", headers=self.admin_headers())
            tick = body.get("last_tick") if status == 200 else None
            if tick and tick.get("quotes", 0) > 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no quotes published within 15 s (stats {status} {body}):\n{self.log()}")
            time.sleep(0.05)

    def terminate(self):
        """Sends SIGTERM (graceful shutdown)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def kill(self):
        """Sends SIGKILL (a crash: no close frames, no cleanup) and reaps the process."""
        if self.process.poll() is None:
            self.process.kill()
        self.exit_code = self.process.wait()
        self.killed = True

    def wait_exit(self, timeout):
        try:
            self.exit_code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"server did not exit within {timeout} s of SIGTERM:\n{self.log()[-4000:]}")
        return self.exit_code

    def stop(self, check=True):
        try:
            if not self.killed:
                self.terminate()
                code = self.wait_exit(10)
                if check:
                    assert code == 0, f"server exited with {code} after SIGTERM:\n{self.log()[-4000:]}"
        finally:
            self._log.close()
            if self in _LIVE_SERVERS:
                _LIVE_SERVERS.remove(self)
            if self.owns_database:
                self.database.drop()


@pytest.fixture(scope="module")
def server_factory(environment, tmp_path_factory):
    """start(*args, env=None, admin_token=None, prefix=None, database=None) -> Server.

    Pass `prefix=` and `database=` of a first server to start more instances of one cluster.
    All still running are stopped (SIGTERM, exit 0 within 10 s) at the end, the database owners last."""
    servers = []
    tmp_dir = str(tmp_path_factory.mktemp("servers"))

    def start(*args, env=None, admin_token=None, wait_for_quotes=True, prefix=None, database=None):
        server = Server(environment, tmp_dir, args=args, env=env, admin_token=admin_token,
                        wait_for_quotes=wait_for_quotes, prefix=prefix, database=database)
        servers.append(server)
        return server

    yield start
    errors = []
    for server in sorted(servers, key=lambda s: s.owns_database):
        try:
            server.stop()
        except AssertionError as error:
            errors.append(str(error))
    if errors:
        pytest.fail("\n\n".join(errors), pytrace=False)


@pytest.fixture
def database(environment):
    """A fresh, migrated database for a test that runs the binary itself; dropped after."""
    db = Database(environment)
    yield db
    db.drop()


@pytest.fixture(scope="module")
def server(server_factory):
    """A plain server with the defaults (anonymous clients, no admin token)."""
    return server_factory()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
    if report.failed and not hasattr(report, "wasxfail"):
        for server in list(_LIVE_SERVERS):
            report.sections.append((f"stockpush :{server.port} log (tail)", server.log()[-6000:]))

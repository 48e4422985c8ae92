"""The shipped deploy/nginx.conf, rendered by scripts/cluster.sh with real ports: `nginx -t`
accepts it, and a real nginx in front of two real `stockpush serve` instances upgrades
WebSocket connections, names the client in X-Forwarded-For, and moves plain HTTP and new
clients to the other instance when one is gone or draining.

The live tests need the release binary and Redis/PostgreSQL (scripts/test.sh sets them):
    STOCKPUSH_BIN=.build/release/stockpush REDIS_URL=... DATABASE_URL=... \\
        .build-venv/bin/python -m pytest -q Tests/deploy/test_nginx.py
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/e2e"))
from e2e_support import Client, free_port, http_json, http_request, run_async, websocket_handshake  # noqa: E402

# The e2e fixtures' Server and Database classes, loaded under a name of their own.
_spec = importlib.util.spec_from_file_location("e2e_fixtures", ROOT / "Tests/e2e/conftest.py")
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The test clients connect from this loopback address, nginx and the servers use 127.0.0.1:
# the servers trust 127.0.0.1 only, so what they report must be the client's own address.
CLIENT_ADDRESS = "127.0.0.2"


def render(out: Path, listen: int, targets: list[str]) -> Path:
    subprocess.run([str(ROOT / "scripts/cluster.sh"), "render-nginx", str(out), str(listen), *targets], check=True)
    return out


class Nginx:
    """nginx on the rendered config, in a folder of its own."""

    def __init__(self, folder: Path, targets: list[str]):
        self.folder = folder
        self.port = free_port()
        self.conf = render(folder / "nginx.conf", self.port, targets)
        self.http = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}/ws/stock/prices"
        result = subprocess.run([NGINX, "-p", str(folder), "-c", str(self.conf)], capture_output=True, text=True)
        assert result.returncode == 0, f"nginx did not start: {result.stderr}"

    def stop(self):
        pid_file = self.folder / "nginx.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text())
            os.kill(pid, signal.SIGQUIT)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.05)
            os.kill(pid, signal.SIGKILL)

    def access_log(self) -> str:
        path = self.folder / "nginx-access.log"
        return path.read_text() if path.exists() else ""


def test_the_shipped_config_passes_nginx_t(tmp_path):
    conf = render(tmp_path / "nginx.conf", free_port(), [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"])
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_rendering_replaces_only_the_marked_lines(tmp_path):
    port, targets = free_port(), ["127.0.0.1:1001", "127.0.0.1:1002", "127.0.0.1:1003"]
    text = render(tmp_path / "nginx.conf", port, targets).read_text()
    assert f"listen 127.0.0.1:{port};" in text
    for target in targets:
        assert f"server {target} max_fails=" in text
    assert "stockpush-1:8000" not in text and "/var/log/nginx" not in text.split("\nworker_processes", 1)[1]
    for directive in ("proxy_http_version 1.1;", "proxy_buffering off;", "least_conn;", "zone stockpush",
                      "proxy_read_timeout 120s;", "proxy_send_timeout 120s;",
                      "proxy_next_upstream error timeout http_502 http_503;",
                      "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;",
                      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                      "proxy_set_header X-Real-IP $remote_addr;", "proxy_set_header Host $http_host;",
                      "proxy_set_header X-Forwarded-Proto $scheme;"):
        assert directive in text, f"{directive} missing"


# MARK: live: nginx in front of two instances


def _environment():
    binary, redis, database = (os.environ.get(name) for name in ("STOCKPUSH_BIN", "REDIS_URL", "DATABASE_URL"))
    if not (binary and redis and database):
        pytest.skip("set STOCKPUSH_BIN, REDIS_URL and DATABASE_URL (scripts/test.sh does)")
    return {"bin": binary, "redis": redis, "database": database}


@pytest.fixture
def pair(tmp_path):
    """Two instances of one cluster (shared prefix and database) behind nginx."""
    environment = _environment()
    prefix = "nginx-" + uuid.uuid4().hex[:10]
    args = ("--trusted-proxies", "127.0.0.1/32", "--shutdown-drain-delay", "3")
    first = e2e.Server(environment, str(tmp_path), args=args, prefix=prefix)
    servers = [first]
    nginx = None
    try:
        servers.append(e2e.Server(environment, str(tmp_path), args=args, prefix=prefix, database=first.database))
        nginx = Nginx(tmp_path, [f"127.0.0.1:{server.port}" for server in servers])
        yield nginx, servers
    finally:
        if nginx:
            nginx.stop()
        for server in servers:
            server.terminate()  # all drain at once
        for server in reversed(servers):
            server.stop(check=False)


async def _tick(client: Client) -> dict:
    """Subscribes to every market and returns the first tick (not the snapshot)."""
    await client.send({"type": "subscribe", "subscription_type": "market", "targets": ["SH", "SZ", "HK", "US"]})
    return await client.recv_until(lambda m: m.get("type") == "price_update" and not m["snapshot"], timeout=5)


def _clients(servers) -> list[dict]:
    """Every client of the cluster, as one instance's admin API lists them (cluster-wide)."""
    status, body = http_json(servers[0].http, "GET", "/api/websocket/clients")
    assert status == 200 and body["missing"] == [], body
    assert len(body["covered"]) == len(servers), body
    return body["clients"]


@run_async
async def test_websocket_upgrade_through_nginx_streams_prices(pair):
    nginx, _ = pair
    client = await Client.open(nginx.ws)
    try:
        tick = await _tick(client)
        assert tick["count"] > 0 and tick["seq"] >= 2
        await client.ping()
    finally:
        await client.close()
    assert " 101 " in nginx.access_log()


@run_async
async def test_the_servers_see_the_client_address_not_nginx(pair):
    nginx, servers = pair
    honest = await Client.open(nginx.ws, local_addr=(CLIENT_ADDRESS, 0))
    # A forged header from the client: nginx appends the real peer, the server takes that.
    forged = await Client.open(nginx.ws, local_addr=(CLIENT_ADDRESS, 0),
                               additional_headers={"X-Forwarded-For": "198.51.100.9", "X-Real-IP": "198.51.100.9"})
    try:
        listed = await asyncio.to_thread(_clients, servers)
        addresses = sorted(entry["remote_addr"] for entry in listed)
        assert addresses == [CLIENT_ADDRESS, CLIENT_ADDRESS], listed
    finally:
        await honest.close()
        await forged.close()


def test_pages_served_through_nginx_may_open_the_stream_and_others_may_not(pair):
    nginx, _ = pair
    # The page's origin is nginx's address: the instances see it in Host ($http_host),
    # and X-Forwarded-Proto from their trusted proxy says http.
    own = websocket_handshake("127.0.0.1", nginx.port, {"Origin": nginx.http})
    assert own[0] == 101, own
    foreign = websocket_handshake("127.0.0.1", nginx.port, {"Origin": "http://evil.example"})
    assert foreign[0] == 403 and b"origin_not_allowed" in foreign[2], foreign
    # An https page is not this http origin when the proxy says so.
    https = websocket_handshake("127.0.0.1", nginx.port, {"Origin": f"https://127.0.0.1:{nginx.port}"})
    assert https[0] == 403, https


def _spread(nginx: Nginx, requests: int) -> list[int]:
    statuses = []
    for _ in range(requests):
        status, _, _ = http_request(nginx.http, "GET", "/api/websocket/stats", timeout=5)
        statuses.append(status)
    return statuses


@run_async
async def test_plain_http_and_new_clients_fail_over_to_the_other_instance(pair):
    nginx, (first, second) = pair
    assert await asyncio.to_thread(_spread, nginx, 6) == [200] * 6
    second.kill()
    # Every request still answers: nginx retries the refused connection on the survivor.
    assert await asyncio.to_thread(_spread, nginx, 20) == [200] * 20
    clients = [await Client.open(nginx.ws) for _ in range(6)]
    try:
        status, body = await asyncio.to_thread(http_json, first.http, "GET", "/api/websocket/stats")
        assert body["active_connections"] == 6, body
    finally:
        for client in clients:
            await client.close()


@run_async
async def test_a_draining_instance_gets_no_new_clients(pair):
    nginx, (first, second) = pair
    first.terminate()  # drains for 3 s: /readyz and new handshakes answer 503
    deadline = time.monotonic() + 2
    while True:
        status, _ = await asyncio.to_thread(http_json, first.http, "GET", "/readyz")
        if status == 503:
            break
        assert time.monotonic() < deadline, "the instance did not start draining"
        await asyncio.sleep(0.05)
    clients = [await Client.open(nginx.ws) for _ in range(8)]
    try:
        status, body = await asyncio.to_thread(http_json, second.http, "GET", "/api/websocket/stats")
        assert body["active_connections"] == 8, f"the draining instance took clients: {body}"
        for client in clients:
            await client.ping()
    finally:
        for client in clients:
            await client.close()
    assert first.wait_exit(15) == 0

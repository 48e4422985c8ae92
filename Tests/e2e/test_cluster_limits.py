"""The per-user connection limit (3 by default) holds across the instances of one
cluster: counts in Redis, leased by the instance that holds them, so a crashed
instance's connections stop counting within the TTL; with Redis down each instance
falls back to its own count instead of refusing everyone."""
import asyncio
import signal
import subprocess
import time

import jwt
import pytest
from websockets.exceptions import InvalidStatus

from e2e_support import Client, free_port, http_request, parse_metrics, refused, run_async

SECRET = "s3cret"
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is")


def token(sub):
    return jwt.encode({"sub": sub, "iat": int(time.time()), "exp": int(time.time()) + 300}, SECRET, algorithm="HS256")


def redis_cli(url, *args):
    out = subprocess.run(["redis-cli", "-u", url, *args], capture_output=True, text=True, timeout=5)
    return out.stdout.split()


def wait_registered(url, prefix, count):
    """Until `count` instances are in `P:instances` (each registers once it listens)."""
    deadline = time.monotonic() + 5
    while len(redis_cli(url, "ZRANGE", f"{prefix}:instances", "0", "-1")) < count:
        assert time.monotonic() < deadline, f"{count} instances not registered within 5 s"
        time.sleep(0.05)


@pytest.fixture
def cluster(server_factory, environment):
    """start(n, redis_url=None) -> n registered instances sharing a prefix and a database."""

    def start(count, redis_url=None):
        extra = ("--redis-url", redis_url) if redis_url else ()
        first = server_factory("--jwt-secret", SECRET, *extra)
        servers = [first] + [
            server_factory("--jwt-secret", SECRET, *extra, prefix=first.prefix, database=first.database)
            for _ in range(count - 1)
        ]
        wait_registered(redis_url or environment["redis"], first.prefix, count)
        return servers

    return start


async def open_as(server, user):
    return await Client.open(f"{server.ws}?token={token(user)}")


async def open_eventually(server, user, seconds):
    """Connects, retrying 429s for up to `seconds` (a freed place takes a moment to count)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return await open_as(server, user)
        except InvalidStatus as error:
            assert error.response.status_code == 429, error
            assert time.monotonic() < deadline, f"{user} still refused on {server.http} after {seconds} s"
            await asyncio.sleep(0.1)


async def close_all(clients):
    for client in clients:
        try:
            await client.close()
        except Exception:
            pass


@run_async
async def test_three_connections_of_a_user_across_instances_and_the_fourth_is_refused_anywhere(cluster):
    servers = cluster(3)
    held = []
    try:
        for server in servers:
            held.append(await open_as(server, "alice"))
        for server in servers:
            status, body = await refused(f"{server.ws}?token={token('alice')}")
            # Exactly the refusal of a single instance at its own limit.
            assert status == 429 and body["error"] == "too_many_connections", body
            assert body["message"] == "user alice already has 3 connections", body
        # Other users are not affected.
        bob = await open_as(servers[1], "bob")
        held.append(bob)
        await bob.ping()
        # Closing one of alice's connections frees a place on any instance.
        await held[1].close()
        held.append(await open_eventually(servers[0], "alice", 5))
        status, _ = await refused(f"{servers[2].ws}?token={token('alice')}")
        assert status == 429
        for client in held[2:]:
            await client.ping()
    finally:
        await close_all(held)


@run_async
async def test_a_killed_instances_connections_expire_with_its_lease(cluster):
    survivor, doomed = cluster(2)
    held = [await open_as(survivor, "carol")]
    lost = [await open_as(doomed, "carol"), await open_as(doomed, "carol")]
    try:
        status, _ = await refused(f"{survivor.ws}?token={token('carol')}")
        assert status == 429
        await asyncio.to_thread(doomed.kill)
        # The dead instance never says goodbye: its lease (5 s) runs out instead.
        started = time.monotonic()
        held.append(await open_eventually(survivor, "carol", 15))
        held.append(await open_as(survivor, "carol"))
        assert time.monotonic() - started < 15
        status, _ = await refused(f"{survivor.ws}?token={token('carol')}")
        assert status == 429, "three on the survivor are the limit again"
    finally:
        await close_all(held + lost)


class PrivateRedis:
    """A redis-server of this test's own, to stop under the cluster."""

    def __init__(self, tmp_dir):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", tmp_dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while redis_cli(self.url, "PING") != ["PONG"]:
            assert time.monotonic() < deadline, "private redis-server did not start"
            time.sleep(0.05)

    def pause(self, paused):
        """SIGSTOP: connections are accepted by the kernel but nothing answers (a hung Redis)."""
        self.process.send_signal(signal.SIGSTOP if paused else signal.SIGCONT)

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=5)


@run_async
async def test_with_redis_down_each_instance_falls_back_to_its_own_count(cluster, tmp_path):
    redis = PrivateRedis(str(tmp_path))
    held = []
    try:
        first, second = cluster(2, redis_url=redis.url)
        await asyncio.to_thread(redis.kill)
        # Not refused wholesale: each instance admits up to the limit on its own count...
        for server in (first, second):
            for _ in range(3):
                held.append(await open_as(server, "dave"))
            # ...and still refuses past it.
            status, body = await refused(f"{server.ws}?token={token('dave')}")
            assert status == 429 and body["error"] == "too_many_connections", body
        for client in held:
            await client.ping()
        for server in (first, second):
            assert server.process.poll() is None, f"server died with Redis down:\n{server.log()[-3000:]}"
            status, _, body = await asyncio.to_thread(http_request, server.http, "GET", "/metrics")
            assert status == 200
            assert parse_metrics(body)["stockpush_cluster_limit_fallbacks_total"] >= 3
            assert server.log().count("cluster limits: Redis") == 1, "an outage is logged once"
    finally:
        await close_all(held)
        redis.kill()


@run_async
async def test_with_redis_hanging_a_handshake_waits_at_most_the_deadline(cluster, tmp_path):
    redis = PrivateRedis(str(tmp_path))
    held = []
    try:
        (server,) = cluster(1, redis_url=redis.url)
        redis.pause(True)
        for _ in range(3):
            started = time.monotonic()
            held.append(await open_as(server, "erin"))
            # The deadline is 500 ms; the margin is for a busy machine.
            assert time.monotonic() - started < 3, "a handshake waited on a hung Redis"
        status, _ = await refused(f"{server.ws}?token={token('erin')}")
        assert status == 429
        status, _, body = await asyncio.to_thread(http_request, server.http, "GET", "/metrics")
        assert parse_metrics(body)["stockpush_cluster_limit_fallbacks_total"] >= 3
        redis.pause(False)
    finally:
        await close_all(held)
        redis.kill()

"""Redis behind Sentinel (scripts/sentinel.sh: a primary, a replica, a sentinel): the
release binary finds the primary through REDIS_SENTINELS and serves prices; when the
primary is killed, /readyz says Redis is down until the sentinels promote the replica,
and then the scheduler and the publisher find it by themselves: the process does not
crash and a connected client's stream resumes with seq continuing on the same connection.
Margins are generous: a failover takes a few seconds (1 s to notice, then the election)."""
import asyncio
import os
import subprocess
import time

from e2e_support import Client, http_json, run_async

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "scripts", "sentinel.sh")


class SentinelSet:
    """scripts/sentinel.sh in a folder of the test's own."""

    def __init__(self, directory, sentinels=1):
        self.directory = directory
        out = self._run("start", str(sentinels))
        exports = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines() if line.startswith("export "))
        self.sentinels = exports["REDIS_SENTINELS"]
        self.master_name = exports["REDIS_MASTER_NAME"]

    def _run(self, command, *args):
        result = subprocess.run([SCRIPT, command, self.directory, *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"sentinel.sh {command} failed: {result.stderr}"
        return result.stdout

    def primary(self):
        return self._run("primary").strip()

    def kill_primary(self):
        return self._run("kill-primary").strip()

    def stop(self):
        subprocess.run([SCRIPT, "stop", self.directory], capture_output=True, timeout=30)


async def wait_for(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await asyncio.to_thread(condition)
        if result:
            return result
        await asyncio.sleep(step)
    return None


@run_async
async def test_prices_flow_through_sentinel_and_resume_after_a_failover(server_factory, tmp_path):
    redis = SentinelSet(str(tmp_path / "sentinel"))
    try:
        server = server_factory("--redis-sentinels", redis.sentinels, "--redis-master-name", redis.master_name)
        old = redis.primary()
        assert f"primary of '{redis.master_name}' is {old}" in server.log()
        client = await Client.open(server.ws)
        try:
            await client.subscribe("market", "US")
            await client.collect(1.0)
            assert client.updates, "prices flow through the primary the sentinel named"
            before = client.updates[-1]["seq"]

            assert await asyncio.to_thread(redis.kill_primary) == old

            def redis_down():
                status, body = http_json(server.http, "GET", "/readyz")
                return body if status == 503 and body.get("redis") not in (None, "ok") else None

            down = await wait_for(redis_down, timeout=10)
            assert down, "/readyz should answer 503 naming Redis while there is no primary"

            promoted = await wait_for(lambda: (p := redis.primary()) != old and p, timeout=30)
            assert promoted, "the sentinel promoted the replica"

            update = await client.recv_until(
                lambda m: m.get("type") == "price_update" and m["seq"] > before, timeout=30)
            await client.collect(1.5)
            seqs = [u["seq"] for u in client.updates if u["seq"] >= update["seq"]]
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "seq continues without gaps"
            assert len(seqs) >= 3, "the stream goes on after the failover"

            def ready():
                status, body = http_json(server.http, "GET", "/readyz")
                return status == 200 and body.get("redis") == "ok"

            assert await wait_for(ready, timeout=15), "/readyz is 200 again once the promoted replica serves"
            assert server.process.poll() is None, "the server survived the failover"
            assert f"is {promoted}" in server.log()
        finally:
            await client.close()
    finally:
        redis.stop()

"""Redis restarted under a running server: the scheduler and the publisher's tick
subscriber reconnect on their own, /readyz reports the outage, and a connected
client's stream resumes with seq continuing — without reconnecting."""
import asyncio
import os
import signal
import subprocess
import time

from e2e_support import Client, free_port, http_json, run_async


class PrivateRedis:
    def __init__(self, tmp_dir):
        self.port = free_port()
        self.tmp_dir = tmp_dir
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.tmp_dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip() == b"PONG":
                return
            time.sleep(0.05)
        raise AssertionError("private redis-server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=5)


@run_async
async def test_stream_resumes_after_redis_restarts(server_factory, tmp_path):
    redis = PrivateRedis(str(tmp_path))
    try:
        server = server_factory("--redis-url", redis.url)
        client = await Client.open(server.ws)
        try:
            await client.subscribe("market", "US")
            await client.collect(1.0)
            before = client.updates[-1]["seq"]
            assert before >= 2, "updates flow before the outage"

            await asyncio.to_thread(redis.kill)
            down = {}
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                status, body = await asyncio.to_thread(http_json, server.http, "GET", "/readyz")
                if status == 503:
                    down = body
                    break
                await asyncio.sleep(0.1)
            assert down.get("redis") not in (None, "ok"), f"/readyz should name Redis as down, got {down}"

            await asyncio.to_thread(redis.start)
            resumed_at = time.monotonic()
            update = await client.recv_until(lambda m: m.get("type") == "price_update", timeout=15)
            assert time.monotonic() - resumed_at < 15
            assert update["seq"] > before
            await client.collect(1.0)
            seqs = [u["seq"] for u in client.updates if u["seq"] > before]
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "seq continues without gaps after the restart"
            status, body = await asyncio.to_thread(http_json, server.http, "GET", "/readyz")
            assert status == 200 and body["redis"] == "ok", body
        finally:
            await client.close()
    finally:
        if redis.process.poll() is None:
            redis.kill()

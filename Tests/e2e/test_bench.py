"""The benchmark instruments: `serve --bench S:Q` (in-process feed and, with
`--bench-redis`, the production Redis path shared by several processes) and the load
generator `stockpush bench`, whose numbers docs/benchmarks.md reports."""
import asyncio
import json
import os
import subprocess
import time
import uuid

import pytest

from e2e_support import Client, RawWebSocket, free_port, http_json, http_request, parse_metrics, run_async
from spec_guard import check_message


class BenchServer:
    """A `stockpush serve --bench …` process (no PostgreSQL)."""

    def __init__(self, environment, tmp_path, *args, port=None):
        self.port = port or free_port()
        self.ws = f"ws://127.0.0.1:{self.port}/ws/stock/prices"
        self.log_path = tmp_path / f"bench-{self.port}-{uuid.uuid4().hex[:6]}.log"
        self._log = open(self.log_path, "wb")
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        self.process = subprocess.Popen(
            [environment["bin"], "serve", "--host", "127.0.0.1", "--port", str(self.port), "--threads", "2",
             "--max-connections-per-ip", "100000", *args],
            stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 15
        while True:
            assert self.process.poll() is None, f"bench server exited:\n{self.log()}"
            try:
                if http_request(f"http://127.0.0.1:{self.port}", "GET", "/readyz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"bench server not ready within 15 s:\n{self.log()}"
            time.sleep(0.05)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        code = self.process.wait(timeout=10)
        self._log.close()
        assert code == 0, f"bench server exited with {code}:\n{self.log()[-3000:]}"


@pytest.fixture
def bench_servers(environment, tmp_path):
    servers = []

    def start(*args, port=None):
        server = BenchServer(environment, tmp_path, *args, port=port)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def run_generator(environment, url, *args):
    result = subprocess.run(
        [environment["bin"], "bench", "--url", url, "--json", *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"stockpush bench exited with {result.returncode}:\n{result.stderr}"
    return json.loads(result.stdout), result.stderr


def test_generator_measures_every_client_every_tick_in_process_bench(environment, bench_servers):
    server = bench_servers("--bench", "4:5", "--tick-ms", "50")
    report, _ = run_generator(
        environment, server.ws, "--connections", "80", "--topics", "4", "--warmup", "0.5", "--duration", "2")
    connections = report["connections"]
    assert connections["opened"] == 80 and connections["open"] == 80, report
    assert connections["failed"] == 0 and connections["closed"] == 0 and connections["silent"] == 0, report
    assert report["seq_gaps"] == 0 and report["malformed"] == 0, report
    # 80 clients × 20 ticks/s × ~2 s; a loaded machine may stretch the feed thread's sleeps.
    assert 80 * 20 * 2 * 0.5 <= report["price_updates"] <= 80 * 20 * 2 * 1.1, report
    # Each update carries the strategy's 5 quotes (> 5 × 100 bytes of JSON).
    assert report["payload_bytes"] / report["frames"] > 500, report
    assert 0 < report["latency_ms"]["p50"] <= report["latency_ms"]["p99"] <= report["latency_ms"]["max"], report
    assert report["handshake_ms"]["p50"] > 0 and report["processes"] == 1, report


def test_generator_reports_slow_consumers_and_a_server_that_is_not_there(environment, bench_servers):
    server = bench_servers("--bench", "2:3", "--tick-ms", "100")
    report, _ = run_generator(
        environment, server.ws, "--connections", "50", "--topics", "2", "--stop-reading", "10", "--warmup", "0.3",
        "--duration", "1")
    assert report["connections"]["stopped_reading"] == 5, report
    assert report["connections"]["silent"] == 0, report  # the 45 reading clients all got updates
    result = subprocess.run(
        [environment["bin"], "bench", "--url", f"ws://127.0.0.1:{free_port()}/ws/stock/prices", "--connections", "3",
         "--json", "--warmup", "0", "--duration", "0.2"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result
    failed = json.loads(result.stdout)["connections"]
    assert failed["failed"] == 3 and failed["opened"] == 0 and "refused" in json.dumps(failed["failures"]), failed


def test_generator_processes_merge_into_one_report(environment, bench_servers):
    server = bench_servers("--bench", "3:2", "--tick-ms", "100")
    report, log = run_generator(
        environment, server.ws, "--connections", "90", "--processes", "3", "--topics", "3", "--warmup", "0.5",
        "--duration", "1.5")
    assert "90 clients over 3 processes" in log, log
    assert report["processes"] == 3 and report["connections"]["opened"] == 90, report
    assert report["connections"]["silent"] == 0 and report["seq_gaps"] == 0, report
    assert 90 * 10 * 1.5 * 0.5 <= report["price_updates"] <= 90 * 10 * 1.5 * 1.1, report


@run_async
async def test_bench_through_redis_serves_the_same_ticks_from_every_process(environment, bench_servers):
    """Workload D's setup in small: processes sharing one Redis serve the ticks that one
    elected scheduler writes, through the production publisher. (bench/run.sh D puts
    them on one port with SO_REUSEPORT; here each has its own, to reach both.)"""
    prefix = "e2e-bench-" + uuid.uuid4().hex[:8]
    args = ("--bench", "3:4", "--tick-ms", "300", "--bench-redis", "--redis-url", environment["redis"],
            "--redis-prefix", prefix)
    first = bench_servers(*args)
    second = bench_servers(*args)
    clients = [await Client.open(server.ws) for server in (first, second) for _ in range(6)]
    try:
        for client in clients:
            await client.send({"type": "subscribe", "subscription_type": "strategy", "target": "T1"})
        collected = await asyncio.gather(*(client.collect(1.6) for client in clients))
        ticks_per_client = []
        for client, messages in zip(clients, collected):
            updates = [m for m in messages if m["type"] == "price_update"]
            assert updates and updates[0]["snapshot"], messages[:3]
            live = updates[1:]
            assert len(live) >= 3, f"a client got {len(live)} live updates in 1.6 s of 300 ms ticks"
            for update in live:
                assert sorted(q["code"] for q in update["data"]) == ["S4", "S5", "S6", "S7"], update
            ticks_per_client.append({update["data"][0]["volume"] for update in live})
        # Every client, whichever process holds it, saw the same ticks (volume grows by
        # 100 per tick written by the one leading scheduler).
        common = set.intersection(*ticks_per_client)
        assert len(common) >= 2, ticks_per_client
    finally:
        for client in clients:
            await client.close()
    leads = [server.log().count("now leads quote pulls") for server in (first, second)]
    assert sorted(leads) == [0, 1], f"expected one leader: {leads}\n{first.log()}\n{second.log()}"
    served = [server.log() for server in (first, second)]
    assert all("bench through redis" in log for log in served)


def test_message_and_byte_counters_match_what_the_client_received(bench_servers):
    """`stockpush_messages_sent_total` and `stockpush_bytes_sent_total` ("frames included")
    count every message a client gets, whichever path built it: the greeting and the
    cached or shared frames as well as the replies written for one client (pong, error).
    A minute between ticks: the one at start gives the snapshot, none comes during the test."""
    server = bench_servers("--bench", "2:3", "--tick-ms", "60000")
    base = f"http://127.0.0.1:{server.port}"
    deadline = time.monotonic() + 10
    while (http_json(base, "GET", "/api/websocket/stats")[1].get("last_tick") or {}).get("quotes", 0) == 0:
        assert time.monotonic() < deadline, "the first bench tick was not published"
        time.sleep(0.05)
    ws = RawWebSocket("127.0.0.1", server.port)
    try:
        ws.send_json({"type": "subscribe", "subscription_type": "strategy", "target": "T1"})
        ws.send_json({"type": "ping"})
        ws.send_frame(0x1, b"{oops")
        received = []
        while len(received) < 5:  # connected, subscribed, the snapshot, pong, error
            opcode, payload = ws.recv_frame()
            assert opcode == 0x1, (opcode, payload)
            received.append(check_message(json.loads(payload))["type"])
        assert sorted(received) == ["connected", "error", "pong", "price_update", "subscribed"], received
        status, _, body = http_request(base, "GET", "/metrics")
        assert status == 200, status
        values = parse_metrics(body)
        assert values["stockpush_messages_sent_total"] == 5, values
        assert values["stockpush_bytes_sent_total"] == ws.frame_bytes, (values["stockpush_bytes_sent_total"], ws.frame_bytes)
    finally:
        ws.close()

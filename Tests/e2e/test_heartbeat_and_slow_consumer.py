"""Connection health: heartbeats (ping frames, 4408 for silence) and slow consumers
(conflation, bounded queue, then a close), with healthy clients unaffected."""
import asyncio
import json
import time

import pytest

from e2e_support import MARKET_US, Client, RawWebSocket, http_json, http_request, run_async


def silent_client(server):
    """Reads but never answers a ping: -> (close code, seconds until it, opcodes seen)."""
    raw = RawWebSocket(server.host, server.port)
    started = time.monotonic()
    try:
        assert raw.recv_json()["type"] == "connected"
        code, seen = raw.read_until_close(timeout=6)
        return code, time.monotonic() - started, seen
    finally:
        raw.close()


@run_async
async def test_heartbeat_keeps_answering_clients_and_closes_silent_ones_4408(server_factory):
    server = server_factory("--heartbeat-interval", "0.3", "--heartbeat-timeout", "1")
    client = await Client.open(server.ws)  # websockets answers ping frames by itself
    try:
        assert 0 < client.connected["heartbeat_interval"] <= 1, client.connected
        silent = asyncio.create_task(asyncio.to_thread(silent_client, server))
        await client.collect(3.0)
        await client.ping("still-here")
        code, elapsed, seen = await silent
        assert code == 4408, f"silent client closed with {code}"
        assert 0x9 in seen, "no ping frame before the heartbeat close"
        assert 0.9 <= elapsed <= 2.5, f"silent client closed after {elapsed:.2f} s (timeout 1 s)"
        status, clients = http_json(server.http, "GET", "/api/websocket/clients")
        assert status == 200
        mine = [c for c in clients["clients"] if c["client_id"] == client.client_id]
        assert len(mine) == 1 and isinstance(mine[0]["last_pong"], float), clients
        assert abs(mine[0]["last_pong"] - time.time()) < 2, mine[0]
        assert clients["count"] == 1, clients
    finally:
        await client.close()


def admin_client(server, client_id):
    status, body = http_json(server.http, "GET", "/api/websocket/clients")
    assert status == 200, body
    found = [c for c in body["clients"] if c["client_id"] == client_id]
    return found[0] if found else None


def drain_until_closed(raw, timeout):
    """Reads whatever is buffered until EOF or reset; -> close code if a close frame came."""
    raw.sock.settimeout(timeout)
    try:
        while True:
            opcode, payload = raw.recv_frame()
            if opcode == 0x8:
                return int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
    except (EOFError, ConnectionResetError):
        return None


@pytest.fixture(scope="module")
def slow_server(server_factory):
    # A high rate limit lets the filler client below ask for many snapshots at once.
    return server_factory("--max-queued-bytes", "4096", "--slow-consumer-timeout", "2", "--quote-interval", "0.05",
                          "--rate-limit", "1000", "--rate-burst", "1000")


async def watch_slow_client(server, client_id, seconds):
    """Polls the admin client list -> (samples of (queued_bytes, conflated), seconds until it vanished or None)."""
    started = time.monotonic()
    samples = []
    while time.monotonic() - started < seconds:
        info = await asyncio.to_thread(admin_client, server, client_id)
        if info is None:
            return samples, time.monotonic() - started
        samples.append((info["queued_bytes"], info["conflated"]))
        await asyncio.sleep(0.1)
    return samples, None


async def stop_and_check_healthy(healthy, reader, seconds, covered):
    await asyncio.sleep(0.5)
    reader.cancel()
    await asyncio.gather(reader, return_exceptions=True)
    live = [u for u in healthy.updates if not u["snapshot"]]
    assert len(live) >= 10 * seconds, f"healthy client got only {len(live)} updates in {seconds:.1f} s at 0.05 s ticks"
    assert [u["seq"] for u in healthy.updates] == list(range(1, healthy.last_seq + 1))
    assert {q["code"] for u in live for q in u["data"]} <= covered


@pytest.mark.xfail(strict=True, reason=(
    "server bug: WS_MAX_QUEUED_BYTES only counts the user-space queue; the kernel send buffer of the "
    "socket is not limited (SO_SNDBUF autotunes up to tcp_wmem max, 4 MiB) and absorbs ~2.3 MB first, so a "
    "client that stops reading market US at 0.05 s ticks shows queued_bytes 0 / conflated 0 for ~45 s "
    "instead of being conflated and closed within a few seconds"))
@run_async
async def test_slow_consumer_is_conflated_then_closed_while_others_stream_on(slow_server):
    server = slow_server
    healthy = await Client.open(server.ws)
    raw = RawWebSocket(server.host, server.port, rcvbuf=2048)
    reader = None
    try:
        await healthy.subscribe("market", "US")
        slow_id = raw.recv_json()["client_id"]
        raw.send_json({"type": "subscribe", "subscription_type": "market", "target": "US"})
        # From here on the raw client reads nothing.
        reader = asyncio.create_task(healthy.collect(20.0))
        samples, closed_after = await watch_slow_client(server, slow_id, 8)
        assert max((c for _, c in samples), default=0) > 0, (
            f"the slow client's updates were never conflated in 8 s; (queued_bytes, conflated) samples: {samples[-5:]}")
        assert max(q for q, _ in samples) <= 4 * 4096, f"queued_bytes grew past 16 KiB: {samples}"
        assert closed_after is not None, "the slow consumer was not disconnected within 8 s"
        assert 2 <= closed_after <= 6.5, f"slow consumer closed {closed_after:.1f} s after it stopped reading"
        code = await asyncio.to_thread(drain_until_closed, raw, 5)
        assert code in (None, 1008), f"slow consumer closed with {code}"
        await stop_and_check_healthy(healthy, reader, closed_after, MARKET_US)
    finally:
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        raw.close()
        await healthy.close()


@run_async
async def test_stalled_client_with_full_buffers_is_conflated_bounded_and_closed(slow_server):
    """Same as above, but the stalled client first fills the kernel buffers itself by asking for
    200 full snapshots (~2.8 MB) it never reads, so the server's own limit is reached at once."""
    server = slow_server
    healthy = await Client.open(server.ws)
    raw = RawWebSocket(server.host, server.port, rcvbuf=2048)
    reader = None
    try:
        await healthy.subscribe("market", "US")
        slow_id = raw.recv_json()["client_id"]
        request = json.dumps({"type": "subscribe", "subscription_type": "market", "targets": ["US", "SH", "SZ", "HK"]})
        for _ in range(200):
            raw.send_frame(0x1, request.encode())
        reader = asyncio.create_task(healthy.collect(20.0))
        samples, closed_after = await watch_slow_client(server, slow_id, 8)
        conflating = [(q, c) for q, c in samples if c > 0]
        assert conflating, f"the stalled client's updates were never conflated: {samples}"
        assert conflating[-1][1] > conflating[0][1], f"conflation did not go on: {conflating}"
        # While conflating, no price data is queued for it: the queue does not grow.
        assert len({q for q, _ in conflating}) == 1, f"queued_bytes kept growing while conflating: {conflating}"
        assert closed_after is not None, "the stalled client was not disconnected within 8 s"
        assert 1.5 <= closed_after <= 6, f"closed {closed_after:.1f} s after it stalled (timeout 2 s)"
        code = await asyncio.to_thread(drain_until_closed, raw, 5)
        assert code in (None, 1008), f"slow consumer closed with {code}"
        await stop_and_check_healthy(healthy, reader, closed_after, MARKET_US)
        _, _, metrics = await asyncio.to_thread(http_request, server.http, "GET", "/metrics")
        closes = [l for l in metrics.decode().splitlines() if l.startswith("stockpush_slow_consumer_closes_total ")]
        assert closes and int(closes[0].split()[1]) >= 1, closes
    finally:
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        raw.close()
        await healthy.close()

"""Connection health: heartbeats (ping frames, 4408 for silence) and slow consumers
(conflation, bounded queue, then a close), with healthy clients unaffected."""
import asyncio
import json
import time

import pytest

from e2e_support import MARKET_US, Client, RawWebSocket, http_json, http_request, is_instant, parse_metrics, run_async


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
        assert len(mine) == 1 and is_instant(mine[0]["last_pong"]), clients
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


@pytest.fixture
def slow_server(server_factory):
    return server_factory("--max-queued-bytes", "4096", "--slow-consumer-timeout", "2", "--quote-interval", "0.05")


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


STALLED_CLIENTS = 5


async def stalled_scenario(server):
    """Five clients subscribe to every market and never read again; 20 manual pushes of every
    stock (~13 KB each) fill their kernel buffers, so the server's own queue limit is reached
    at once (past it, pushes are conflated like ticks); a healthy client streams market US
    alongside. Watched for up to 8 s."""
    healthy = await Client.open(server.ws)
    raws = [RawWebSocket(server.host, server.port, rcvbuf=2048) for _ in range(STALLED_CLIENTS)]
    reader = None
    try:
        await healthy.subscribe("market", "US")
        request = json.dumps({"type": "subscribe", "subscription_type": "market", "targets": ["US", "SH", "SZ", "HK"]})
        ids = []
        for raw in raws:
            ids.append(raw.recv_json()["client_id"])
            raw.send_frame(0x1, request.encode())
        for _ in range(20):
            status, body = await asyncio.to_thread(http_json, server.http, "POST", "/api/websocket/push/prices")
            assert status == 200, body
        started = time.monotonic()
        reader = asyncio.create_task(healthy.collect(20.0))
        samples = {client_id: [] for client_id in ids}
        closed_after = {}
        while time.monotonic() - started < 8 and len(closed_after) < len(ids):
            status, body = await asyncio.to_thread(http_json, server.http, "GET", "/api/websocket/clients")
            assert status == 200, body
            listed = {c["client_id"]: c for c in body["clients"]}
            for client_id in ids:
                if client_id in listed:
                    samples[client_id].append((listed[client_id]["queued_bytes"], listed[client_id]["conflated"]))
                elif client_id not in closed_after:
                    closed_after[client_id] = time.monotonic() - started
            await asyncio.sleep(0.1)
        watched = time.monotonic() - started
        await asyncio.sleep(0.5)
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        reader = None
        close_codes = {}
        for client_id, raw in zip(ids, raws):
            if client_id in closed_after:
                close_codes[client_id] = await asyncio.to_thread(drain_until_closed, raw, 5)
        _, _, metrics = await asyncio.to_thread(http_request, server.http, "GET", "/metrics")
        slow_closes = parse_metrics(metrics).get("stockpush_slow_consumer_closes_total")
        return {
            "ids": ids, "samples": samples, "closed_after": closed_after, "close_codes": close_codes,
            "healthy": healthy, "watched": watched,
            "slow_closes": int(slow_closes) if slow_closes is not None else None, "log": server.log(),
        }
    finally:
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        for raw in raws:
            raw.close()
        await healthy.close()


@pytest.fixture(scope="module")
def stalled(server_factory):
    # The queue limit below the size of one full snapshot (~13 KB), and a high rate limit
    # so the stalled clients can ask for many snapshots at once.
    server = server_factory("--max-queued-bytes", "1024", "--slow-consumer-timeout", "2", "--quote-interval", "0.05",
                            "--rate-limit", "1000", "--rate-burst", "1000")
    return asyncio.run(stalled_scenario(server))


def test_stalled_clients_are_conflated_with_a_bounded_queue_and_others_stream_on(stalled):
    for client_id in stalled["ids"]:
        samples = stalled["samples"][client_id]
        conflating = [(q, c) for q, c in samples if c > 0]
        assert conflating, f"{client_id}: updates never conflated: {samples}"
        assert conflating[-1][1] > conflating[0][1] or client_id in stalled["closed_after"], conflating
        # While over the limit no price data is queued for it: queued_bytes never grows
        # by a price update (a kilobyte or more). The one exception is the slow-consumer
        # close frame (a control frame, at most 127 bytes) queued when the close starts.
        queued = [q for q, _ in conflating]
        growth = [b - a for a, b in zip(queued, queued[1:]) if b > a]
        assert len(growth) <= 1 and all(step <= 127 for step in growth), \
            f"{client_id}: queued_bytes grew while conflating: {conflating}"
    healthy = stalled["healthy"]
    live = [u for u in healthy.updates if not u["snapshot"]]
    assert len(live) >= 10 * stalled["watched"], f"healthy client got only {len(live)} updates in {stalled['watched']:.1f} s"
    assert [u["seq"] for u in healthy.updates] == list(range(1, healthy.last_seq + 1))
    assert {q["code"] for u in live for q in u["data"]} <= MARKET_US
    assert stalled["slow_closes"] >= 1, "stockpush_slow_consumer_closes_total did not count the stalled clients"


def test_stalled_clients_are_closed_after_the_timeout(stalled):
    open_ids = [client_id for client_id in stalled["ids"] if client_id not in stalled["closed_after"]]
    attempts = stalled["log"].count("slow consumer,")
    assert not open_ids, (
        f"{len(open_ids)} of {STALLED_CLIENTS} stalled clients still connected 8 s later; "
        f"slow-consumer close logged {attempts} times; last (queued_bytes, conflated) of one: "
        f"{stalled['samples'][open_ids[0]][-1]}")
    for client_id, seconds in stalled["closed_after"].items():
        assert 1.5 <= seconds <= 6.5, f"{client_id} closed {seconds:.1f} s after it stalled (timeout 2 s, linger 2 s)"
        # A peer that reads nothing may never see the close frame: EOF or 1008 "slow consumer".
        assert stalled["close_codes"][client_id] in (None, 1008), stalled["close_codes"]
    assert stalled["slow_closes"] == STALLED_CLIENTS, (
        f"stockpush_slow_consumer_closes_total {stalled['slow_closes']} for {STALLED_CLIENTS} stalled clients")

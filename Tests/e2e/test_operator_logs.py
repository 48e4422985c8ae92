"""Logs an operator can use: one line per connection open and close with who, from
where, how long, how much and why; one per admin action; a per-tick line only at
debug for the push component; nothing per message at info; LOG_FORMAT=json for
shippers. And the heartbeat figures of /clients (last ping, round trip, missed pongs),
also across the cluster."""
import asyncio
import json
import re
import time

import jwt

from e2e_support import Client, RawWebSocket, http_json, http_request, is_instant, run_async

SECRET = "operator-logs-secret-of-32-bytes-or-more"
FIELD = re.compile(r'(\w+)=("(?:\\.|[^"\\])*"|\S+)')


def text_fields(line):
    """key=value pairs after the message of a text line (quoted values unescaped)."""
    fields = {}
    for key, value in FIELD.findall(line):
        fields[key] = json.loads(value) if value.startswith('"') else value
    return fields


def wait_for_line(server, predicate, what, timeout=5.0):
    """The first log line passing `predicate` (polled until `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in server.log().splitlines() if predicate(line)]
        if lines:
            return lines[0]
        assert time.monotonic() < deadline, f"no {what} in the log within {timeout} s:\n{server.log()[-3000:]}"
        time.sleep(0.05)


@run_async
async def test_text_lines_for_open_and_close_and_none_per_message(server_factory):
    server = server_factory()
    client = await Client.open(server.ws)
    await client.subscribe("strategy", "volume_wave")
    updates = [m async for m in _updates(client, 3)]
    await client.close()
    cid = client.client_id
    opened = wait_for_line(server, lambda l: "connection opened" in l and cid in l, "open line")
    closed = wait_for_line(server, lambda l: "connection closed" in l and cid in l, "close line")
    assert " INFO [push] connection opened " in opened, opened
    fields = text_fields(opened)
    assert fields["client_id"] == cid and fields["addr"] == "127.0.0.1" and fields["user"] == "anonymous", opened
    fields = text_fields(closed)
    assert fields["client_id"] == cid and fields["addr"] == "127.0.0.1" and fields["user"] == "anonymous", closed
    assert fields["code"] == "1000" and fields["initiator"] == "client", closed
    assert int(fields["messages"]) >= 2 + len(updates), closed  # connected, subscribed, the updates
    assert int(fields["duration_ms"]) >= 0, closed
    # At info, a client's messages add no lines: it appears in exactly its two.
    assert [l for l in server.log().splitlines() if cid in l] == [opened, closed]
    assert "tick published" not in server.log()


async def _updates(client, count):
    for _ in range(count):
        yield await client.recv_type("price_update", timeout=5)


@run_async
async def test_json_lines_name_the_user_and_each_admin_action(server_factory):
    token = jwt.encode({"sub": "alice", "exp": int(time.time()) + 300}, SECRET, algorithm="HS256")
    server = server_factory("--jwt-secret", SECRET, admin_token="ops", env={"LOG_FORMAT": "json"})
    auth = server.admin_headers()
    client = await Client.open(f"{server.ws}?token={token}")
    await client.subscribe("strategy", "volume_wave")
    status, body = http_json(server.http, "POST", "/api/websocket/broadcast/test", {"message": "hi"}, headers=auth)
    assert status == 200 and body["sent"] == 1, body
    status, _, _ = http_request(server.http, "DELETE", f"/api/websocket/clients/{client.client_id}", headers=auth)
    assert status == 200
    await client.expect_close()
    cid = client.client_id

    def json_line(predicate, what):
        return json.loads(wait_for_line(server, lambda l: l.startswith("{") and predicate(json.loads(l)), what))

    opened = json_line(lambda l: l["msg"] == "connection opened" and l.get("client_id") == cid, "open line")
    assert opened["user"] == "alice" and opened["addr"] == "127.0.0.1" and opened["component"] == "push", opened
    closed = json_line(lambda l: l["msg"] == "connection closed" and l.get("client_id") == cid, "close line")
    assert closed["user"] == "alice" and closed["level"] == "info", closed
    assert closed["code"] == 1008 and closed["reason"] == "disconnected by admin", closed
    assert closed["initiator"] == "server" and isinstance(closed["duration_ms"], int), closed
    assert closed["messages"] >= 3, closed  # connected, subscribed, broadcast
    broadcast = json_line(lambda l: l.get("action") == "broadcast", "broadcast line")
    assert broadcast["component"] == "admin" and broadcast["reached"] == 1 and broadcast["targets"] == "all", broadcast
    assert broadcast["actor"] == "admin" and broadcast["addr"] == "127.0.0.1", broadcast
    disconnect = json_line(lambda l: l.get("action") == "disconnect", "disconnect line")
    assert disconnect["targets"] == cid and disconnect["reached"] == 1, disconnect
    # Every line the server wrote is one JSON object with the common members.
    for line in server.log().splitlines():
        entry = json.loads(line)
        assert {"ts", "level", "component", "msg"} <= set(entry), line
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", entry["ts"]), line


@run_async
async def test_a_tick_line_only_at_debug_for_push(server_factory):
    debug = server_factory("--log-level", "info,push=debug")
    other = server_factory("--log-level", "debug,push=info")
    for server in (debug, other):
        client = await Client.open(server.ws)
        await client.subscribe("strategy", "volume_wave")
        [m async for m in _updates(client, 3)]
        await client.close()
    line = wait_for_line(debug, lambda l: "tick published" in l and "clients=1" in l, "tick line reaching the client")
    fields = text_fields(line)
    assert " DEBUG [push] tick published " in line, line
    assert int(fields["tick"]) > 0 and int(fields["changed"]) > 0 and float(fields["publish_ms"]) >= 0, line
    assert "tick published" not in other.log(), "push=info must drop the tick line even with a debug default"


def _entry(server, client_id, path="/api/websocket/clients"):
    status, body = http_json(server.http, "GET", path)
    assert status == 200, body
    found = [c for c in body["clients"] if c["client_id"] == client_id]
    return found[0] if found else None


async def _wait_entry(server, client_id, predicate, what, timeout=5.0, path="/api/websocket/clients"):
    """Polls /clients off the event loop, so the websockets clients keep answering pings."""
    deadline = time.monotonic() + timeout
    while True:
        entry = await asyncio.to_thread(_entry, server, client_id, path)
        if entry and predicate(entry):
            return entry
        assert time.monotonic() < deadline, f"{client_id} not {what} within {timeout} s: {entry}"
        await asyncio.sleep(0.05)


@run_async
async def test_clients_show_round_trip_and_missed_pongs(server_factory):
    server = server_factory("--heartbeat-interval", "0.2", "--heartbeat-timeout", "10")
    answering = await Client.open(server.ws)  # websockets answers pings by itself
    silent = RawWebSocket(server.host, server.port)  # reads nothing, answers nothing
    try:
        assert silent.recv_json()["type"] == "connected"
        silent_id = _client_ids(server) - {answering.client_id}
        assert len(silent_id) == 1
        silent_id = silent_id.pop()
        ok = await _wait_entry(server, answering.client_id, lambda e: e["rtt_ms"] is not None, "answering pings")
        assert isinstance(ok["rtt_ms"], (int, float)) and 0 <= ok["rtt_ms"] < 1000, ok
        assert ok["missed_pongs"] == 0 and is_instant(ok["last_pong"]), ok
        assert abs(ok["last_ping"] - time.time()) < 2, ok
        lost = await _wait_entry(server, silent_id, lambda e: e["missed_pongs"] >= 2, "missing pongs")
        assert lost["rtt_ms"] is None and lost["last_pong"] is None and is_instant(lost["last_ping"]), lost
        # The silent client answers one ping at last: its count clears and a round trip appears.
        silent.send_frame(0xA, b"")
        answered = await _wait_entry(server, silent_id, lambda e: e["rtt_ms"] is not None, "answered")
        assert answered["missed_pongs"] <= 1, answered
    finally:
        silent.close()
        await answering.close()


def _client_ids(server):
    status, body = http_json(server.http, "GET", "/api/websocket/clients")
    assert status == 200, body
    return {c["client_id"] for c in body["clients"]}


@run_async
async def test_heartbeat_figures_travel_across_the_cluster(server_factory):
    first = server_factory("--instance-id", "hb-a", "--heartbeat-interval", "0.2")
    second = server_factory(
        "--instance-id", "hb-b", "--heartbeat-interval", "0.2", prefix=first.prefix, database=first.database)
    client = await Client.open(second.ws)
    try:
        entry = await _wait_entry(
            first, client.client_id, lambda e: e["rtt_ms"] is not None, "answering pings, seen from hb-a", timeout=10,
            path="/api/websocket/clients?instance=hb-b")
        assert entry["instance"] == "hb-b" and entry["missed_pongs"] == 0, entry
        assert is_instant(entry["last_ping"]) and is_instant(entry["last_pong"]), entry
    finally:
        await client.close()


def test_a_heartbeat_timeout_is_a_server_close_4408_in_the_log(server_factory):
    server = server_factory("--heartbeat-interval", "0.2", "--heartbeat-timeout", "0.6")
    silent = RawWebSocket(server.host, server.port)
    try:
        connected = silent.recv_json()
        assert connected["type"] == "connected"
        code, _ = silent.read_until_close(timeout=5)
        assert code == 4408
    finally:
        silent.close()
    cid = connected["client_id"]
    line = wait_for_line(server, lambda l: "connection closed" in l and cid in l, "close line")
    fields = text_fields(line)
    assert fields["code"] == "4408" and fields["reason"] == "heartbeat timeout", line
    assert fields["initiator"] == "server" and int(fields["duration_ms"]) >= 500, line

"""The admin HTTP API as an operator uses it, with ADMIN_TOKEN set."""
import asyncio
import json
import time

import pytest

from e2e_support import CLIENT_ID, MARKET_US, VOLUME_WAVE, Client, http_json, http_request, parse_metrics, run_async

TOKEN = "secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ENDPOINTS = [
    ("GET", "/api/websocket/stats", None),
    ("GET", "/api/websocket/clients", None),
    ("DELETE", "/api/websocket/clients/c_00000001", None),
    ("POST", "/api/websocket/broadcast/test", {"message": "nope"}),
    ("POST", "/api/websocket/broadcast/test", None),
    ("POST", "/api/websocket/push/prices?strategy=volume_wave", None),
]


def contract_part(body, *fields):
    """The contract's fields of an admin answer (cluster answers add `per_instance`, `covered`, ...)."""
    return {field: body[field] for field in fields if field in body}


@pytest.fixture(scope="module")
def admin(server_factory):
    return server_factory(admin_token=TOKEN)


async def wait_for_connections(server, count, timeout=3.0):
    deadline = time.monotonic() + timeout
    while True:
        status, stats = await asyncio.to_thread(http_json, server.http, "GET", "/api/websocket/stats", headers=AUTH)
        assert status == 200
        if stats["active_connections"] == count:
            return stats
        assert time.monotonic() < deadline, f"active_connections {stats['active_connections']} != {count}"
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("method,path,body", ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "secret"},
                                     {"Authorization": "Basic c2VjcmV0"}], ids=["none", "wrong", "no-scheme", "basic"])
def test_admin_calls_need_the_token(admin, method, path, body, headers):
    status, response = http_json(admin.http, method, path, body=body, headers=headers)
    assert status == 401, (status, response)
    assert isinstance(response.get("error"), str) and isinstance(response.get("message"), str), response


@run_async
async def test_stats_and_clients_have_every_contract_field(admin):
    a = await Client.open(admin.ws)
    b = await Client.open(admin.ws)
    try:
        await a.subscribe("strategy", "volume_wave")
        await b.subscribe("strategy", "volume_wave")
        await b.subscribe("stock", "AAPL")
        await b.send("not json")
        await b.recv_type("error")
        await a.collect(1.3)  # a full second of updates for messages_per_second
        stats = await wait_for_connections(admin, 2)
        for field in ("active_connections", "total_connections", "total_messages", "messages_per_second",
                      "subscriptions", "users", "is_running", "uptime_seconds", "last_tick"):
            assert field in stats, f"stats without {field}: {stats}"
        assert stats["active_connections"] == 2
        assert stats["total_connections"] >= 2
        assert stats["total_messages"] >= len(a.messages) + len(b.messages)
        assert isinstance(stats["messages_per_second"], (int, float)) and stats["messages_per_second"] > 0
        assert stats["subscriptions"]["strategy:volume_wave"] == 2, stats["subscriptions"]
        assert stats["subscriptions"]["stock:AAPL"] == 1, stats["subscriptions"]
        assert isinstance(stats["users"], dict)
        assert stats["is_running"] is True
        assert isinstance(stats["uptime_seconds"], (int, float)) and stats["uptime_seconds"] > 0
        assert isinstance(stats["last_tick"], dict) and stats["last_tick"], stats

        status, listing = http_json(admin.http, "GET", "/api/websocket/clients", headers=AUTH)
        assert status == 200 and listing["count"] == 2 == len(listing["clients"]), listing
        by_id = {c["client_id"]: c for c in listing["clients"]}
        assert set(by_id) == {a.client_id, b.client_id}
        for client in (a, b):
            entry = by_id[client.client_id]
            for field in ("client_id", "user", "remote_addr", "connected_at", "last_ping", "last_pong", "rtt_ms",
                          "missed_pongs", "subscriptions", "message_count", "queued_bytes", "conflated", "seq"):
                assert field in entry, f"client entry without {field}: {entry}"
            assert CLIENT_ID.match(entry["client_id"])
            assert entry["user"] == "anonymous" and entry["remote_addr"] == "127.0.0.1"
            assert isinstance(entry["connected_at"], float) and abs(entry["connected_at"] - time.time()) < 30
            # No heartbeat ping yet at the default 30 s.
            assert entry["last_ping"] is None and entry["last_pong"] is None and entry["rtt_ms"] is None
            assert entry["missed_pongs"] == 0
            assert entry["message_count"] >= len(client.messages)
            assert entry["queued_bytes"] >= 0 and entry["conflated"] == 0
            assert entry["seq"] >= client.last_seq
        assert by_id[b.client_id]["subscriptions"] == [
            {"subscription_type": "strategy", "target": "volume_wave"}, {"subscription_type": "stock", "target": "AAPL"}]
    finally:
        await a.close()
        await b.close()


@run_async
async def test_disconnect_a_client(admin):
    victim = await Client.open(admin.ws)
    bystander = await Client.open(admin.ws)
    try:
        status, body = await asyncio.to_thread(
            http_json, admin.http, "DELETE", f"/api/websocket/clients/{victim.client_id}", headers=AUTH)
        assert (status, contract_part(body, "disconnected")) == (200, {"disconnected": True}), body
        assert await victim.expect_close() == 1008
        await bystander.ping()
        status, body = http_json(admin.http, "DELETE", f"/api/websocket/clients/{victim.client_id}", headers=AUTH)
        assert status == 404 and isinstance(body["error"], str) and isinstance(body["message"], str), body
        status, body = http_json(admin.http, "DELETE", "/api/websocket/clients/c_ffffffff", headers=AUTH)
        assert status == 404, body
    finally:
        await victim.close()
        await bystander.close()


@run_async
async def test_broadcast(admin):
    clients = [await Client.open(admin.ws) for _ in range(3)]
    try:
        await wait_for_connections(admin, 3)
        status, body = await asyncio.to_thread(
            http_json, admin.http, "POST", "/api/websocket/broadcast/test", body={"message": "市场休市通知"}, headers=AUTH)
        assert (status, contract_part(body, "sent")) == (200, {"sent": 3}), body
        for client in clients:
            message = await client.recv_type("broadcast")
            assert message["data"] == {"message": "市场休市通知"}, message
            assert isinstance(message["timestamp"], str)
        status, body = await asyncio.to_thread(http_json, admin.http, "POST", "/api/websocket/broadcast/test", headers=AUTH)
        assert (status, contract_part(body, "sent")) == (200, {"sent": 3}), body
        for client in clients:
            message = await client.recv_type("broadcast")
            assert isinstance(message["data"]["message"], str) and message["data"]["message"]
        for bad in ("{not json", "[1,2]", '{"message": 5}'):
            status, body = http_json(admin.http, "POST", "/api/websocket/broadcast/test", body=bad,
                                     headers={**AUTH, "Content-Type": "application/json"})
            assert status == 400, (bad, status, body)
            assert isinstance(body["error"], str) and isinstance(body["message"], str), body
        for client in clients:
            assert not [m for m in await client.collect(0.2) if m["type"] == "broadcast"]
    finally:
        for client in clients:
            await client.close()


def audit_details(server, action, until, timeout=5.0):
    """The detail objects of the `action` audit rows, oldest first, once `until(details)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        out = server.database.sql(f"SELECT detail::text FROM admin_audit WHERE action = '{action}' ORDER BY id")
        details = [json.loads(line) for line in out.split("\n") if line]  # not splitlines: U+2028 is no row break
        if until(details):
            return details
        assert time.monotonic() < deadline, f"{action} audit rows after {timeout} s: {str(details)[:2000]}"
        time.sleep(0.1)


def test_audit_keeps_what_a_row_needs_of_a_huge_broadcast(admin):
    message = "\u2028\"\\\u0001" + "市" * 200_000  # 600 KB as UTF-8, under the 1 MiB body limit
    raw = json.dumps({"message": message}, ensure_ascii=False).encode()
    status, body = http_json(admin.http, "POST", "/api/websocket/broadcast/test", body=raw,
                             headers={**AUTH, "Content-Type": "application/json"})
    assert status == 200 and isinstance(body["sent"], int), body
    status, body = http_json(admin.http, "POST", "/api/websocket/broadcast/test", body={"message": "a\u2029b"},
                             headers=AUTH)
    assert status == 200, body
    small = {"message": "a\u2029b", "sent": body["sent"]}
    *_, huge, _ = audit_details(admin, "broadcast", until=lambda details: details and details[-1] == small)
    assert huge["message_truncated"] is True and huge["message_bytes"] == len(message.encode()), {
        k: v for k, v in huge.items() if k != "message"}
    assert message.startswith(huge["message"].removesuffix("…")) and len(huge["message"].encode()) <= 1100, huge


@run_async
async def test_push_prices(admin):
    strategy = await Client.open(admin.ws)
    stock = await Client.open(admin.ws)
    us = await Client.open(admin.ws)
    outside = await Client.open(admin.ws)
    clients = (strategy, stock, us, outside)
    try:
        await strategy.subscribe("strategy", "volume_wave")
        await stock.subscribe("stock", "600519")
        await us.subscribe("market", "US")
        await outside.subscribe("stock", "AAPL")
        await wait_for_connections(admin, 4)
        status, body = await asyncio.to_thread(
            http_json, admin.http, "POST", "/api/websocket/push/prices?strategy=volume_wave", headers=AUTH)
        assert (status, contract_part(body, "clients", "quotes")) == (200, {"clients": 3, "quotes": len(VOLUME_WAVE)}), body
        expected = {strategy: set(VOLUME_WAVE), stock: {"600519"}, us: set(VOLUME_WAVE) & MARKET_US}
        pushed = {}
        for client, codes in expected.items():
            message = await client.recv_until(lambda m: m.get("type") == "price_update" and m["snapshot"])
            assert {q["code"] for q in message["data"]} == codes, message
            pushed[client] = message
        assert len({m["timestamp"] for m in pushed.values()}) == 1, "one push shares one timestamp"
        assert not [m for m in await outside.collect(0.5) if m["type"] == "price_update" and m["snapshot"]]

        # Several parameters: their union.
        status, body = await asyncio.to_thread(
            http_json, admin.http, "POST", "/api/websocket/push/prices?stock=AAPL&stock=600519", headers=AUTH)
        assert (status, contract_part(body, "clients", "quotes")) == (200, {"clients": 4, "quotes": 2}), body
        for client, codes in ((strategy, {"600519"}), (stock, {"600519"}), (us, {"AAPL"}), (outside, {"AAPL"})):
            message = await client.recv_until(lambda m: m.get("type") == "price_update" and m["snapshot"])
            assert {q["code"] for q in message["data"]} == codes, message

        # No parameter: every stock; each client still gets only what it covers.
        status, body = await asyncio.to_thread(http_json, admin.http, "POST", "/api/websocket/push/prices", headers=AUTH)
        assert status == 200 and body["clients"] == 4 and body["quotes"] == 56, body
        for client, codes in ((strategy, set(VOLUME_WAVE)), (stock, {"600519"}), (us, MARKET_US), (outside, {"AAPL"})):
            message = await client.recv_until(lambda m: m.get("type") == "price_update" and m["snapshot"])
            assert {q["code"] for q in message["data"]} == codes, message

        status, body = http_json(admin.http, "POST", "/api/websocket/push/prices?sector=tech", headers=AUTH)
        assert status == 400 and isinstance(body["error"], str) and isinstance(body["message"], str), (status, body)
        for query in ("strategy=no_such_strategy", "stock=ZZZZ", "market=XX", "stock=AAPL&strategy=nope"):
            status, body = http_json(admin.http, "POST", f"/api/websocket/push/prices?{query}", headers=AUTH)
            assert status == 404, (query, status, body)
            assert isinstance(body["error"], str) and isinstance(body["message"], str), body
    finally:
        for client in clients:
            await client.close()


@run_async
async def test_metrics_health_and_readiness(admin):
    client = await Client.open(admin.ws)
    try:
        await client.send("{oops")
        assert (await client.recv())["code"] == "invalid_json"
        await client.subscribe("strategy", "volume_wave")
        await client.collect(0.5)
        status, headers, body = http_request(admin.http, "GET", "/metrics")
        assert status == 200 and headers["content-type"].startswith("text/plain"), (status, headers)
        values = parse_metrics(body)
        assert values["stockpush_connections"] >= 1
        instance = http_json(admin.http, "GET", "/api/websocket/stats", headers=admin.admin_headers())[1]["instance"]
        assert values[f'stockpush_instance_info{{instance="{instance}"}}'] == 1
        assert any(name.startswith("stockpush_publish_latency_seconds_bucket{") for name in values)
        assert values['stockpush_publish_latency_seconds_bucket{le="+Inf"}'] > 0
        assert values['stockpush_errors_total{code="invalid_json"}'] >= 1

        status, headers, body = http_request(admin.http, "GET", "/healthz")
        assert status == 200 and headers["content-type"] == "application/json", (status, headers)
        assert json.loads(body) == {"status": "ok"}, body
        status, ready = http_json(admin.http, "GET", "/readyz")
        assert status == 200 and ready == {"status": "ready", "redis": "ok", "postgres": "ok"}, ready
    finally:
        await client.close()

"""Edges of the price stream found from outside: large batches, clients that connect before
the catalog is loaded, and admin disconnects of clients that are already closing."""
import asyncio
import os
import subprocess
import time
import uuid

from conftest import MIGRATIONS, _psql, _with_database
from e2e_support import MARKET_SH, Client, RawWebSocket, free_port, http_json, http_request, run_async


@run_async
async def test_a_batch_past_the_subscription_limit_is_taken_in_order_and_the_rest_refused_one_by_one(server_factory):
    server = server_factory("--max-subscriptions", "3")
    client = await Client.open(server.ws)
    try:
        # 1,500 targets: more than any fixed batch cap; the first three real ones are taken.
        targets = ["600519", "NOPE0", "000858", "601318"] + [f"X{n}" for n in range(1496)] + ["000001"]
        await client.send({"type": "subscribe", "subscription_type": "stock", "targets": targets, "id": 1})
        replies = [await client.recv(timeout=10) for _ in range(len(targets))]
        by_target = {r.get("target"): r for r in replies}
        assert [r["target"] for r in replies if r["type"] == "subscribed"] == ["600519", "000858", "601318"]
        assert by_target["NOPE0"]["code"] == "unknown_target"
        assert by_target["X0"]["code"] == "unknown_target", "unknown targets are refused one by one"
        assert by_target["000001"]["code"] == "too_many_subscriptions", "past the limit, refused one by one"
        snapshot = await client.recv_type("price_update")
        assert sorted(q["code"] for q in snapshot["data"]) == ["000858", "600519", "601318"]
    finally:
        await client.close()


@run_async
async def test_a_subscribe_before_the_catalog_loads_waits_for_it(environment, tmp_path):
    # The server starts against a database that does not exist yet, so its catalog cannot
    # load; a client that subscribes then must not be told the strategy is unknown.
    name = "e2e_late_" + uuid.uuid4().hex[:10]
    url = _with_database(environment["database"], name)
    port = free_port()
    log = open(tmp_path / "server.log", "wb")
    process = subprocess.Popen(
        [environment["bin"], "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "1",
         "--redis-url", environment["redis"], "--redis-prefix", "e2e-" + uuid.uuid4().hex[:12],
         "--database-url", url, "--quote-interval", "0.2"],
        stdout=log, stderr=subprocess.STDOUT)
    client = None
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                status, _, _ = await asyncio.to_thread(http_request, f"http://127.0.0.1:{port}", "GET", "/healthz", timeout=1)
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            await asyncio.sleep(0.05)
        status, _, _ = await asyncio.to_thread(http_request, f"http://127.0.0.1:{port}", "GET", "/readyz")
        assert status == 503, "not ready without its database"
        client = await Client.open(f"ws://127.0.0.1:{port}/ws/stock/prices")
        await client.send({"type": "subscribe", "subscription_type": "market", "target": "SH", "id": "early"})
        early = await client.collect(1.0)
        assert early == [], f"a subscribe before the catalog loaded was answered: {early}"
        _psql(environment["database"], f"CREATE DATABASE {name}")
        subprocess.run([environment["bin"], "migrate", "--database-url", url, "--migrations-dir", MIGRATIONS],
                       check=True, capture_output=True, timeout=60)
        reply = await client.recv(timeout=30)
        assert reply["type"] == "subscribed" and reply["id"] == "early" and reply["target"] == "SH", reply
        assert sorted(reply["stocks"]) == sorted(MARKET_SH)
    finally:
        if client is not None:
            await client.close()
        process.terminate()
        process.wait(timeout=10)
        log.close()
        try:
            _psql(environment["database"], f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except AssertionError:
            pass


@run_async
async def test_a_disconnected_client_leaves_the_list_at_once_and_a_second_delete_is_404(server_factory):
    # A long close handshake: the victim never answers the close frame, so its socket
    # lingers; the admin API must not show it or disconnect it again meanwhile.
    server = server_factory()
    victim = await Client.open(server.ws)
    try:
        path = f"/api/websocket/clients/{victim.client_id}"
        victim.ws.transport.pause_reading()
        status, body = await asyncio.to_thread(http_json, server.http, "DELETE", path)
        assert status == 200 and body["disconnected"] is True, body  # cluster answers add covered, missing, ...
        status, body = await asyncio.to_thread(http_json, server.http, "GET", "/api/websocket/clients")
        assert victim.client_id not in [c["client_id"] for c in body["clients"]], body
        status, body = await asyncio.to_thread(http_json, server.http, "DELETE", path)
        assert status == 404, body
    finally:
        victim.ws.transport.resume_reading()
        await victim.close()


@run_async
async def test_manual_pushes_at_a_stalled_client_are_conflated_like_ticks(server_factory):
    # A client that stops reading while an operator pushes every price again and again:
    # past the queue limit its pushes are held back (newest price per stock), so what the
    # server holds for it stays near the limit instead of growing with every push.
    limit = 64 * 1024
    server = server_factory("--max-queued-bytes", str(limit), "--slow-consumer-timeout", "60",
                            "--quote-interval", "30")
    raw = RawWebSocket(server.host, server.port, rcvbuf=4096)
    try:
        client_id = raw.recv_json()["client_id"]
        raw.send_json({"type": "subscribe", "subscription_type": "market", "targets": ["US", "SH", "SZ", "HK"]})
        for _ in range(120):  # ~13 KB each: ~1.6 MB if nothing were conflated
            status, body = await asyncio.to_thread(http_json, server.http, "POST", "/api/websocket/push/prices")
            assert status == 200, body
        status, body = await asyncio.to_thread(http_json, server.http, "GET", "/api/websocket/clients")
        entry = next(c for c in body["clients"] if c["client_id"] == client_id)
        assert entry["conflated"] > 0, entry
        assert entry["queued_bytes"] <= limit + 32 * 1024, f"pushes kept queueing past the limit: {entry}"
    finally:
        raw.close()

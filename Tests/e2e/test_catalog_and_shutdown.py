"""Operations on a live server: a catalog edited in PostgreSQL reaches subscribers
without resubscribing, and SIGTERM shuts down gracefully."""
import asyncio
import json
import time

from websockets.exceptions import ConnectionClosed

from e2e_support import VOLUME_WAVE, Client, check_quote, http_json, http_request, run_async

NEWCOMER = "600036"  # 招商银行: in the catalog, not in volume_wave
LISTING = "688111"  # not in the seed: a new listing added while the server runs


@run_async
async def test_strategy_edit_in_postgres_reaches_subscribers(server_factory):
    server = server_factory()
    client = await Client.open(server.ws)
    other = await Client.open(server.ws)  # also holds NEWCOMER on its own
    try:
        replies, snapshot = await client.subscribe("strategy", "volume_wave")
        assert NEWCOMER not in replies[0]["stocks"]
        before = replies[0]["stocks"]
        await other.subscribe("strategy", "volume_wave")
        await other.subscribe("stock", NEWCOMER)
        draining = asyncio.create_task(drain(other))  # read on, so its queue never backs up
        await client.collect(0.5)
        assert NEWCOMER not in {q["code"] for u in client.updates for q in u["data"]}

        await asyncio.to_thread(server.database.sql, f"""
            BEGIN;
            INSERT INTO stocks (code, name, market, tick_precision, lot_size, price_limit_percent, reference_price)
                VALUES ('{LISTING}', '金山办公', 'SH', 2, 200, 20, 285.00);
            INSERT INTO strategy_stocks (strategy, stock) VALUES ('volume_wave', '{NEWCOMER}'), ('volume_wave', '{LISTING}');
            COMMIT;""")
        inserted = time.monotonic()
        seen = len(client.messages)
        change = await client.recv_type("subscription_changed", timeout=5)
        assert not {NEWCOMER, LISTING} & {q["code"] for u in client.messages[seen:-1]
                                          if u["type"] == "price_update" for q in u["data"]}
        assert (change["subscription_type"], change["target"]) == ("strategy", "volume_wave"), change
        assert change["added"] == sorted([NEWCOMER, LISTING]) and change["removed"] == [], change
        assert sorted(change["stocks"]) == sorted(before + [NEWCOMER, LISTING]), change
        first = await client.recv()  # the snapshot comes right after it
        assert first["type"] == "price_update" and first["snapshot"], first
        codes = {q["code"] for q in first["data"]}
        # The added stocks that have a quote; a new listing is priced from its first tick.
        assert NEWCOMER in codes and codes <= {NEWCOMER, LISTING}, codes
        found = {q["code"]: q for q in first["data"]}
        while len(found) < 2:
            update = await client.recv_until(
                lambda m: m.get("type") == "price_update" and {NEWCOMER, LISTING} & {q["code"] for q in m["data"]},
                timeout=max(0.1, 5 - (time.monotonic() - inserted)))
            for quote in update["data"]:
                if quote["code"] in (NEWCOMER, LISTING):
                    found.setdefault(quote["code"], quote)
        assert (found[NEWCOMER]["name"], found[NEWCOMER]["market"]) == ("招商银行", "SH"), found
        assert (found[LISTING]["name"], found[LISTING]["market"]) == ("金山办公", "SH"), found
        assert 200 < found[LISTING]["price"] < 400, found[LISTING]
        for quote in found.values():
            check_quote(quote)
        status = await client.request({"type": "get_status"}, "status")
        assert status["subscriptions"] == [{"subscription_type": "strategy", "target": "volume_wave"}]

        await asyncio.to_thread(
            server.database.sql,
            f"DELETE FROM strategy_stocks WHERE strategy = 'volume_wave' AND stock IN ('{NEWCOMER}', '{LISTING}')")
        removal = await client.recv_type("subscription_changed", timeout=5)
        assert removal["added"] == [] and removal["removed"] == sorted([NEWCOMER, LISTING]), removal
        assert sorted(removal["stocks"]) == sorted(before), removal
        seen = len(client.messages)
        await client.collect(2.0)
        later = [m for m in client.messages[seen:] if m["type"] == "price_update"]
        assert later, "updates stopped altogether"
        assert not any(m["snapshot"] for m in later), "nothing was added: no snapshot"
        codes = {q["code"] for u in later for q in u["data"]}
        assert not codes & {NEWCOMER, LISTING}, "stocks removed from the strategy kept arriving"
        assert codes <= set(VOLUME_WAVE)
        status = await client.request({"type": "get_status"}, "status")
        assert status["subscriptions"] == [{"subscription_type": "strategy", "target": "volume_wave"}]

        # The other client was told too, and still gets NEWCOMER: its stock subscription covers it.
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not still_covered(other.messages):
            await asyncio.sleep(0.05)
        assert still_covered(other.messages), [m for m in other.messages if m["type"] != "price_update"]
    finally:
        if "draining" in locals():
            draining.cancel()
        await client.close()
        await other.close()


async def drain(client):
    while True:
        await client.recv(timeout=60)


def still_covered(messages):
    """Both edits announced, and a NEWCOMER update after the removal."""
    told = [i for i, m in enumerate(messages) if m["type"] == "subscription_changed"]
    if len(told) < 2:
        return False
    assert [messages[i]["removed"] for i in told] == [[], sorted([NEWCOMER, LISTING])], told
    return any(m["type"] == "price_update" and not m["snapshot"] and NEWCOMER in {q["code"] for q in m["data"]}
               for m in messages[told[1] + 1:])


@run_async
async def test_the_catalog_endpoint_lists_what_can_be_subscribed_and_follows_edits(server_factory):
    server = server_factory()
    status, headers, body = await asyncio.to_thread(http_request, server.http, "GET", "/api/catalog")
    assert status == 200 and headers["content-type"] == "application/json", (status, headers)
    catalog = json.loads(body)
    strategies = {s["name"]: s for s in catalog["strategies"]}
    assert {m["code"] for m in catalog["markets"]} >= {"SH", "SZ", "HK", "US"}
    stocks = {s["code"]: s for s in catalog["stocks"]}
    assert stocks["600519"]["name"] == "贵州茅台" and stocks["600519"]["market"] == "SH"
    client = await Client.open(server.ws)
    try:  # what the catalog says a strategy holds is what subscribing to it covers
        replies, _ = await client.subscribe("strategy", "volume_wave")
        assert strategies["volume_wave"]["stocks"] == replies[0]["stocks"]
    finally:
        await client.close()
    etag = headers["etag"]
    status, _, body = await asyncio.to_thread(
        http_request, server.http, "GET", "/api/catalog", headers={"If-None-Match": etag})
    assert status == 304 and body == b""

    await asyncio.to_thread(
        server.database.sql, f"INSERT INTO strategy_stocks (strategy, stock) VALUES ('volume_wave', '{NEWCOMER}')")
    deadline = time.monotonic() + 5
    while True:  # the reload reaches the endpoint: a new version, a new tag
        status, headers, body = await asyncio.to_thread(
            http_request, server.http, "GET", "/api/catalog", headers={"If-None-Match": etag})
        if status == 200:
            break
        assert status == 304 and time.monotonic() < deadline, "the catalog edit never reached /api/catalog"
        await asyncio.sleep(0.1)
    assert headers["etag"] != etag
    edited = {s["name"]: s for s in json.loads(body)["strategies"]}
    assert NEWCOMER in edited["volume_wave"]["stocks"]


@run_async
async def test_postgres_outage_fails_readiness_but_the_stream_goes_on(server_factory):
    server = server_factory()
    client = await Client.open(server.ws)
    try:
        await client.subscribe("strategy", "volume_wave")
        server.database.drop()  # terminates the server's PostgreSQL sessions and removes the database
        deadline = time.monotonic() + 5
        while True:
            status, ready = await asyncio.to_thread(http_json, server.http, "GET", "/readyz")
            if status != 200:
                break
            assert time.monotonic() < deadline, "/readyz still 200 5 s into a PostgreSQL outage"
            await asyncio.sleep(0.1)
        assert status == 503 and ready["redis"] == "ok" and ready["postgres"] != "ok", (status, ready)
        status, _, _ = await asyncio.to_thread(http_request, server.http, "GET", "/healthz")
        assert status == 200
        # Quotes come from Redis and the last catalog is kept: subscribers keep streaming.
        seen = len(client.updates)
        await client.collect(1.0)
        assert len(client.updates) - seen >= 3, "the stream stopped during a PostgreSQL outage"
        late = await Client.open(server.ws)
        replies, snapshot = await late.subscribe("stock", "600519")
        assert snapshot["data"][0]["name"] == "贵州茅台"
        await late.close()
    finally:
        await client.close()


async def until_closed(client):
    """-> (server_shutdown message or None, close code, seconds after start)."""
    shutdown = None
    try:
        while True:
            message = await client.recv(timeout=10)
            if message["type"] == "server_shutdown":
                assert shutdown is None, "two server_shutdown messages"
                shutdown = message
            else:
                assert shutdown is None, f"{message['type']} after server_shutdown"
    except ConnectionClosed as closed:
        return shutdown, (closed.rcvd.code if closed.rcvd else None)


@run_async
async def test_sigterm_sends_server_shutdown_then_1001_and_exits_0(server_factory):
    server = server_factory()
    clients = [await Client.open(server.ws) for _ in range(5)]
    for client in clients[:3]:
        await client.subscribe("strategy", "volume_wave")
    watchers = [asyncio.create_task(until_closed(client)) for client in clients]
    await asyncio.sleep(0.5)
    started = time.monotonic()
    server.terminate()
    results = await asyncio.wait_for(asyncio.gather(*watchers), timeout=10)
    delays = []
    for shutdown, code in results:
        assert shutdown is not None, "closed without server_shutdown"
        delay = shutdown["reconnect_after_ms"]
        assert isinstance(delay, int) and 0 <= delay <= 5000, shutdown
        assert isinstance(shutdown["timestamp"], str)
        assert code == 1001, f"closed with {code}, expected 1001"
        delays.append(delay)
    assert len(set(delays)) > 1, f"every client got the same reconnect_after_ms {delays}: a reconnect storm"
    exit_code = await asyncio.to_thread(server.wait_exit, 8)
    assert exit_code == 0, server.log()[-3000:]
    assert time.monotonic() - started < 5, f"exit took {time.monotonic() - started:.1f} s"

"""Trading sessions on a live server, with the market clock set by --market-time so the
transitions happen seconds after the start instead of at real market hours."""
import asyncio

from e2e_support import Client, http_json, http_request, parse_metrics, run_async

TENCENT = "0700"  # HK
MOUTAI = "600519"  # SH


def market_time(seconds_before):
    """A --market-time argument `seconds_before` seconds before Monday 2026-12-07 12:00 in
    Hong Kong (04:00 UTC), when its morning session ends."""
    return "2026-12-07T03:59:%02dZ" % (60 - seconds_before)


def statuses(messages, market=None):
    return [m for m in messages if m["type"] == "market_status" and (market is None or m["market"] == market)]


@run_async
async def test_status_at_subscribe_at_each_change_and_in_reports(server_factory):
    server = server_factory("--market-time", market_time(9))
    hong_kong = await Client.open(server.ws)
    shanghai = await Client.open(server.ws)
    try:
        replies, _ = await hong_kong.subscribe("stock", TENCENT)
        assert [r["type"] for r in replies] == ["subscribed"], replies
        # Between the ack and the snapshot: the status of the stock's market.
        assert [m["type"] for m in hong_kong.messages[-3:]] == ["subscribed", "market_status", "price_update"]
        status = hong_kong.messages[-2]
        assert status["market"] == "HK" and status["status"] == "open", status
        assert status["since"] == "2026-12-07T01:30:00.000000Z", status  # 09:30 in Hong Kong
        assert status["next_change"] == "2026-12-07T04:00:00.000000Z", status

        await shanghai.subscribe("stock", MOUTAI)
        status = statuses(shanghai.messages, "SH")[0]
        # Shanghai broke for lunch at 11:30 (03:30 UTC) and reopens at 13:00.
        assert (status["status"], status["since"], status["next_change"]) == (
            "lunch_break", "2026-12-07T03:30:00.000000Z", "2026-12-07T05:00:00.000000Z"), status

        change = await hong_kong.recv_type("market_status", timeout=15)
        assert (change["market"], change["status"], change["since"], change["next_change"]) == (
            "HK", "lunch_break", "2026-12-07T04:00:00.000000Z", "2026-12-07T05:00:00.000000Z"), change
        # Exactly one per change, and only to the clients of that market.
        await hong_kong.collect(0.5)
        assert len(statuses(hong_kong.messages, "HK")) == 2, statuses(hong_kong.messages)
        await shanghai.collect(0.2)
        assert statuses(shanghai.messages, "HK") == []

        reply = await hong_kong.request({"type": "get_status", "id": "s"}, "status")
        assert sorted(reply["markets"]) == ["HK", "SH", "SZ", "US"], reply
        assert reply["markets"]["HK"]["status"] == "lunch_break"
        assert reply["markets"]["US"]["status"] == "closed"  # 23:00 on Sunday in New York
        _, stats = await asyncio.to_thread(http_json, server.http, "GET", "/api/websocket/stats")
        assert stats["markets"]["HK"] == {
            "status": "lunch_break", "since": "2026-12-07T04:00:00.000000Z",
            "next_change": "2026-12-07T05:00:00.000000Z"}, stats["markets"]
        assert stats["markets"]["SH"]["status"] == "lunch_break"
        _, _, metrics = await asyncio.to_thread(http_request, server.http, "GET", "/metrics")
        series = parse_metrics(metrics)
        assert series['stockpush_market_status{market="HK",status="lunch_break"}'] == 1, series
        assert series['stockpush_market_status{market="HK",status="open"}'] == 0
        assert series['stockpush_market_status{market="US",status="closed"}'] == 1
    finally:
        await hong_kong.close()
        await shanghai.close()


@run_async
async def test_enforced_hours_pull_a_market_only_while_it_trades(server_factory):
    # 15:59:52 in Hong Kong: open for a few seconds more; Shanghai closed since 15:00.
    server = server_factory("--market-hours", "enforce", "--market-time", "2026-12-07T07:59:52Z")
    client = await Client.open(server.ws)
    try:
        _, snapshot = await client.subscribe("stock", targets=[TENCENT, MOUTAI])
        answered = statuses(client.messages)
        assert {s["market"]: s["status"] for s in answered} == {"HK": "open", "SH": "closed"}, answered
        assert {q["code"] for q in snapshot["data"]} == {TENCENT, MOUTAI}  # one pull of each at the start
        closed = await client.recv_until(
            lambda m: m["type"] == "market_status" and m["market"] == "HK", timeout=15)
        assert closed["status"] == "closed" and closed["since"] == "2026-12-07T08:00:00.000000Z", closed
        live = [u for u in client.updates if not u["snapshot"]]
        codes = [q["code"] for u in live for q in u["data"]]
        assert TENCENT in codes, "Hong Kong was pulled while it traded"
        assert MOUTAI not in codes, "Shanghai is closed: not pulled"
        # The closing pull lands within an interval of the close; then nothing more.
        await client.collect(0.6)
        settled = len(client.updates)
        await client.collect(1.5)
        assert client.updates[settled:] == [], client.updates[settled:]
    finally:
        await client.close()


@run_async
async def test_new_york_opens_at_1330_utc_after_the_spring_switch(server_factory):
    # Monday 2026-03-09, the day after New York moved to daylight time: 09:30 EDT is 13:30 UTC.
    server = server_factory("--market-time", "2026-03-09T13:29:52Z")
    client = await Client.open(server.ws)
    try:
        await client.subscribe("stock", "AAPL")
        status = statuses(client.messages, "US")[0]
        assert (status["status"], status["since"], status["next_change"]) == (
            "pre_open", "2026-03-09T13:00:00.000000Z", "2026-03-09T13:30:00.000000Z"), status
        opened = await client.recv_type("market_status", timeout=15)
        assert (opened["market"], opened["status"], opened["since"], opened["next_change"]) == (
            "US", "open", "2026-03-09T13:30:00.000000Z", "2026-03-09T20:00:00.000000Z"), opened
    finally:
        await client.close()

"""Stale flags, daily limits and latency stamps on a live server fed by a quote provider
the test controls (QUOTE_SOURCE=http), with the market clock set to an open session."""
import asyncio
import time
from datetime import datetime, timezone

from e2e_support import Client, check_quote, http_request, parse_metrics, run_async
from quote_provider import Provider, serving

MOUTAI, PING_AN, TENCENT = "600519", "601318", "0700"


def instant(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def latest(client, code):
    for update in reversed(client.updates):
        for quote in update["data"]:
            if quote["code"] == code:
                return quote, update
    return None, None


def metrics(server):
    _, _, body = http_request(server.http, "GET", "/metrics")
    return parse_metrics(body)


@run_async
async def test_limits_stale_flags_and_latency_stamps(server_factory):
    provider = Provider()
    provider.set(MOUTAI, 1738.00, 1580.00)  # +10 %: at the limit
    provider.set(PING_AN, 52.30, 52.30, frozen_at=int(time.time() * 1000))  # stops updating
    provider.set(TENCENT, 485.00, 480.00)
    server = server_factory(*serving(provider))
    client = await Client.open(server.ws)
    try:
        await client.subscribe("stock", targets=[MOUTAI, PING_AN, TENCENT])
        snapshot = client.updates[-1]
        quotes = {quote["code"]: quote for quote in snapshot["data"]}
        for quote in quotes.values():
            check_quote(quote)
        moutai = quotes[MOUTAI]
        assert (moutai["limit_up"], moutai["limit_down"], moutai["at_limit"]) == (1738.0, 1422.0, "up"), moutai
        assert "limit_up" not in quotes[TENCENT], "Hong Kong has no daily limits"
        # The chain of stamps: quoted by the source, written to Redis, published.
        assert instant(moutai["quote_time"]) <= instant(moutai["ingest_time"]) <= instant(snapshot["timestamp"]), moutai

        # Ping An's quote time stands still in an open market: flagged once, within the window.
        def stale_quote(message):
            return message["type"] == "price_update" and any(
                q["code"] == PING_AN and q.get("stale") for q in message["data"])
        if not stale_quote(snapshot):  # on a slow start it may be stale by the snapshot already
            flagged = await client.recv_until(stale_quote, timeout=20)
            assert [q["code"] for q in flagged["data"]] == [PING_AN], "only the flag flipped"
            check_quote(flagged["data"][0])
        await client.collect(1.0)
        flags = [q for u in client.updates for q in u["data"] if q["code"] == PING_AN and q.get("stale")]
        assert len(flags) == 1, f"sent once when it goes stale: {flags}"
        fresh = latest(client, MOUTAI)[0]
        assert "stale" not in fresh, "a quote that keeps arriving is not stale"
        numbers = await asyncio.to_thread(metrics, server)
        assert numbers["stockpush_stale_quotes"] == 1, numbers
        assert numbers['stockpush_stale_transitions_total{to="stale"}'] == 1, numbers

        # The provider quotes it again (same price): sent once, without the flag.
        provider.set(PING_AN, 52.30, 52.30)
        recovered = await client.recv_until(
            lambda m: m["type"] == "price_update" and any(q["code"] == PING_AN for q in m["data"]), timeout=20)
        quote = next(q for q in recovered["data"] if q["code"] == PING_AN)
        assert "stale" not in quote and quote["price"] == 52.30, quote
        check_quote(quote)
        numbers = await asyncio.to_thread(metrics, server)
        assert numbers["stockpush_stale_quotes"] == 0, numbers
        assert numbers['stockpush_stale_transitions_total{to="fresh"}'] == 1, numbers
        # Each leg of the way has its histogram, fed by the quotes sent.
        for leg in ("source_to_ingest", "ingest_to_publish", "publish_latency"):
            assert numbers[f"stockpush_{leg}_seconds_count"] > 0, (leg, numbers)
    finally:
        await client.close()
        provider.close()

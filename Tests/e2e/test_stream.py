"""The price stream as a trading front-end uses it: connect, subscribe, snapshot,
live updates, unsubscribe, ping and status."""
import asyncio
import time
from datetime import datetime, timezone

from e2e_support import (
    BLUE_CHIP, CLIENT_ID, CONSUMER_STAPLES, ISO_MICROS, MARKET_SH, MARKET_US, VOLUME_WAVE, Client,
    check_quote, quote_values, run_async,
)


def parse_iso(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


@run_async
async def test_connected_message(server):
    client = await Client.open(server.ws)
    try:
        message = client.connected
        assert CLIENT_ID.match(message["client_id"]), message
        assert isinstance(message["message"], str) and message["message"]
        assert isinstance(message["heartbeat_interval"], int) and message["heartbeat_interval"] == 30, message
        assert ISO_MICROS.match(message["timestamp"]), message
        skew = abs((datetime.now(timezone.utc) - parse_iso(message["timestamp"])).total_seconds())
        assert skew < 5, f"connected timestamp {message['timestamp']} is {skew:.1f} s off"
        other = await Client.open(server.ws)
        assert other.client_id != client.client_id
        await other.close()
    finally:
        await client.close()


@run_async
async def test_subscribe_echoes_any_id_and_sends_one_full_snapshot(server):
    for request_id in (7, "req-7", {"n": 7, "tag": ["a", None]}):
        client = await Client.open(server.ws)
        try:
            await client.send({"type": "subscribe", "subscription_type": "strategy", "target": "volume_wave", "id": request_id})
            subscribed = await client.recv()
            assert subscribed["type"] == "subscribed", subscribed
            assert subscribed["subscription_type"] == "strategy" and subscribed["target"] == "volume_wave"
            assert subscribed["id"] == request_id
            assert sorted(subscribed["stocks"]) == sorted(VOLUME_WAVE)
            # Then the status of each market the strategy holds, in code order, without the id.
            statuses = [await client.recv() for _ in range(4)]
            assert [(m["type"], m["market"]) for m in statuses] == [
                ("market_status", market) for market in ("HK", "SH", "SZ", "US")], statuses
            assert all("id" not in m for m in statuses)
            snapshot = await client.recv()
            assert snapshot["type"] == "price_update", snapshot
            assert snapshot["snapshot"] is True and snapshot["seq"] == 1
            assert snapshot["count"] == len(snapshot["data"])
            codes = [quote["code"] for quote in snapshot["data"]]
            assert sorted(codes) == sorted(VOLUME_WAVE), codes
            for quote in snapshot["data"]:
                check_quote(quote)
                name, market = VOLUME_WAVE[quote["code"]]
                assert (quote["name"], quote["market"]) == (name, market), quote
            moutai = next(q for q in snapshot["data"] if q["code"] == "600519")
            assert moutai["name"] == "贵州茅台" and moutai["market"] == "SH"
        finally:
            await client.close()


@run_async
async def test_live_updates_carry_only_changed_subscribed_stocks_without_seq_gaps(server):
    client = await Client.open(server.ws)
    try:
        _, snapshot = await client.subscribe("strategy", "volume_wave")
        last = {quote["code"]: quote_values(quote) for quote in snapshot["data"]}
        await client.collect(2.0)
        live = [u for u in client.updates if not u["snapshot"]]
        assert len(live) >= 4, f"only {len(live)} live updates in 2 s at a 0.2 s quote interval"
        assert [u["seq"] for u in client.updates] == list(range(1, len(client.updates) + 1))
        assert client.updates[0] is snapshot
        for update in live:
            assert update["data"], "an empty price_update"
            for quote in update["data"]:
                assert quote["code"] in VOLUME_WAVE, f"{quote['code']} is not in volume_wave"
                check_quote(quote)
                values = quote_values(quote)
                assert values != last[quote["code"]], (
                    f"seq {update['seq']}: {quote['code']} sent unchanged {values}")
                last[quote["code"]] = values
    finally:
        await client.close()


@run_async
async def test_overlapping_subscriptions_deliver_each_stock_once(server):
    client = await Client.open(server.ws)
    try:
        await client.subscribe("strategy", "volume_wave")
        await client.subscribe("stock", "600519")
        _, sh_snapshot = await client.subscribe("market", "SH")
        assert sorted(q["code"] for q in sh_snapshot["data"]) == sorted(MARKET_SH)
        covered = set(VOLUME_WAVE) | MARKET_SH
        await client.collect(1.5)
        live = [u for u in client.updates if not u["snapshot"]]
        assert live, "no live updates in 1.5 s"
        for update in live:
            codes = [q["code"] for q in update["data"]]
            assert len(codes) == len(set(codes))  # also checked on receipt
            assert set(codes) <= covered, set(codes) - covered
    finally:
        await client.close()

    batch = await Client.open(server.ws)
    try:
        targets = ["volume_wave", "consumer_staples", "blue_chip"]
        replies, snapshot = await batch.subscribe("strategy", targets=targets, id="batch")
        assert [r["type"] for r in replies] == ["subscribed"] * 3, replies
        assert [r["target"] for r in replies] == targets
        assert all(r["id"] == "batch" for r in replies)
        codes = [q["code"] for q in snapshot["data"]]
        assert len(codes) == len(set(codes)), f"duplicated stocks in the snapshot: {sorted(codes)}"
        assert set(codes) == set(VOLUME_WAVE) | CONSUMER_STAPLES | BLUE_CHIP
        assert snapshot["seq"] == 1 and snapshot["count"] == len(codes)
    finally:
        await batch.close()


@run_async
async def test_batch_with_unknown_target_answers_each_then_one_snapshot(server):
    client = await Client.open(server.ws)
    try:
        await client.send({"type": "subscribe", "subscription_type": "stock",
                           "targets": ["600519", "NOPE99", "000858"], "id": 5})
        replies = [await client.recv() for _ in range(3)]
        subscribed = [r for r in replies if r["type"] == "subscribed"]
        errors = [r for r in replies if r["type"] == "error"]
        assert sorted(r["target"] for r in subscribed) == ["000858", "600519"], replies
        assert all(r["id"] == 5 and r["subscription_type"] == "stock" for r in subscribed)
        assert [r["stocks"] for r in subscribed if r["target"] == "600519"] == [["600519"]]
        assert len(errors) == 1, replies
        assert errors[0]["code"] == "unknown_target" and errors[0]["target"] == "NOPE99" and errors[0]["id"] == 5
        assert isinstance(errors[0]["message"], str)
        status = await client.recv()
        assert (status["type"], status["market"]) == ("market_status", "SH"), status
        status = await client.recv()
        assert (status["type"], status["market"]) == ("market_status", "SZ"), status
        snapshot = await client.recv()
        assert snapshot["type"] == "price_update" and snapshot["snapshot"] is True, snapshot
        assert sorted(q["code"] for q in snapshot["data"]) == ["000858", "600519"]
        # Exactly one snapshot: whatever follows is live.
        for message in await client.collect(0.6):
            assert message["type"] == "price_update" and message["snapshot"] is False, message
    finally:
        await client.close()


@run_async
async def test_resubscribing_is_idempotent(server):
    client = await Client.open(server.ws)
    try:
        await client.subscribe("strategy", "volume_wave", id=1)
        await client.collect(0.5)
        replies, again = await client.subscribe("strategy", "volume_wave", id=2)
        assert [(r["type"], r["target"], r["id"]) for r in replies] == [("subscribed", "volume_wave", 2)]
        assert sorted(replies[0]["stocks"]) == sorted(VOLUME_WAVE)
        assert sorted(q["code"] for q in again["data"]) == sorted(VOLUME_WAVE)
        status = await client.request({"type": "get_status"}, "status")
        assert status["subscriptions"] == [{"subscription_type": "strategy", "target": "volume_wave"}]
        # The same target twice in one batch: held once, one snapshot with each stock once.
        replies, snapshot = await client.subscribe("stock", targets=["600519", "600519"], id=3)
        assert replies and {(r["type"], r["target"], r["id"]) for r in replies} == {("subscribed", "600519", 3)}, replies
        assert [q["code"] for q in snapshot["data"]] == ["600519"]
        status = await client.request({"type": "get_status"}, "status")
        assert status["subscriptions"] == [{"subscription_type": "strategy", "target": "volume_wave"},
                                           {"subscription_type": "stock", "target": "600519"}]
    finally:
        await client.close()


@run_async
async def test_unsubscribe_stops_updates(server):
    client = await Client.open(server.ws)
    try:
        await client.subscribe("strategy", "volume_wave")
        await client.subscribe("market", "US")
        await client.collect(0.5)
        reply = await client.request(
            {"type": "unsubscribe", "subscription_type": "market", "target": "US", "id": 8}, "unsubscribed")
        assert reply == {**reply, "subscription_type": "market", "target": "US", "id": 8}, reply
        after = await client.collect(1.0)
        codes = {q["code"] for m in after if m["type"] == "price_update" for q in m["data"]}
        assert codes, "no updates for the remaining subscription"
        assert codes <= set(VOLUME_WAVE), f"stocks of the dropped subscription kept coming: {codes - set(VOLUME_WAVE)}"

        await client.subscribe("stock", "AAPL")
        reply = await client.request({"type": "unsubscribe", "all": True, "id": 9}, "unsubscribed")
        assert reply["all"] is True and reply["count"] == 2 and reply["id"] == 9, reply
        after = await client.collect(1.0)
        assert not [m for m in after if m["type"] == "price_update"], "price_update after unsubscribe all"
        status = await client.request({"type": "get_status"}, "status")
        assert status["subscriptions"] == []
    finally:
        await client.close()


@run_async
async def test_ping_and_status(server):
    client = await Client.open(server.ws)
    try:
        pong = await client.request({"type": "ping", "id": 41}, "pong")
        assert pong["id"] == 41 and ISO_MICROS.match(pong["timestamp"]), pong
        started = time.time()
        await client.subscribe("strategy", "volume_wave")
        await client.subscribe("stock", "AAPL")
        await client.collect(0.7)
        await client.send({"type": "get_status", "id": "s"})
        status = await client.recv_type("status")
        received_before = client.messages.index(status)
        assert status["id"] == "s"
        assert status["client_id"] == client.client_id
        assert status["user"] == "anonymous"
        assert isinstance(status["connected_at"], float)
        assert started - 10 < status["connected_at"] <= time.time() + 1, status
        assert status["subscriptions"] == [
            {"subscription_type": "strategy", "target": "volume_wave"},
            {"subscription_type": "stock", "target": "AAPL"},
        ]
        assert status["message_count"] == received_before, (
            f"message_count {status['message_count']}, but {received_before} messages arrived before it")
        assert ISO_MICROS.match(status["timestamp"])
    finally:
        await client.close()


@run_async
async def test_market_subscription_covers_the_market(server):
    client = await Client.open(server.ws)
    try:
        replies, snapshot = await client.subscribe("market", "US")
        assert sorted(replies[0]["stocks"]) == sorted(MARKET_US)
        assert sorted(q["code"] for q in snapshot["data"]) == sorted(MARKET_US)
        assert all(q["market"] == "US" for q in snapshot["data"])
    finally:
        await client.close()


@run_async
async def test_one_tick_reaches_every_client_with_one_timestamp_and_the_same_quote(server):
    wide = await Client.open(server.ws)
    narrow = await Client.open(server.ws)
    try:
        await wide.subscribe("strategy", "volume_wave")
        await narrow.subscribe("stock", "600519")
        await asyncio.gather(wide.collect(2.0), narrow.collect(2.0))
        wide_by_time = {u["timestamp"]: u for u in wide.updates if not u["snapshot"]}
        narrow_live = [u for u in narrow.updates if not u["snapshot"]]
        assert narrow_live, "no update of 600519 in 2 s"
        matched = 0
        for update in narrow_live:
            assert [q["code"] for q in update["data"]] == ["600519"]
            twin = wide_by_time.get(update["timestamp"])
            if twin is None:
                continue  # a tick before the other client's subscription or after its collection ended
            matched += 1
            same = [q for q in twin["data"] if q["code"] == "600519"]
            assert same == update["data"], f"one tick, two different quotes: {same} vs {update['data']}"
        assert matched >= len(narrow_live) - 2, "the clients' updates do not share tick timestamps"
        for client in (wide, narrow):
            for update in client.updates:
                if update["snapshot"]:
                    continue
                sent = parse_iso(update["timestamp"]).timestamp()
                latency = client.arrivals[id(update)] - sent
                assert -0.05 <= latency < 1.0, f"receive time - timestamp = {latency:.3f} s"
                for quote in update["data"]:
                    assert parse_iso(quote["quote_time"]).timestamp() <= sent + 0.05, (quote, update["timestamp"])
    finally:
        await wide.close()
        await narrow.close()


@run_async
async def test_a_later_subscriber_snapshot_holds_the_newest_prices(server):
    """Snapshots of a target are reused within a tick: each new tick (and nothing
    else) must refresh them, so a client joining later never starts from stale prices."""
    watcher = await Client.open(server.ws)
    try:
        await watcher.subscribe("strategy", "volume_wave")
        for _ in range(3):
            await watcher.collect(0.5)
            last_seen = {}
            for update in watcher.updates:
                for quote in update["data"]:
                    last_seen[quote["code"]] = quote
            joiner = await Client.open(server.ws)
            try:
                _, snapshot = await joiner.subscribe("strategy", "volume_wave", id="later")
            finally:
                await joiner.close()
            assert sorted(q["code"] for q in snapshot["data"]) == sorted(VOLUME_WAVE)
            for quote in snapshot["data"]:
                seen = last_seen[quote["code"]]
                # Volumes only grow: a snapshot older than what the watcher already saw would be stale.
                assert quote["volume"] >= seen["volume"], (quote, seen)
            # A client without an `id` gets the same prices in the same (sorted) order.
            plain = await Client.open(server.ws)
            try:
                replies, plain_snapshot = await plain.subscribe("strategy", "volume_wave")
            finally:
                await plain.close()
            assert "id" not in replies[0] and replies[0]["stocks"], replies
            codes = [q["code"] for q in plain_snapshot["data"]]
            assert codes == sorted(codes) and len(codes) == len(VOLUME_WAVE)
    finally:
        await watcher.close()

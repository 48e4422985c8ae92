"""Notifications (protocol.md part 14) on two instances sharing Redis and PostgreSQL:
live delivery to every connection of a user wherever it is, the offline queue
(in order on connect, removed only by an ack, redelivered after a crash), its cap and
expiry, the history with read marks, groups and everyone as targets, and the bad
input and outages that must cost nothing."""
import asyncio
import time
from urllib.parse import quote

import jwt
import pytest
from websockets.exceptions import InvalidStatus

from e2e_support import Client, http_json, http_request, parse_metrics, run_async
from test_redis_restart import PrivateRedis

SECRET = "notify-secret-of-at-least-32-bytes-long"
SERVICE = "svc-token"
PRODUCER = {"Authorization": f"Bearer {SERVICE}"}


def token(sub):
    return jwt.encode({"sub": sub, "exp": int(time.time()) + 600}, SECRET, algorithm="HS256")


def stream_url(server, user):
    return f"ws://{server.host}:{server.port}/api/ws/notifications?token={token(user)}"


def prices_url(server, user):
    return f"{server.ws}?token={token(user)}"


def send(server, body, headers=PRODUCER):
    return http_json(server.http, "POST", "/api/notifications", body=body, headers=headers)


def sent(server, body):
    status, answer = send(server, body)
    assert status == 200, (status, answer)
    return answer


@pytest.fixture(scope="module")
def pair(server_factory):
    args = ("--jwt-secret", SECRET, "--service-token", SERVICE)
    first = server_factory(*args, "--instance-id", "notify-a", wait_for_quotes=False)
    second = server_factory(*args, "--instance-id", "notify-b", prefix=first.prefix, database=first.database,
                            wait_for_quotes=False)
    deadline = time.monotonic() + 10
    while True:
        _, stats = http_json(first.http, "GET", "/api/websocket/stats")
        if sorted(stats.get("covered", [])) == ["notify-a", "notify-b"]:
            return first, second
        assert time.monotonic() < deadline, stats
        time.sleep(0.1)


async def notifications(client, count, timeout=5.0):
    """The next `count` notification messages (heartbeats and others skipped)."""
    found = []
    deadline = time.monotonic() + timeout
    while len(found) < count:
        message = await client.recv(timeout=max(0.01, deadline - time.monotonic()))
        if message["type"] == "notification":
            found.append(message["data"])
    return found


async def quiet(client, seconds=0.6):
    """The notifications that arrive within `seconds` (none expected)."""
    return [m["data"] for m in await client.collect(seconds) if m["type"] == "notification"]


@run_async
async def test_a_notification_reaches_every_connection_of_its_user_on_both_instances(pair):
    a, b = pair
    stream = await Client.open(stream_url(a, "alice"))
    prices = await Client.open(prices_url(b, "alice"))
    other = await Client.open(stream_url(a, "bob"))
    try:
        reply = await prices.request({"type": "subscribe", "subscription_type": "notifications", "id": 1}, "subscribed")
        assert reply == {"type": "subscribed", "subscription_type": "notifications", "id": 1}
        await asyncio.sleep(0.3)  # both catch-ups (empty queues) done
        answer = await asyncio.to_thread(sent, a, {"user": "alice", "title": "Backtest done", "content": "+4.2 %",
                                                   "type": "analysis", "link": "/reports/42", "source": "backtester"})
        assert (answer["users"], answer["delivered_live"], answer["queued"], answer["connections"]) == (1, 1, 0, 2)
        assert answer["per_instance"] == {"notify-a": 1, "notify-b": 1} and answer["missing"] == []
        [on_stream] = await notifications(stream, 1)
        [on_prices] = await notifications(prices, 1)
        assert on_stream == on_prices
        assert on_stream["id"] == answer["id"] and on_stream["title"] == "Backtest done"
        assert (on_stream["type"], on_stream["link"], on_stream["source"], on_stream["status"]) == (
            "analysis", "/reports/42", "backtester", "unread")
        assert await quiet(other) == [], "bob gets nothing of alice's"
    finally:
        for client in (stream, prices, other):
            await client.close()


@run_async
async def test_offline_notifications_wait_in_order_and_leave_only_when_acknowledged(pair):
    a, b = pair
    ids = []
    for n in range(3):
        answer = await asyncio.to_thread(sent, a, {"user": "carol", "title": f"n{n}"})
        assert (answer["delivered_live"], answer["queued"]) == (0, 1)
        ids.append(answer["id"])
    first = await Client.open(stream_url(b, "carol"))
    try:
        got = await notifications(first, 3)
        assert [n["id"] for n in got] == ids and [n["title"] for n in got] == ["n0", "n1", "n2"]
    finally:
        await first.close()
    # Not acknowledged: all three again, on the other instance.
    second = await Client.open(stream_url(a, "carol"))
    try:
        assert [n["id"] for n in await notifications(second, 3)] == ids
        live = await asyncio.to_thread(sent, b, {"user": "carol", "title": "live"})
        [arrived] = await notifications(second, 1)
        assert arrived["id"] == live["id"], "live ones come after the queued ones"
        acked = await second.request({"type": "ack", "ids": ids[:2], "id": "a1"}, "acked")
        assert acked == {"type": "acked", "ids": ids[:2], "id": "a1"}
        # A malformed ack and an unknown id change nothing.
        bad = await second.request({"type": "ack", "ids": ["nope"], "id": "a2"}, "error")
        assert bad["code"] == "invalid_message" and bad["id"] == "a2"
        unknown = await second.request({"type": "ack", "ids": [ids[2], ids[0]], "id": "a3"}, "error")
        assert (unknown["code"], unknown["target"]) == ("unknown_notification", ids[0])
        other = await second.request({"type": "subscribe", "subscription_type": "stock", "target": "600519"}, "error")
        assert other["code"] == "unknown_type", "the notification stream takes ack and ping only"
    finally:
        await second.close()
    third = await Client.open(stream_url(b, "carol"))
    try:
        assert [n["id"] for n in await notifications(third, 2)] == [ids[2], live["id"]]
        assert await quiet(third) == []
    finally:
        await third.close()


@run_async
async def test_the_history_pages_newest_first_with_read_marks(pair):
    a, _ = pair
    ids = [(await asyncio.to_thread(sent, a, {"user": "dora", "title": f"h{n}"}))["id"] for n in range(3)]
    status, page = await asyncio.to_thread(
        http_json, a.http, "GET", "/api/notifications?user=dora&limit=2", headers=PRODUCER)
    assert status == 200 and (page["total"], page["unread"]) == (3, 3)
    assert [n["id"] for n in page["notifications"]] == [ids[2], ids[1]] and page["next"] == ids[1]
    status, rest = await asyncio.to_thread(
        http_json, a.http, "GET", f"/api/notifications?user=dora&before={page['next']}", headers=PRODUCER)
    assert [n["id"] for n in rest["notifications"]] == [ids[0]] and rest["next"] is None
    own = {"Authorization": f"Bearer {token('dora')}"}
    status, marked = await asyncio.to_thread(http_json, a.http, "POST", f"/api/notifications/{ids[1]}/read", headers=own)
    assert (status, marked) == (200, {"id": ids[1], "status": "read", "changed": True})
    status, again = await asyncio.to_thread(
        http_json, a.http, "POST", f"/api/notifications/{ids[1]}/read?user=dora", headers=PRODUCER)
    assert again["changed"] is False
    status, page = await asyncio.to_thread(http_json, a.http, "GET", "/api/notifications", headers=own)
    assert page["unread"] == 2 and [n["status"] for n in page["notifications"]] == ["unread", "read", "unread"]
    # The queue says so too on the next connection.
    client = await Client.open(stream_url(a, "dora"))
    try:
        assert [n["status"] for n in await notifications(client, 3)] == ["unread", "read", "unread"]
    finally:
        await client.close()
    status, body = await asyncio.to_thread(http_json, a.http, "GET", "/api/notifications?user=erin", headers=own)
    assert (status, body["error"]) == (403, "forbidden")
    status, body = await asyncio.to_thread(
        http_json, a.http, "POST", "/api/notifications/1-0/read?user=dora", headers=PRODUCER)
    assert (status, body["error"]) == (404, "not_found")


@run_async
async def test_groups_and_everyone_are_targets(pair):
    a, b = pair
    status, _ = await asyncio.to_thread(http_json, a.http, "POST", "/api/groups", body={"name": "desk"})
    assert status == 201
    status, _ = await asyncio.to_thread(
        http_json, a.http, "POST", "/api/groups/desk/members", body={"users": ["gus", "hana"]})
    assert status == 200
    gus = await Client.open(stream_url(b, "gus"))
    try:
        await asyncio.sleep(0.3)
        answer = await asyncio.to_thread(sent, a, {"group": "desk", "title": "desk call"})
        assert (answer["users"], answer["delivered_live"], answer["queued"]) == (2, 1, 1)
        assert (await notifications(gus, 1))[0]["title"] == "desk call"
        everyone = await asyncio.to_thread(sent, b, {"all": True, "title": "maintenance"})
        assert everyone["users"] >= 1 and everyone["delivered_live"] >= 1, "gus has been seen"
        assert (await notifications(gus, 1))[0]["title"] == "maintenance"
    finally:
        await gus.close()
    status, body = await asyncio.to_thread(send, a, {"group": "nobody", "title": "x"})
    assert (status, body["error"]) == (404, "not_found")


@pytest.mark.parametrize("body,field", [
    ({"title": "no target"}, "target"),
    ({"user": "a", "users": ["b"], "title": "two targets"}, "target"),
    ({"user": "a"}, "title"),
    ({"user": "a", "title": 5}, "title"),
    ({"users": [], "title": "t"}, "users"),
    ({"all": False, "title": "t"}, "all"),
])
def test_bad_sends_are_400_naming_the_field(pair, body, field):
    status, answer = send(pair[0], body)
    assert status == 400 and answer["error"] == "invalid_notification" and answer["message"].startswith(field)


def test_only_producers_send_and_only_users_read_their_own(pair):
    a, _ = pair
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {token('mallory')}"}):
        status, body = send(a, {"user": "alice", "title": "t"}, headers=headers)
        assert (status, body["error"]) == (401, "unauthorized")
    status, body = http_json(a.http, "GET", "/api/notifications?user=alice")
    assert status == 401


@run_async
async def test_the_stream_needs_a_token(pair):
    with pytest.raises(InvalidStatus) as refused:
        await Client.open(f"ws://{pair[0].host}:{pair[0].port}/api/ws/notifications")
    assert refused.value.response.status_code == 401


@run_async
async def test_a_crash_between_send_and_ack_redelivers(pair, server_factory):
    a, _ = pair
    doomed = server_factory("--jwt-secret", SECRET, "--service-token", SERVICE, "--instance-id", "notify-c",
                            prefix=a.prefix, database=a.database, wait_for_quotes=False)
    client = await Client.open(stream_url(doomed, "ivan"))
    await asyncio.sleep(0.3)
    deadline = time.monotonic() + 10
    while True:  # the new instance takes part in sends once the others see it
        answer = await asyncio.to_thread(sent, a, {"user": "ivan", "title": "important"})
        if answer["delivered_live"] == 1:
            break
        assert time.monotonic() < deadline, answer
        await asyncio.sleep(0.2)
    received = []
    while answer["id"] not in received:  # earlier tries were queued: they come first
        received += [n["id"] for n in await notifications(client, 1, timeout=5)]
    await asyncio.to_thread(doomed.kill)
    again = await Client.open(stream_url(a, "ivan"))
    try:
        ids = [n["id"] for n in await quiet(again, 1.0)]
        assert answer["id"] in ids, "not acknowledged, so delivered again"
    finally:
        await again.close()


@run_async
async def test_the_queue_has_a_cap_and_an_expiry(server_factory):
    server = server_factory("--notify-queue-max", "2", "--notify-ttl", "1.5", wait_for_quotes=False)
    answers = [sent(server, {"user": "kim", "title": f"c{n}"}) for n in range(3)]
    assert [x["dropped"] for x in answers] == [0, 0, 1]
    client = await Client.open(f"ws://{server.host}:{server.port}/api/ws/notifications?user=kim")
    try:
        assert [n["title"] for n in await notifications(client, 2)] == ["c1", "c2"], "the oldest was dropped"
    finally:
        await client.close()
    status, _, text = http_request(server.http, "GET", "/metrics")
    assert status == 200 and parse_metrics(text)["stockpush_notifications_dropped_total"] == 1
    await asyncio.sleep(2.0)
    late = await Client.open(f"ws://{server.host}:{server.port}/api/ws/notifications?user=kim")
    try:
        assert await quiet(late, 0.8) == [], "expired after NOTIFY_TTL"
    finally:
        await late.close()


@run_async
async def test_redis_down_answers_503_and_claims_nothing(server_factory, tmp_path):
    redis = PrivateRedis(str(tmp_path))
    server = server_factory("--redis-url", redis.url, wait_for_quotes=False)
    client = await Client.open(f"ws://{server.host}:{server.port}/api/ws/notifications?user=lee")
    try:
        await asyncio.to_thread(redis.kill)
        status, body = await asyncio.to_thread(send, server, {"user": "lee", "title": "lost?"})
        assert status == 503 and body["error"] == "redis_unavailable"
        status, body = await asyncio.to_thread(http_json, server.http, "GET", "/api/notifications?user=lee")
        assert status == 503
        bad = await client.request({"type": "ack", "ids": ["1-0"], "id": 1}, "error")
        assert bad["code"] == "notifications_unavailable"
        await client.ping()
    finally:
        await client.close()
    await asyncio.to_thread(redis.start)
    deadline = time.monotonic() + 10
    while True:  # back without a restart
        status, body = await asyncio.to_thread(send, server, {"user": "lee", "title": "back"})
        if status == 200:
            break
        assert time.monotonic() < deadline, (status, body)
        await asyncio.sleep(0.2)


@run_async
async def test_a_notification_stream_counts_per_address_not_against_the_users_price_streams(server_factory):
    server = server_factory("--jwt-secret", SECRET, "--max-connections-per-user", "1", "--max-connections-per-ip", "3",
                            wait_for_quotes=False)
    prices = await Client.open(prices_url(server, "olga"))
    streams = [await Client.open(stream_url(server, "olga")) for _ in range(2)]
    try:
        with pytest.raises(InvalidStatus) as refused:
            await Client.open(stream_url(server, "olga"))
        assert refused.value.response.status_code == 429, "the address holds its 3"
    finally:
        for client in [prices, *streams]:
            await client.close()
    await asyncio.sleep(0.3)
    again = await Client.open(stream_url(server, "olga"))  # places given back on close
    await again.close()

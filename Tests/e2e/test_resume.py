"""Session resume (issue 14): a client that reconnects, on any instance of the cluster,
sends `resume` with the token of its last `connected` and gets its subscriptions back,
one snapshot of what it missed and `seq` continuing — without resending its subscribe
list. Two instances share one Redis prefix and one database."""
import asyncio
import time

import jwt
import pytest

from e2e_support import Client, http_json, http_request, parse_metrics, run_async

SECRET = "s3cret"
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is")
STOCKS = ["600519", "0700"]


def token(sub):
    return jwt.encode({"sub": sub, "iat": int(time.time()), "exp": int(time.time()) + 300}, SECRET, algorithm="HS256")


@pytest.fixture(scope="module")
def pair(server_factory):
    """Two instances with JWT authentication, sharing Redis and the database."""
    first = server_factory("--jwt-secret", SECRET, "--instance-id", "resume-a", "--max-connections-per-user", "20")
    second = server_factory(
        "--jwt-secret", SECRET, "--instance-id", "resume-b", "--max-connections-per-user", "20",
        prefix=first.prefix, database=first.database)
    return first, second


async def open_as(server, user=None):
    return await Client.open(server.ws if user is None else f"{server.ws}?token={token(user)}")


async def subscribed_client(server, user=None):
    """A client holding STOCKS that has seen at least one live update after its snapshot."""
    client = await open_as(server, user)
    assert len(client.connected["resume_token"]) == 32, client.connected
    _, snapshot = await client.subscribe("stock", targets=STOCKS)
    assert {quote["code"] for quote in snapshot["data"]} == set(STOCKS)
    await client.recv_until(lambda m: m["type"] == "price_update" and not m["snapshot"], timeout=5)
    return client


async def resume(client, resume_token, last_seq=None, id="r"):
    """Sends `resume`; returns its answer (`resumed` or `error`)."""
    request = {"type": "resume", "token": resume_token, "id": id}
    if last_seq is not None:
        request["last_seq"] = last_seq
    await client.send(request)
    reply = await client.recv_until(lambda m: m["type"] in ("resumed", "error"), timeout=5)
    assert reply["id"] == id, reply
    return reply


async def expect_restored(client, reply, last_seq):
    """`resumed` with STOCKS, then one snapshot of them with the next seq, then live updates."""
    assert reply["type"] == "resumed", reply
    assert sorted(s["target"] for s in reply["subscriptions"]) == sorted(STOCKS), reply
    assert all(s["subscription_type"] == "stock" for s in reply["subscriptions"]), reply
    assert "dropped" not in reply, reply
    assert reply["seq"] >= last_seq, (reply, last_seq)
    client.last_seq = reply["seq"]  # the client's seq check continues from here
    snapshot = await client.recv_type("price_update")
    assert snapshot["snapshot"] is True and snapshot["seq"] == reply["seq"] + 1, snapshot
    assert {quote["code"] for quote in snapshot["data"]} == set(STOCKS), snapshot
    others = [m for m in client.messages if m["type"] not in ("connected", "resumed", "market_status", "price_update")]
    assert others == [], others
    live = await client.recv_until(lambda m: m["type"] == "price_update" and not m["snapshot"], timeout=5)
    assert live["seq"] > snapshot["seq"] and {q["code"] for q in live["data"]} <= set(STOCKS), live
    status = await client.request({"type": "get_status"}, "status")
    assert sorted(s["target"] for s in status["subscriptions"]) == sorted(STOCKS), status


@run_async
async def test_resume_on_the_other_instance_restores_subscriptions_snapshot_and_seq(pair):
    first, second = pair
    old = await subscribed_client(first, "alice")
    old_token, last_seq = old.connected["resume_token"], old.last_seq
    await old.close()
    new = await open_as(second, "alice")
    try:
        assert new.connected["resume_token"] != old_token
        await expect_restored(new, await resume(new, old_token, last_seq), last_seq)
    finally:
        await new.close()
    status, _, body = http_request(second.http, "GET", "/metrics")
    assert status == 200 and parse_metrics(body)["stockpush_resumes_total"] >= 1


@run_async
async def test_a_token_works_once_and_the_new_one_carries_the_session_on(pair):
    first, second = pair
    old = await subscribed_client(first, "carol")
    old_token = old.connected["resume_token"]
    await old.close()
    new = await open_as(second, "carol")
    await expect_restored(new, await resume(new, old_token, old.last_seq), old.last_seq)
    again = await open_as(first, "carol")
    try:
        refused = await resume(again, old_token)
        assert refused["type"] == "error" and refused["code"] == "resume_failed", refused
        # The connection stays an ordinary one.
        _, snapshot = await again.subscribe("stock", "600519")
        assert snapshot["seq"] == 1
    finally:
        await again.close()
    # The restored session lives on under the token of the connection that resumed it.
    second_token, seen = new.connected["resume_token"], new.last_seq
    await new.close()
    third = await open_as(first, "carol")
    try:
        await expect_restored(third, await resume(third, second_token, seen), seen)
    finally:
        await third.close()


@run_async
async def test_another_users_token_is_refused_like_an_unknown_one(pair):
    first, second = pair
    owner = await subscribed_client(first, "dave")
    dave_token = owner.connected["resume_token"]
    await owner.close()
    thief = await open_as(second, "mallory")
    try:
        refused = await resume(thief, dave_token, 3)
        unknown = await resume(thief, "0" * 32, 3, id="u")
        assert refused["code"] == unknown["code"] == "resume_failed", (refused, unknown)
        assert refused["message"] == unknown["message"], "nothing tells the two apart"
        anonymous = await resume(thief, "not a token", id="x")
        assert anonymous["code"] == "resume_failed", anonymous
        malformed = await resume(thief, 7, id="m")
        assert malformed["code"] == "invalid_message", malformed
    finally:
        await thief.close()
    # The refusal left the record to its owner.
    back = await open_as(second, "dave")
    try:
        await expect_restored(back, await resume(back, dave_token, owner.last_seq), owner.last_seq)
    finally:
        await back.close()


@run_async
async def test_resume_after_the_first_instance_was_killed(server_factory):
    """Anonymous clients too: the token is the secret. The killed instance wrote no
    closing record, so the stream continues after the client's own last_seq."""
    first = server_factory("--instance-id", "crash-a")
    second = server_factory("--instance-id", "crash-b", prefix=first.prefix, database=first.database)
    client = await subscribed_client(first)
    resume_token, last_seq = client.connected["resume_token"], client.last_seq
    await asyncio.to_thread(first.kill)
    try:
        await client.close()
    except Exception:
        pass
    new = await open_as(second)
    try:
        reply = await resume(new, resume_token, last_seq)
        await expect_restored(new, reply, last_seq)
        assert reply["seq"] == last_seq, "the record was written at the subscribe; the client's seq wins"
    finally:
        await new.close()


@run_async
async def test_an_expired_session_is_refused_and_ttl_zero_turns_resume_off(server_factory):
    short = server_factory(env={"SESSION_RESUME_TTL": "1"})
    client = await subscribed_client(short)
    resume_token = client.connected["resume_token"]
    await client.close()
    await asyncio.sleep(2.5)
    late = await open_as(short)
    try:
        refused = await resume(late, resume_token, client.last_seq)
        assert refused["code"] == "resume_failed", refused
    finally:
        await late.close()
    off = server_factory(env={"SESSION_RESUME_TTL": "0"})
    plain = await open_as(off)
    try:
        assert "resume_token" not in plain.connected, plain.connected
        refused = await resume(plain, resume_token)
        assert refused["code"] == "resume_unavailable", refused
    finally:
        await plain.close()


@run_async
async def test_resume_brings_back_notifications_and_what_was_queued_meanwhile(server_factory):
    """A session that took its user's notifications on the price stream gets them back
    with the resume, the ones sent while it was away first."""
    args = ("--jwt-secret", SECRET, "--service-token", "svc", "--max-connections-per-user", "20")
    first = server_factory(*args, "--instance-id", "notes-a")
    second = server_factory(*args, "--instance-id", "notes-b", prefix=first.prefix, database=first.database)
    client = await subscribed_client(first, "erin")
    subscribed = await client.request({"type": "subscribe", "subscription_type": "notifications", "id": "n"}, "subscribed")
    assert subscribed["subscription_type"] == "notifications", subscribed
    resume_token, last_seq = client.connected["resume_token"], client.last_seq
    await client.close()
    await asyncio.sleep(0.3)  # gone from every instance: the notification is queued, not delivered
    status, answer = await asyncio.to_thread(
        http_json, first.http, "POST", "/api/notifications", body={"user": "erin", "title": "while away"},
        headers={"Authorization": "Bearer svc"})
    assert status == 200 and answer["queued"] == 1, (status, answer)
    new = await open_as(second, "erin")
    try:
        reply = await resume(new, resume_token, last_seq)
        assert reply["type"] == "resumed", reply
        new.last_seq = reply["seq"]
        note = await new.recv_type("notification", timeout=5)
        assert note["data"]["id"] == answer["id"] and note["data"]["title"] == "while away", note
        kinds = [m.get("subscription_type") for m in new.messages if m["type"] == "subscribed"]
        assert kinds == ["notifications"], new.messages
        status_reply = await new.request({"type": "get_status"}, "status")
        assert sorted(s["target"] for s in status_reply["subscriptions"]) == sorted(STOCKS), status_reply
    finally:
        await new.close()


@run_async
async def test_a_shutdown_records_each_sessions_last_seq(server_factory):
    """SIGTERM closes every client and writes its session's last record before exiting:
    a client that kept no seq of its own still continues without a gap elsewhere."""
    first = server_factory("--instance-id", "stop-a", "--shutdown-reconnect-max-ms", "0")
    second = server_factory("--instance-id", "stop-b", prefix=first.prefix, database=first.database)
    client = await subscribed_client(first)
    await client.recv_until(lambda m: m["type"] == "price_update" and m["seq"] >= 3, timeout=5)
    resume_token = client.connected["resume_token"]
    first.terminate()
    await client.recv_type("server_shutdown", timeout=5)
    seen = client.last_seq
    await asyncio.to_thread(first.wait_exit, 10)
    new = await open_as(second)
    try:
        reply = await resume(new, resume_token)  # no last_seq: the server's record alone
        assert reply["type"] == "resumed" and reply["seq"] >= seen, (reply, seen)
        new.last_seq = reply["seq"]
        snapshot = await new.recv_type("price_update")
        assert snapshot["snapshot"] is True and snapshot["seq"] == reply["seq"] + 1, snapshot
    finally:
        await new.close()

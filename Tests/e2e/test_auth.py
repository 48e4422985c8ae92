"""JWT authentication at the handshake (JWT_SECRET set) and the per-user connection limit."""
import asyncio
import time

import jwt
import pytest
from websockets.exceptions import InvalidStatus

from e2e_support import Client, http_json, refused, run_async

SECRET = "s3cret"
# The contract's example secret is short on purpose; PyJWT warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is")


@pytest.fixture(scope="module")
def secured(server_factory):
    return server_factory("--jwt-secret", SECRET, "--max-connections-per-user", "2")


def token(sub="alice", secret=SECRET, algorithm="HS256", **claims):
    payload = {"iat": int(time.time()), "exp": int(time.time()) + 300, **claims}
    if sub is not None:
        payload["sub"] = sub
    return jwt.encode(payload, secret, algorithm=algorithm)


@run_async
async def test_valid_token_in_query_or_header(secured):
    by_query = await Client.open(f"{secured.ws}?token={token('alice')}")
    try:
        status = await by_query.request({"type": "get_status"}, "status")
        assert status["user"] == "alice"
    finally:
        await by_query.close()
    by_header = await Client.open(secured.ws, additional_headers={"Authorization": f"Bearer {token('bob')}"})
    try:
        status = await by_header.request({"type": "get_status"}, "status")
        assert status["user"] == "bob"
        _, snapshot = await by_header.subscribe("stock", "600519")
        assert snapshot["data"][0]["name"] == "贵州茅台"
    finally:
        await by_header.close()


BAD_TOKENS = {
    "expired": lambda: token(exp=int(time.time()) - 60),
    "not yet valid": lambda: token(nbf=int(time.time()) + 300),
    "wrong secret": lambda: token(secret="not-the-secret"),
    "alg none": lambda: jwt.encode({"sub": "alice", "exp": int(time.time()) + 300}, None, algorithm="none"),
    "HS512": lambda: token(algorithm="HS512"),
    "no sub": lambda: token(sub=None),
    "garbage": lambda: "not.a.jwt",
    "tampered": lambda: (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"))(token()),
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
@run_async
async def test_bad_token_is_refused_401(secured, kind):
    bad = BAD_TOKENS[kind]()
    status, body = await refused(f"{secured.ws}?token={bad}")
    assert status == 401 and body["error"] == "unauthorized" and isinstance(body["message"], str), (status, body)
    status, body = await refused(secured.ws, headers={"Authorization": f"Bearer {bad}"})
    assert status == 401 and body["error"] == "unauthorized", (status, body)


@run_async
async def test_missing_token_is_refused_401(secured):
    status, body = await refused(secured.ws)
    assert status == 401 and body["error"] == "unauthorized" and isinstance(body["message"], str), (status, body)
    status, body = await refused(secured.ws, headers={"Authorization": "Basic YWxpY2U6cHc="})
    assert status == 401 and body["error"] == "unauthorized", (status, body)


@run_async
async def test_connections_per_user_limit(secured):
    carol = token("carol")
    first = await Client.open(f"{secured.ws}?token={carol}")
    second = await Client.open(secured.ws, additional_headers={"Authorization": f"Bearer {carol}"})
    other_user = await Client.open(f"{secured.ws}?token={token('dave')}")
    try:
        status, stats = await asyncio.to_thread(http_json, secured.http, "GET", "/api/websocket/stats")
        assert status == 200 and stats["users"].get("carol") == 2 and stats["users"].get("dave") == 1, stats["users"]
        status, listing = await asyncio.to_thread(http_json, secured.http, "GET", "/api/websocket/clients")
        assert sorted(c["user"] for c in listing["clients"]) == ["carol", "carol", "dave"], listing
        status, body = await refused(f"{secured.ws}?token={carol}")
        assert status == 429 and body["error"] == "too_many_connections" and isinstance(body["message"], str), body
        await first.close()
        # Once one of carol's connections is gone, she may connect again.
        deadline = time.monotonic() + 3
        while True:
            try:
                third = await Client.open(f"{secured.ws}?token={carol}")
                break
            except InvalidStatus as error:
                assert error.response.status_code == 429
                assert time.monotonic() < deadline, "carol still refused 3 s after closing a connection"
                await asyncio.sleep(0.05)
        status = await third.request({"type": "get_status"}, "status")
        assert status["user"] == "carol"
        await third.close()
        await second.ping()
        await other_user.ping()
    finally:
        for client in (first, second, other_user):
            await client.close()


@run_async
async def test_connections_per_address_limit(server_factory):
    server = server_factory("--max-connections-per-ip", "2")
    first = await Client.open(server.ws)
    second = await Client.open(server.ws)
    try:
        status, body = await refused(server.ws)
        assert status == 429 and body["error"] == "too_many_connections" and isinstance(body["message"], str), body
        await first.close()
        deadline = time.monotonic() + 3
        while True:
            try:
                third = await Client.open(server.ws)
                break
            except InvalidStatus as error:
                assert error.response.status_code == 429
                assert time.monotonic() < deadline, "still refused 3 s after a connection closed"
                await asyncio.sleep(0.05)
        await third.ping()
        await third.close()
        await second.ping()
    finally:
        await first.close()
        await second.close()


@run_async
async def test_a_user_disconnected_by_an_admin_may_connect_again(server_factory):
    # The per-user places of a client closed by the server (admin disconnect) are freed,
    # as they are when the client closes itself.
    server = server_factory("--jwt-secret", SECRET, "--max-connections-per-user", "1")
    erin = token("erin")
    first = await Client.open(f"{server.ws}?token={erin}")
    try:
        status, body = await asyncio.to_thread(
            http_json, server.http, "DELETE", f"/api/websocket/clients/{first.client_id}")
        assert status == 200, body
        deadline = time.monotonic() + 3
        while True:
            try:
                again = await Client.open(f"{server.ws}?token={erin}")
                break
            except InvalidStatus as error:
                assert error.response.status_code == 429
                assert time.monotonic() < deadline, "erin still refused 3 s after an admin disconnected her"
                await asyncio.sleep(0.05)
        status = await again.request({"type": "get_status"}, "status")
        assert status["user"] == "erin"
        await again.close()
    finally:
        await first.close()

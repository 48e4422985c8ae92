"""Per-connection rate limit: excess messages are dropped with at most one
`rate_limited` reply a second; a connection still flooding after 10 s is closed 1008."""
import asyncio
import time

from websockets.exceptions import ConnectionClosed

from e2e_support import Client, run_async


@run_async
async def test_burst_over_the_limit_gets_one_rate_limited_reply(server_factory):
    server = server_factory("--rate-limit", "5", "--rate-burst", "5")
    client = await Client.open(server.ws)
    try:
        for i in range(30):
            await client.send({"type": "ping", "id": i})
        replies = await client.collect(1.0)
        pongs = [m["id"] for m in replies if m["type"] == "pong"]
        errors = [m for m in replies if m["type"] == "error"]
        assert 5 <= len(pongs) < 30, replies
        assert pongs == sorted(pongs)
        assert len(errors) == 1, f"expected exactly one rate_limited reply within a second, got {errors}"
        first_dropped = min(set(range(30)) - set(pongs))
        assert errors[0]["code"] == "rate_limited" and errors[0]["id"] == first_dropped, (errors[0], pongs)
        assert isinstance(errors[0]["message"], str)
        # Still open; the bucket refills.
        await asyncio.sleep(0.3)
        await client.ping("after")
    finally:
        await client.close()


@run_async
async def test_continuous_flood_is_closed_1008_after_ten_seconds(server_factory):
    server = server_factory("--rate-limit", "2", "--rate-burst", "2")
    client = await Client.open(server.ws)
    started = time.monotonic()

    async def flood():
        i = 0
        try:
            while time.monotonic() - started < 13:
                await client.send({"type": "ping", "id": i})
                i += 1
                await asyncio.sleep(0.05)  # 20 messages/s against a limit of 2/s
        except ConnectionClosed:
            pass

    sender = asyncio.create_task(flood())
    rate_limited = 0
    try:
        code = None
        while time.monotonic() - started < 14:
            try:
                message = await client.recv(timeout=0.5)
            except asyncio.TimeoutError:
                continue
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                break
            if message["type"] == "error":
                assert message["code"] == "rate_limited", message
                rate_limited += 1
        elapsed = time.monotonic() - started
        assert code == 1008, f"expected close 1008 while flooding, got {code} after {elapsed:.1f} s"
        assert 9.5 <= elapsed <= 12.5, f"closed after {elapsed:.1f} s of flooding (contract: 10 s)"
        # At most one rate_limited reply a second.
        assert 5 <= rate_limited <= 13, rate_limited
    finally:
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)
        await client.close()

"""Bad requests get an error reply and the connection lives on; protocol abuse
closes only the offending connection, with the contract's close code."""
import asyncio

import pytest

from e2e_support import Client, RawWebSocket, VOLUME_WAVE, run_async


@pytest.fixture(scope="module")
def limited(server_factory):
    return server_factory("--max-subscriptions", "3", "--max-message-bytes", "1024")


ERROR_CASES = [
    ("not json", "{not json", "invalid_json", False),
    ("array", '[{"type":"ping"}]', "invalid_message", False),
    ("missing type", '{"id":1}', "invalid_message", True),
    ("type not a string", '{"type":5,"id":1}', "invalid_message", True),
    ("unknown type", '{"type":"buy","id":1}', "unknown_type", True),
    ("bad subscription_type", '{"type":"subscribe","subscription_type":"sector","target":"x","id":1}', "invalid_message", True),
    ("missing subscription_type", '{"type":"subscribe","target":"volume_wave","id":1}', "invalid_message", True),
    ("missing target", '{"type":"subscribe","subscription_type":"strategy","id":1}', "invalid_message", True),
    ("target not a string", '{"type":"subscribe","subscription_type":"strategy","target":7,"id":1}', "invalid_message", True),
    ("empty targets", '{"type":"subscribe","subscription_type":"strategy","targets":[],"id":1}', "invalid_message", True),
]


@pytest.mark.parametrize("text,code,echoes_id", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
@run_async
async def test_error_reply_keeps_connection_open(limited, text, code, echoes_id):
    client = await Client.open(limited.ws)
    try:
        await client.send(text)
        error = await client.recv()
        assert error["type"] == "error" and error["code"] == code, error
        assert isinstance(error["message"], str) and error["message"]
        if echoes_id:
            assert error["id"] == 1, error
        await client.ping()
    finally:
        await client.close()


@run_async
async def test_unknown_target_error_names_the_target(limited):
    client = await Client.open(limited.ws)
    try:
        for kind, target in (("strategy", "no_such_strategy"), ("stock", "ZZZZ"), ("market", "XX")):
            await client.send({"type": "subscribe", "subscription_type": kind, "target": target, "id": [kind]})
            error = await client.recv()
            assert error == {**error, "type": "error", "code": "unknown_target", "target": target, "id": [kind]}, error
        status = await client.request({"type": "get_status"}, "status")
        assert status["subscriptions"] == []
        await client.ping()
    finally:
        await client.close()


@run_async
async def test_too_many_subscriptions(limited):
    client = await Client.open(limited.ws)
    try:
        await client.send({"type": "subscribe", "subscription_type": "stock",
                           "targets": ["600519", "000858", "AAPL", "MSFT"], "id": "b"})
        replies = [await client.recv() for _ in range(4)]
        assert [(r["type"], r.get("target")) for r in replies[:3]] == [
            ("subscribed", "600519"), ("subscribed", "000858"), ("subscribed", "AAPL")], replies
        refused = replies[3]
        assert refused["type"] == "error" and refused["code"] == "too_many_subscriptions", refused
        assert refused["target"] == "MSFT" and refused["id"] == "b"
        snapshot = await client.recv_type("price_update")
        assert snapshot["snapshot"] and sorted(q["code"] for q in snapshot["data"]) == ["000858", "600519", "AAPL"]

        error = await client.request(
            {"type": "subscribe", "subscription_type": "strategy", "target": "volume_wave", "id": 2}, "error")
        assert error["code"] == "too_many_subscriptions" and error["target"] == "volume_wave" and error["id"] == 2
        # A target already held is counted once: re-subscribing still works.
        again = await client.request({"type": "subscribe", "subscription_type": "stock", "target": "AAPL", "id": 3}, "subscribed")
        assert again["target"] == "AAPL" and again["id"] == 3
        status = await client.request({"type": "get_status"}, "status")
        assert len(status["subscriptions"]) == 3
        await client.ping()
    finally:
        await client.close()


def raw_close_code(server, misbehave):
    """Connects a raw client, lets it misbehave, -> the server's close code."""
    raw = RawWebSocket(server.host, server.port)
    try:
        assert raw.recv_json()["type"] == "connected"
        misbehave(raw)
        code, _ = raw.read_until_close(timeout=5)
        return code
    finally:
        raw.close()


def invalid_utf8(raw):
    raw.send_frame(0x1, b'{"type":"ping","id":"\xff\xfe"}')


def oversize_in_fragments(raw):
    # Two frames of 700 bytes: each under the 1024-byte limit, the message over it.
    raw.send_frame(0x1, b'{"type":"ping","id":"' + b"z" * 679, fin=False)
    raw.send_frame(0x0, b"z" * 698 + b'"}')


def unmasked(raw):
    raw.send_unmasked(0x1, b'{"type":"ping"}')


def reserved_opcode(raw):
    raw.send_frame(0x3, b"")


@run_async
async def test_bad_clients_are_closed_and_a_healthy_client_keeps_receiving(limited):
    healthy = await Client.open(limited.ws)
    try:
        await healthy.subscribe("strategy", "volume_wave")
        await healthy.collect(0.5)
        seq_before = healthy.last_seq
        reader = asyncio.create_task(healthy.collect(3.0))

        binary = await Client.open(limited.ws)
        await binary.send(b'{"type":"ping"}')
        assert await binary.expect_close() == 1003

        oversize = await Client.open(limited.ws)
        await oversize.send('{"type":"ping","id":"' + "x" * 2000 + '"}')
        assert await oversize.expect_close() == 1009

        # Exactly at the limit is still fine.
        at_limit = await Client.open(limited.ws)
        padding = 1024 - len('{"type":"ping","id":""}')
        await at_limit.send('{"type":"ping","id":"' + "y" * padding + '"}')
        pong = await at_limit.recv_type("pong")
        assert len(pong["id"]) == padding
        await at_limit.close()

        assert await asyncio.to_thread(raw_close_code, limited, invalid_utf8) == 1007
        assert await asyncio.to_thread(raw_close_code, limited, oversize_in_fragments) == 1009
        assert await asyncio.to_thread(raw_close_code, limited, unmasked) == 1002
        assert await asyncio.to_thread(raw_close_code, limited, reserved_opcode) == 1002

        await reader
        middle = healthy.last_seq
        await healthy.collect(0.6)
        assert middle > seq_before + 3, f"healthy client stalled: seq {seq_before} -> {middle}"
        assert healthy.last_seq > middle
        assert [u["seq"] for u in healthy.updates] == list(range(1, healthy.last_seq + 1))
        assert {q["code"] for u in healthy.updates for q in u["data"]} <= set(VOLUME_WAVE)
        await healthy.ping()
    finally:
        await healthy.close()

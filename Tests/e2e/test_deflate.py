"""permessage-deflate (RFC 7692) against the real binary: `websockets` negotiates it by
default, and a raw socket shows what is on the wire (RSV1, the stored-block head in
front of a body compressed once per group) and what bad compressed input gets."""
import json
import zlib

import pytest

from e2e_support import Client, RawWebSocket, check_message, run_async

SUBSCRIBE = {"type": "subscribe", "subscription_type": "strategy", "target": "volume_wave"}
MARKER = b"\x00\x00\xff\xff"


@pytest.fixture(scope="module")
def deflate_server(server_factory):
    return server_factory("--deflate", "on")


def compress(data, wbits=15):
    """A client's compressed message: raw deflate, sync flush, marker removed (RFC 7692 7.2.1)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -wbits)
    return (compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH))[:-4]


def ticks_by_timestamp(updates):
    return {u["timestamp"]: u for u in updates if not u["snapshot"]}


@run_async
async def test_price_updates_inflate_to_what_an_uncompressed_client_gets(deflate_server):
    compressed = await Client.open(deflate_server.ws)
    plain = await Client.open(deflate_server.ws, compression=None)
    try:
        extensions = compressed.ws.response.headers.get("Sec-WebSocket-Extensions", "")
        assert extensions.startswith("permessage-deflate"), extensions
        assert "server_no_context_takeover" in extensions
        assert plain.ws.response.headers.get("Sec-WebSocket-Extensions") is None
        for client in (compressed, plain):
            # The compressed client's request goes out compressed too (websockets compresses all).
            await client.send(SUBSCRIBE)
            assert (await client.recv_type("subscribed"))["target"] == "volume_wave"
        # Client checks every update as it arrives: seq without gaps, count, fields.
        for client in (compressed, plain):
            while len([u for u in client.updates if not u["snapshot"]]) < 4:
                await client.recv(timeout=5)
        ours, theirs = ticks_by_timestamp(compressed.updates), ticks_by_timestamp(plain.updates)
        common = sorted(set(ours) & set(theirs))
        assert len(common) >= 2, (sorted(ours), sorted(theirs))
        for timestamp in common:
            assert {**ours[timestamp], "seq": 0} == {**theirs[timestamp], "seq": 0}
    finally:
        await compressed.close()
        await plain.close()


def test_the_wire_carries_rsv1_frames_one_inflater_reads(deflate_server):
    ws = RawWebSocket(deflate_server.host, deflate_server.port,
                      headers={"Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits"})
    try:
        assert ws.headers["sec-websocket-extensions"] == (
            "permessage-deflate; server_no_context_takeover; client_max_window_bits=9")
        inflater = zlib.decompressobj(-15)  # one for the connection: context takeover is fine

        def receive():
            while True:
                first, payload = ws.recv_frame_bits()
                if first & 0x0F == 0x1:
                    text = inflater.decompress(payload + MARKER) if first & 0x40 else payload
                    return first, check_message(json.loads(text))

        first, connected = receive()
        assert connected["type"] == "connected" and first & 0x40, "connected goes out compressed"
        ws.send_frame(0x1, compress(json.dumps(SUBSCRIBE).encode(), wbits=9), rsv=0x40)
        seqs, compressed_updates = [], 0
        while len(seqs) < 4:
            first, message = receive()
            if message["type"] == "price_update":
                seqs.append(message["seq"])
                compressed_updates += bool(first & 0x40)
        assert seqs == list(range(1, 5))
        assert compressed_updates == 4
        # A plain (RSV1 clear) request is still fine on a compressed connection.
        ws.send_json({"type": "ping", "id": 1})
        assert receive()[1]["type"] in ("pong", "price_update", "market_status")
    finally:
        ws.close()


@pytest.mark.parametrize("payload, code", [
    (b"\xff\xff\xff\xff", 1007),  # BTYPE=11: not DEFLATE data
    (compress(b" " * (1 << 20)), 1009),  # 1 MiB of spaces in about 1 KiB: past the 64 KiB limit
])
def test_bad_compressed_input_closes(deflate_server, payload, code):
    ws = RawWebSocket(deflate_server.host, deflate_server.port,
                      headers={"Sec-WebSocket-Extensions": "permessage-deflate"})
    try:
        ws.send_frame(0x1, payload, rsv=0x40)
        assert ws.read_until_close(timeout=5)[0] == code
    finally:
        ws.close()


def test_rsv1_on_a_control_frame_closes_1002(deflate_server):
    ws = RawWebSocket(deflate_server.host, deflate_server.port,
                      headers={"Sec-WebSocket-Extensions": "permessage-deflate"})
    try:
        ws.send_frame(0x9, b"", rsv=0x40)
        assert ws.read_until_close(timeout=5)[0] == 1002
    finally:
        ws.close()


@run_async
async def test_off_by_default_the_extension_is_declined(server):
    client = await Client.open(server.ws)
    try:
        assert client.ws.response.headers.get("Sec-WebSocket-Extensions") is None
        await client.send(SUBSCRIBE)
        assert (await client.recv_type("subscribed"))["target"] == "volume_wave"
    finally:
        await client.close()
    ws = RawWebSocket(server.host, server.port, headers={"Sec-WebSocket-Extensions": "permessage-deflate"})
    try:
        assert "sec-websocket-extensions" not in ws.headers
        ws.send_frame(0x1, compress(json.dumps(SUBSCRIBE).encode()), rsv=0x40)
        assert ws.read_until_close(timeout=5)[0] == 1002
    finally:
        ws.close()

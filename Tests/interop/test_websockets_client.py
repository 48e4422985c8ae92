"""The echo endpoint and the HTTP routes, driven by Python's `websockets` library."""
import asyncio
import http.client
import socket
import urllib.parse

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=20))


def test_echoes_text_and_binary(base_url):
    async def scenario():
        async with websockets.connect(base_url + "/ws/echo", max_size=None) as ws:
            await ws.send("hello, 世界 🎉")
            assert await ws.recv() == "hello, 世界 🎉"
            await ws.send(b"\x00\x01\xff")
            assert await ws.recv() == b"\x00\x01\xff"
            big = "x" * (3 * 1024 * 1024)
            await ws.send(big)
            assert await ws.recv() == big

    run(scenario())


def test_fragmented_message_is_reassembled(base_url):
    async def scenario():
        async with websockets.connect(base_url + "/ws/echo") as ws:
            await ws.send(["frag", "ment", "ed ✓"])  # an iterable is sent as fragments
            assert await ws.recv() == "fragmented ✓"

    run(scenario())


def test_ping_gets_pong(base_url):
    async def scenario():
        async with websockets.connect(base_url + "/ws/echo") as ws:
            waiter = await ws.ping(b"abc")
            latency = await asyncio.wait_for(waiter, 5)
            assert latency >= 0

    run(scenario())


def test_clean_close_with_code_and_reason(base_url):
    async def scenario():
        ws = await websockets.connect(base_url + "/ws/echo")
        await ws.close(code=1000, reason="done")
        assert ws.close_code == 1000
        # The server echoed our close code.
        assert ws.protocol.close_rcvd is not None and ws.protocol.close_rcvd.code == 1000

    run(scenario())


def test_many_concurrent_clients(base_url):
    async def one(index):
        async with websockets.connect(base_url + "/ws/echo") as ws:
            for round_ in range(5):
                message = f"client {index} round {round_}"
                await ws.send(message)
                assert await ws.recv() == message

    async def scenario():
        await asyncio.gather(*(one(i) for i in range(50)))

    run(scenario())


def test_unknown_path_is_refused_with_404(base_url):
    async def scenario():
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(base_url + "/ws/nowhere")
        assert refused.value.response.status_code == 404

    run(scenario())


def test_invalid_utf8_closes_1007(base_url):
    """Send a text frame with invalid UTF-8 bytes by hand, read the close code."""
    url = urllib.parse.urlparse(base_url)
    sock = socket.create_connection((url.hostname, url.port), timeout=5)
    sock.sendall(
        b"GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101")
    payload = bytes([0xC0, 0xAF])  # overlong encoding of '/'
    mask = bytes([1, 2, 3, 4])
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    frame = sock.recv(2 + 125)
    assert frame[0] == 0x88
    assert int.from_bytes(frame[2:4], "big") == 1007
    sock.close()


def test_healthz_over_plain_http(base_url):
    url = urllib.parse.urlparse(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    assert response.status == 200
    assert response.read() == b'{"status":"ok"}'

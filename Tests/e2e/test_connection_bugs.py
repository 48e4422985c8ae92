"""Connection-level regressions around slow consumers: what a stalled client finds when it
reads again, and that healthy clients on the same server only ever see whole frames."""
import json
import struct
import threading
import time

from e2e_support import RawWebSocket, http_json, http_request
from spec_guard import check_message

ALL_MARKETS = {"type": "subscribe", "subscription_type": "market", "targets": ["US", "SH", "SZ", "HK"]}


def wait_until_gone(server, client_id, seconds):
    """Polls the admin client list until `client_id` is no longer in it -> True if it went."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, body = http_json(server.http, "GET", "/api/websocket/clients")
        assert status == 200, body
        if all(c["client_id"] != client_id for c in body["clients"]):
            return True
        time.sleep(0.1)
    return False


def read_to_close(raw, timeout):
    """Reads whole frames until a close frame -> (close code, reason, frames before it);
    fails if the stream ends first (inside a frame or between frames)."""
    raw.sock.settimeout(timeout)
    frames = 0
    try:
        while True:
            opcode, payload = raw.recv_frame()
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return code, payload[2:].decode(), frames
            frames += 1
    except (EOFError, ConnectionResetError) as error:
        raise AssertionError(f"the stream ended after {frames} whole frames without a close frame: {error!r}")


def test_a_stalled_client_that_reads_again_finds_close_1008_behind_whole_frames(server_factory):
    server = server_factory("--max-queued-bytes", "4096", "--slow-consumer-timeout", "1", "--quote-interval", "0.05")
    raw = RawWebSocket(server.host, server.port, rcvbuf=2048)
    try:
        client_id = raw.recv_json()["client_id"]
        for _ in range(20):  # ~20 full snapshots: kernel buffers full, queue over the limit
            raw.send_json(ALL_MARKETS)
        assert wait_until_gone(server, client_id, 10), "the stalled client was not closed within 10 s"
        time.sleep(3)  # past the linger time too: the server has closed its socket
        code, reason, frames = read_to_close(raw, 5)
        assert (code, reason) == (1008, "slow consumer"), (code, reason, frames)
    finally:
        raw.close()


def read_whole_frames(raw, stop, result):
    """Reader thread: counts whole frames and price_update seqs until `stop` is set."""
    raw.sock.settimeout(0.5)
    seqs = []
    try:
        while not stop.is_set():
            try:
                opcode, payload = raw.recv_frame()
            except TimeoutError:
                continue
            if opcode == 0x8:
                result["closed"] = payload
                return
            if opcode == 0x1:
                message = check_message(json.loads(payload))
                if message.get("type") == "price_update":
                    seqs.append(message["seq"])
    except Exception as error:  # noqa: BLE001 - reported by the test
        result["error"] = repr(error)
    finally:
        result["seqs"] = seqs


def test_healthy_clients_see_whole_frames_while_a_slow_consumer_is_closed_under_manual_pushes(server_factory):
    # Ticks every 2 s: healthy clients are idle between manual pushes, each of which
    # queues more than the queue limit for every client at once.
    server = server_factory("--max-queued-bytes", "4096", "--slow-consumer-timeout", "1", "--quote-interval", "2")
    slow = RawWebSocket(server.host, server.port, rcvbuf=2048)
    healthy = [RawWebSocket(server.host, server.port) for _ in range(4)]
    stop = threading.Event()
    results = [{} for _ in healthy]
    threads = []
    try:
        slow_id = slow.recv_json()["client_id"]
        slow.send_json(ALL_MARKETS)
        for raw in healthy:
            raw.recv_json()
            raw.send_json(ALL_MARKETS)
            assert raw.recv_json()["type"] == "subscribed"
        threads = [threading.Thread(target=read_whole_frames, args=(raw, stop, result))
                   for raw, result in zip(healthy, results)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        pushes = 0
        while time.monotonic() - started < 6:
            status, _, body = http_request(server.http, "POST", "/api/websocket/push/prices")
            assert status == 200, body
            pushes += 1
            time.sleep(0.05 if pushes % 10 else 1.2)  # bursts, and pauses longer than the timeout
        assert wait_until_gone(server, slow_id, 5), "the slow consumer was not closed"
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)
        slow.close()
        for raw in healthy:
            raw.close()
    for index, result in enumerate(results):
        assert "error" not in result and "closed" not in result, f"healthy client {index}: {result}"
        seqs = result["seqs"]
        assert len(seqs) >= pushes - 1, f"healthy client {index} got {len(seqs)} updates for {pushes} pushes"
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"healthy client {index}: seq gap"

"""Clients for the end-to-end tests: a JSON WebSocket client on Python `websockets`,
a raw-socket WebSocket client for what `websockets` will not do (invalid UTF-8,
ignoring pings, not reading), and a small HTTP helper for the admin API.

Every server message these clients receive and every HTTP response (handshake refusals
included) is checked against docs/asyncapi.yaml and docs/openapi.yaml by `spec_guard`:
a mismatch raises `SpecDrift` in the test that saw it."""
import asyncio
import base64
import functools
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import struct
import threading
import time
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from spec_guard import check_http, check_message

ISO_MICROS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
CLIENT_ID = re.compile(r"^c_[A-Za-z0-9.-]{1,48}_[0-9a-f]+$")
QUOTE_FIELDS = ("code", "name", "market", "price", "prev_close", "change", "change_percent",
                "volume", "turnover", "quote_time")

# From migrations/0002_seed_catalog.sql.
VOLUME_WAVE = {
    "600519": ("贵州茅台", "SH"), "000858": ("五粮液", "SZ"), "300750": ("宁德时代", "SZ"),
    "002594": ("比亚迪", "SZ"), "0700": ("腾讯控股", "HK"), "9988": ("阿里巴巴-W", "HK"),
    "1810": ("小米集团-W", "HK"), "NVDA": ("NVIDIA Corporation", "US"), "TSLA": ("Tesla, Inc.", "US"),
    "300059": ("东方财富", "SZ"), "601012": ("隆基绿能", "SH"), "AMD": ("Advanced Micro Devices, Inc.", "US"),
}
CONSUMER_STAPLES = {"600519", "000858", "600887", "000333", "000651", "601888", "2020", "KO", "002714"}
BLUE_CHIP = {"600519", "601318", "600036", "000333", "0700", "0005", "1299", "AAPL", "MSFT", "BRK.B", "JPM", "KO"}
MARKET_SH = {"600519", "601318", "600036", "601398", "600900", "601888", "600276", "600030", "601012",
             "600887", "601166", "600309", "601857", "600028", "688981", "510300"}
MARKET_US = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "JPM", "V", "BABA",
             "NFLX", "AMD", "KO"}


def run_async(fn):
    """Lets a plain pytest test be an `async def` (no pytest-asyncio needed)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))
    return wrapper


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# MARK: HTTP

def http_request(base, method, path, body=None, headers=None, timeout=5):
    """-> (status, headers dict with lower-case names, body bytes)."""
    host_port = base.split("://", 1)[1]
    host, port = host_port.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        all_headers = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            all_headers.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        check_http(method, path, response.status, response_headers, data)
        return response.status, response_headers, data
    finally:
        conn.close()


def http_json(base, method, path, body=None, headers=None, timeout=5):
    """-> (status, parsed JSON body) — fails if the body is not JSON."""
    status, response_headers, data = http_request(base, method, path, body=body, headers=headers, timeout=timeout)
    try:
        return status, json.loads(data)
    except ValueError:
        raise AssertionError(f"{method} {path} -> {status}: body is not JSON: {data[:300]!r}")


def serve_http(respond):
    """A local HTTP server on a free port answering every GET with `respond()` ->
    (content type, body bytes), on a thread of its own. Returns the server (its port is
    `server_port`; `shutdown()` and `server_close()` end it)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            content_type, body = respond()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def parse_metrics(body):
    """The samples of a Prometheus text exposition (`GET /metrics`): {series: value}."""
    values = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            values[series] = float(value)
    return values


# MARK: WebSocket handshakes

def websocket_handshake(host, port, headers=None, host_header=None, path="/ws/stock/prices"):
    """Only the handshake of a WebSocket, with the given extra headers -> (status,
    headers with lower-case names, body). `host_header` replaces the Host header
    (default: the address as dialled)."""
    key = base64.b64encode(os.urandom(16)).decode()
    fields = {
        "Host": host_header or f"{host}:{port}", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13", **(headers or {}),
    }
    request = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        response_headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        length = int(response_headers.get("content-length", "0")) if status != 101 else 0
        while len(body) < length:
            chunk = sock.recv(4096)
            if not chunk:
                break
            body += chunk
    return status, response_headers, body



# MARK: WebSocket client on `websockets`

class StreamError(AssertionError):
    pass


class Client:
    """A front-end's connection: every message received is recorded and every
    price_update is checked against the invariants of the contract as it arrives."""

    def __init__(self, ws):
        self.ws = ws
        self.messages = []
        self.updates = []
        self.last_seq = 0
        self.connected = None
        self.arrivals = {}  # id(price_update) -> wall-clock seconds it arrived

    @classmethod
    async def open(cls, url, **kwargs):
        kwargs.setdefault("ping_interval", None)
        kwargs.setdefault("open_timeout", 5)
        kwargs.setdefault("close_timeout", 3)
        try:
            ws = await connect(url, **kwargs)
        except InvalidStatus as error:  # a refused handshake: its answer is in openapi.yaml
            response = error.response
            headers = {name.lower(): value for name, value in response.headers.raw_items()}
            check_http("GET", urlsplit(url).path, response.status_code, headers, response.body or b"")
            raise
        client = cls(ws)
        client.connected = await client.recv()
        assert client.connected["type"] == "connected", client.connected
        return client

    @property
    def client_id(self):
        return self.connected["client_id"]

    async def send(self, message):
        await self.ws.send(message if isinstance(message, (str, bytes)) else json.dumps(message))

    async def recv(self, timeout=3.0):
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        arrived = time.time()
        if not isinstance(raw, str):
            raise StreamError(f"binary message from the server: {raw[:100]!r}")
        message = check_message(json.loads(raw))
        self.messages.append(message)
        if message.get("type") == "price_update":
            self._check_update(message)
            self.arrivals[id(message)] = arrived
        return message

    def _check_update(self, message):
        if message["seq"] != self.last_seq + 1:
            raise StreamError(f"seq gap: expected {self.last_seq + 1}, got {message['seq']}")
        self.last_seq = message["seq"]
        codes = [quote["code"] for quote in message["data"]]
        if not codes:
            raise StreamError(f"an empty price_update: {message}")
        if message["count"] != len(codes):
            raise StreamError(f"count {message['count']} != {len(codes)} quotes")
        if len(set(codes)) != len(codes):
            raise StreamError(f"a stock twice in one price_update: {sorted(codes)}")
        if not ISO_MICROS.match(message["timestamp"]):
            raise StreamError(f"bad timestamp {message['timestamp']!r}")
        assert isinstance(message["snapshot"], bool)
        self.updates.append(message)

    async def recv_until(self, predicate, timeout=3.0):
        """Receives until a message satisfies `predicate`; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise asyncio.TimeoutError(f"no matching message within {timeout} s; last: {self.messages[-3:]}")
            message = await self.recv(timeout=remaining)
            if predicate(message):
                return message

    async def recv_type(self, kind, timeout=3.0):
        return await self.recv_until(lambda m: m.get("type") == kind, timeout)

    async def request(self, message, reply_type, timeout=3.0):
        await self.send(message)
        return await self.recv_type(reply_type, timeout)

    async def collect(self, seconds):
        """Everything received during `seconds`."""
        start = len(self.messages)
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                await self.recv(timeout=remaining)
            except asyncio.TimeoutError:
                break
        return self.messages[start:]

    async def subscribe(self, subscription_type, target=None, targets=None, id=None):
        """Subscribes; returns (replies before the snapshot, snapshot). The `market_status`
        messages between them are left out of the replies (they stay in `messages`)."""
        request = {"type": "subscribe", "subscription_type": subscription_type}
        if target is not None:
            request["target"] = target
        if targets is not None:
            request["targets"] = targets
        if id is not None:
            request["id"] = id
        await self.send(request)
        replies = []
        while True:
            message = await self.recv()
            if message["type"] == "price_update" and message["snapshot"]:
                return replies, message
            if message["type"] not in ("price_update", "market_status"):
                replies.append(message)

    async def ping(self, id="alive"):
        pong = await self.request({"type": "ping", "id": id}, "pong")
        assert pong["id"] == id
        return pong

    async def expect_close(self, timeout=5.0):
        """Reads until the server closes; returns the close code received."""
        deadline = time.monotonic() + timeout
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                await self.recv(timeout=remaining)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        raise AssertionError(f"connection not closed within {timeout} s")

    async def close(self):
        await self.ws.close()


# MARK: raw-socket WebSocket client

class RawWebSocket:
    """A deliberately minimal RFC 6455 client on a blocking socket."""

    def __init__(self, host, port, path="/ws/stock/prices", rcvbuf=None, timeout=5.0, headers=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n".encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError(f"connection closed during the handshake: {self.buffer!r}")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.frame_bytes = 0  # bytes of the frames read so far, headers included
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1.1 101"), lines[0]
        headers = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
        self.headers = headers  # of the 101, names lower-case
        expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        assert headers.get("sec-websocket-accept") == expected

    def send_frame(self, opcode, payload, fin=True, rsv=0):
        """`rsv`: the RSV bits as they sit in the first byte (0x40: RSV1, "compressed")."""
        mask = os.urandom(4)
        first = (0x80 if fin else 0) | rsv | opcode
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", first, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", first, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", first, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_unmasked(self, opcode, payload):
        """A client frame without a mask: a protocol violation (RFC 6455 5.1)."""
        self.sock.sendall(struct.pack("!BB", 0x80 | opcode, len(payload)) + payload)

    def send_json(self, message):
        self.send_frame(0x1, json.dumps(message).encode())

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed by the server")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        self.frame_bytes += n
        return data

    def recv_frame(self):
        """-> (opcode, payload) of the next frame (server frames are unmasked)."""
        first, payload = self.recv_frame_bits()
        return first & 0x0F, payload

    def recv_frame_bits(self):
        """-> (first header byte: FIN, RSV bits and opcode, payload) of the next frame."""
        first, second = self._read(2)
        n = second & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        if second & 0x80:
            mask = self._read(4)
            return first, bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(n)))
        return first, self._read(n)

    def recv_json(self):
        while True:
            opcode, payload = self.recv_frame()
            if opcode == 0x1:
                return check_message(json.loads(payload))
            if opcode == 0x8:
                raise EOFError(f"close frame {payload!r}")

    def read_until_close(self, timeout):
        """Reads frames until a close frame -> (close code or None, opcodes seen before it)."""
        self.sock.settimeout(timeout)
        seen = []
        while True:
            opcode, payload = self.recv_frame()
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return code, seen
            seen.append(opcode)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def is_instant(value):
    """An instant in the admin API: seconds since the epoch, a JSON number (a whole second
    is written without a fraction, so it parses as an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 1e9


def check_quote(quote):
    """Every field of the contract, with consistent change and change_percent."""
    from decimal import Decimal
    missing = [field for field in QUOTE_FIELDS if field not in quote]
    assert not missing, f"quote without {missing}: {quote}"
    assert isinstance(quote["code"], str) and isinstance(quote["name"], str) and quote["name"]
    assert quote["market"] in ("SH", "SZ", "HK", "US"), quote
    for field in ("price", "prev_close", "change", "change_percent", "turnover"):
        assert isinstance(quote[field], (int, float)) and not isinstance(quote[field], bool), (field, quote)
    assert isinstance(quote["volume"], int) and quote["volume"] >= 0, quote
    assert quote["price"] > 0 and quote["prev_close"] > 0, quote
    assert ISO_MICROS.match(quote["quote_time"]), quote
    # Prices and change share the stock's tick precision, so change is exactly their
    # difference (an ETF at 4.008 after 4.012 moved by -0.004, not by 0.00).
    exact = Decimal(repr(quote["price"])) - Decimal(repr(quote["prev_close"]))
    assert Decimal(repr(quote["change"])) == exact, f"change {quote['change']} != price - prev_close {exact}: {quote}"
    percent = float(exact / Decimal(repr(quote["prev_close"])) * 100)
    assert abs(quote["change_percent"] - percent) <= 0.0051, f"change_percent {quote['change_percent']} != {percent:.4f}: {quote}"
    # The optional fields, when present, say what docs/protocol.md says they do.
    if "ingest_time" in quote:
        assert ISO_MICROS.match(quote["ingest_time"]) and quote["quote_time"] <= quote["ingest_time"], quote
    if quote["market"] in ("SH", "SZ"):
        assert quote["limit_down"] <= quote["price"] <= quote["limit_up"], f"price outside its daily band: {quote}"
        at = "up" if quote["price"] == quote["limit_up"] else "down" if quote["price"] == quote["limit_down"] else None
        assert quote.get("at_limit") == at, f"at_limit {quote.get('at_limit')!r}, expected {at!r}: {quote}"
    else:
        assert not {"limit_up", "limit_down", "at_limit"} & quote.keys(), f"limits where the market has none: {quote}"
    assert quote.get("stale", True) is True, f"stale is sent only as true: {quote}"


def quote_values(quote):
    return (quote["price"], quote["prev_close"], quote["volume"], quote["turnover"])


async def refused(url, headers=None):
    """Opens a connection that the server must refuse -> (HTTP status, JSON body)."""
    try:
        client = await Client.open(url, additional_headers=headers)
    except InvalidStatus as error:
        return error.response.status_code, json.loads(error.response.body)
    await client.close()
    raise AssertionError(f"{url} accepted a connection that should have been refused")

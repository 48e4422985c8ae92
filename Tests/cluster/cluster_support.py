"""Reconnecting price-stream clients for the cluster tests, as a front-end would write
them (docs/protocol.md part 9): on a close they wait (`reconnect_after_ms` when told, else
a short backoff), connect again through nginx and send their subscriptions again.

Each client connects from a loopback address of its own (127.0.x.y), which nginx passes
on in X-Forwarded-For and the instances (TRUSTED_PROXIES=127.0.0.1/32) report as the
client's `remote_addr`: that is how a test finds which instance holds which client.

A tick is recognised across instances by its quotes' `quote_time` (the leader's pull
time, the same on every instance), not by `timestamp` (each instance's own send time)."""
import asyncio
import json
import random
import time

import jwt
from websockets.asyncio.client import connect

from spec_guard import check_message

MARKETS = ["SH", "SZ", "HK", "US"]
# The cluster runs with this JWT secret (so the per-user limit can be tested); every
# client carries a token of its own user.
JWT_SECRET = "cluster-test-secret-of-at-least-32-bytes"


def token(user, secret=JWT_SECRET):
    return jwt.encode({"sub": user, "iat": int(time.time()), "exp": int(time.time()) + 3600}, secret, algorithm="HS256")


def client_address(index):
    """A distinct loopback source address per client, never nginx's 127.0.0.1."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


class StreamClient:
    """One reconnecting subscriber of every market."""

    def __init__(self, url, index, backoff=(0.2, 2.0), max_wait_after_shutdown=1.5):
        self.url = f"{url}?token={token(f'user-{index}')}"
        self.index = index
        self.address = client_address(index)
        self.backoff = backoff
        self.max_wait_after_shutdown = max_wait_after_shutdown
        self.connections = 0  # successful handshakes
        self.client_ids = []
        self.subscribed_at = None  # when the latest connection's snapshot arrived
        self.ticks = {}  # tick key (quote_time) -> arrival (monotonic)
        self.tick_connection = {}  # tick key -> connection number it came on
        self.errors = []  # protocol violations (a seq gap, a bad message)
        self.closes = []  # (close code or None, monotonic time)
        self.open = False
        self.last_failure = None
        self.received = {}  # message type (price_update split into snapshot/tick) -> count
        self._task = None

    def start(self):
        self._task = asyncio.ensure_future(self._run())

    async def stop(self):
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except BaseException:
                pass

    async def _run(self):
        failures = 0
        while True:
            wait = None
            try:
                wait = await self._session()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # refused, reset, timed out: back off and try again
                failures += 1
                self.last_failure = repr(error)
            self.open = False
            if wait is None:
                low, high = self.backoff
                wait = min(high, low * 2 ** min(failures, 6)) * random.uniform(0.5, 1.0)
            await asyncio.sleep(wait)

    async def _session(self):
        """One connection, until it closes. -> seconds to wait before reconnecting (or None)."""
        async with connect(self.url, ping_interval=None, open_timeout=5, close_timeout=2,
                           local_addr=(self.address, 0)) as ws:
            connected = check_message(json.loads(await asyncio.wait_for(ws.recv(), 5)))
            if connected.get("type") != "connected":
                self.errors.append(f"first message {connected}")
                return None
            self.connections += 1
            self.client_ids.append(connected["client_id"])
            self.subscribed_at = None
            self.open = True
            await ws.send(json.dumps({"type": "subscribe", "subscription_type": "market", "targets": MARKETS}))
            last_seq = confirmed = 0
            wait = None
            try:
                async for raw in ws:
                    message = check_message(json.loads(raw))
                    kind = message.get("type")
                    if kind == "price_update":
                        label = "snapshot" if message["snapshot"] else "tick"
                    else:
                        label = kind
                    self.received[label] = self.received.get(label, 0) + 1
                    if kind == "price_update":
                        if message["seq"] != last_seq + 1:
                            self.errors.append(f"seq gap on connection {self.connections}: {last_seq} -> {message['seq']}")
                        last_seq = message["seq"]
                        if message["snapshot"]:
                            self.subscribed_at = self.subscribed_at or time.monotonic()
                        else:
                            key = max(quote["quote_time"] for quote in message["data"])
                            self.ticks.setdefault(key, time.monotonic())
                            self.tick_connection.setdefault(key, self.connections)
                    elif kind == "subscribed":
                        confirmed += 1
                        if confirmed == len(MARKETS):  # before the first tick there is no snapshot
                            self.subscribed_at = self.subscribed_at or time.monotonic()
                    elif kind == "server_shutdown":
                        wait = min(message["reconnect_after_ms"] / 1000, self.max_wait_after_shutdown)
            finally:
                self.open = False
                code = ws.close_code
                self.closes.append((code, time.monotonic()))
            return wait

    def ticks_after(self, moment):
        return sorted(key for key, arrived in self.ticks.items() if arrived >= moment)

    def receiving_since(self, moment):
        """Subscribed on its current connection and got a tick on it after `moment`."""
        return self.open and self.subscribed_at is not None and any(
            arrived >= moment and self.tick_connection[key] == self.connections for key, arrived in self.ticks.items())


class Fleet:
    """Many StreamClients started together."""

    def __init__(self, url, count, first_index=0):
        self.clients = [StreamClient(url, first_index + i) for i in range(count)]

    def by_address(self):
        return {client.address: client for client in self.clients}

    async def start(self, timeout=30):
        for i, client in enumerate(self.clients):
            client.start()
            if i % 25 == 24:
                await asyncio.sleep(0.05)  # no thundering herd on nginx's accept queue
        await self.wait(lambda c: c.open and c.subscribed_at is not None, timeout, "connected and subscribed")

    async def wait(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            pending = [c for c in self.clients if not predicate(c)]
            if not pending:
                return
            if time.monotonic() > deadline:
                sample = [(c.address, c.connections, c.open, c.closes[-1:], (c.last_failure or '')[:160]) for c in pending[:5]]
                raise AssertionError(f"{len(pending)} of {len(self.clients)} clients not {what} within {timeout} s: {sample}")
            await asyncio.sleep(0.1)

    async def stop(self):
        await asyncio.gather(*(client.stop() for client in self.clients))

    def errors(self):
        return [(c.address, e) for c in self.clients for e in c.errors]


def missed_ticks(keys, interval):
    """The largest number of ticks missing between consecutive received ticks (quote_time keys)."""
    from datetime import datetime

    times = [datetime.strptime(k, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() for k in sorted(keys)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    return max((round(gap / interval) - 1 for gap in gaps), default=0), gaps

"""A quote provider on a real socket for QUOTE_SOURCE=http, its quotes set by the test:
what a server says about quotes that stop arriving or sit at a limit."""
import json
import threading
import time

from e2e_support import serve_http

# Monday 2026-12-07 10:00 in Shanghai and Hong Kong: both in their morning session
# (a --market-time for a server that should see its markets open).
OPEN = "2026-12-07T02:00:00Z"


class Provider:
    """A quote provider on a real socket: quotes by code, `quote_time` "now" unless frozen."""

    def __init__(self):
        self.quotes = {}
        self.frozen = {}
        self.lock = threading.Lock()
        self.http = serve_http(lambda: ("application/json", json.dumps(self.document()).encode()))
        self.url = f"http://127.0.0.1:{self.http.server_port}/quotes"

    def set(self, code, price, prev_close, frozen_at=None):
        with self.lock:
            self.quotes[code] = (price, prev_close)
            self.frozen[code] = frozen_at

    def document(self):
        now_ms = int(time.time() * 1000)
        with self.lock:
            return [
                {"code": code, "price": price, "prev_close": prev_close, "volume": 1000, "turnover": price * 1000,
                 "quote_time": self.frozen[code] or now_ms}
                for code, (price, prev_close) in self.quotes.items()]

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def serving(provider, interval="0.2", stale_after="4"):
    """The server arguments that make `provider` its only source, with markets open."""
    return ("--quote-source", "http", "--quote-http-url", provider.url, "--quote-interval", interval,
            "--stale-after", stale_after, "--market-time", OPEN)

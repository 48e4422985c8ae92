"""What the dashboard's browser tests share: a server with an admin token, Python clients
on an asyncio loop in a thread of their own (Playwright's sync API owns the test's
thread; `Loop.run(coro)` runs a coroutine there and waits for it), and signing in."""
import asyncio
import threading

import pytest
from playwright.sync_api import expect

from e2e_support import Client

TOKEN = "dashboard-secret"
WAIT = 15_000  # ms: generous, the CPU is shared


class Loop:
    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout=20):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def admin(server_factory):
    return server_factory(admin_token=TOKEN)


@pytest.fixture
def clients(admin):
    """connect(n) -> n open Clients; all are closed after the test."""
    loop = Loop()
    opened = []

    def connect(n=1, server=None):
        new = [loop.run(Client.open((server or admin).ws)) for _ in range(n)]
        opened.extend(new)
        return new

    connect.run = loop.run
    yield connect
    for client in opened:
        try:
            loop.run(client.close(), timeout=5)
        except Exception:
            pass
    loop.close()


CSP = "default-src 'self'"


def with_csp(page):
    """Serves the dashboard's documents with the Content-Security-Policy a deployment puts
    on them: an inline script, style attribute or handler would be refused, and Chromium
    reports that as a console error, which fails the test."""
    def add_policy(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/admin*", add_policy)


def open_dashboard(page, server, token=TOKEN):
    with_csp(page)
    page.goto(server.http + "/admin?poll=1000")
    expect(page.locator("#sign-in")).to_be_visible()
    page.fill("#token-input", token)
    page.click("#sign-in-form button[type=submit]")
    if token == TOKEN:
        expect(page.locator("#dashboard")).to_be_visible(timeout=WAIT)


def stored_token(page):
    return page.evaluate("sessionStorage.getItem('stockpush.adminToken')")


def drop_401_logs(page):
    """Chromium logs every 401 answer as a console error ("Failed to load resource"); a
    refused token is what these tests provoke, so those lines (and only those) are dropped."""
    page.errors[:] = [e for e in page.errors if "status of 401" not in e]


def client_rows(page):
    return page.locator("#clients-table tbody tr[data-client]")


def listed_ids(page):
    return [row.get_attribute("data-client") for row in client_rows(page).all()]

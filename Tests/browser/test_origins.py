"""Browser security basics in a real Chromium: a page the server serves opens the price
stream with the default settings; a page from another origin (a second local HTTP
server on another port) can neither open it nor read the API, until ALLOWED_ORIGINS
names it; and the pages' Content-Security-Policy blocks inline scripts and
connections to other hosts."""
import pytest

from e2e_support import serve_http

# Opens a WebSocket and resolves with the first message's type, or "error" (a refused
# handshake or a connection the CSP blocks: the page only sees an error event).
OPEN_STREAM = """url => new Promise(resolve => {
    const ws = new WebSocket(url);
    ws.onmessage = event => { resolve(JSON.parse(event.data).type); ws.close(); };
    ws.onerror = () => resolve("error");
})"""

# The SDK imported as a module from the server: module scripts load in CORS mode.
IMPORT_SDK = """url => import(url).then(module => typeof module.StockPushClient, () => "blocked")"""

# A fetch from the page: the status, or "blocked" when CORS keeps the answer from it.
FETCH = """([url, token]) => fetch(url, token ? {headers: {Authorization: "Bearer " + token}} : {})
    .then(response => response.status, () => "blocked")"""


@pytest.fixture(scope="module")
def foreign_site():
    """Another origin: a tiny page on a second local HTTP server (another port)."""
    page = b"<!doctype html><html><head><title>elsewhere</title></head><body>another site</body></html>"
    site = serve_http(lambda: ("text/html; charset=utf-8", page))
    yield f"http://127.0.0.1:{site.server_port}"
    site.shutdown()
    site.server_close()


def expect_console_errors(page, *fragments):
    """Takes the expected console errors off the page's list (each fragment must
    match at least one), so only unexpected ones fail the test."""
    for fragment in fragments:
        assert any(fragment in error for error in page.errors), (fragment, page.errors)
    page.errors[:] = [error for error in page.errors if not any(f in error for f in fragments)]


def test_a_page_from_the_server_opens_the_stream_with_the_defaults(server, page):
    page.goto(server.http + "/")
    assert page.evaluate(OPEN_STREAM, f"ws://{server.host}:{server.port}/ws/stock/prices") == "connected"
    assert page.evaluate(FETCH, [server.http + "/healthz", None]) == 200


def test_a_page_from_another_origin_cannot_unless_configured(server_factory, page, foreign_site):
    default = server_factory(wait_for_quotes=False, admin_token="s3cret")
    page.goto(foreign_site + "/")
    stream = f"ws://{default.host}:{default.port}/ws/stock/prices"
    assert page.evaluate(OPEN_STREAM, stream) == "error"
    assert page.evaluate(FETCH, [default.http + "/api/websocket/stats", "s3cret"]) == "blocked"
    assert page.evaluate(IMPORT_SDK, default.http + "/sdk/stockpush.js") == "blocked"
    expect_console_errors(page, "Unexpected response code: 403", "blocked by CORS policy", "net::ERR_FAILED")

    configured = server_factory("--allowed-origins", foreign_site, wait_for_quotes=False, admin_token="s3cret")
    stream = f"ws://{configured.host}:{configured.port}/ws/stock/prices"
    assert page.evaluate(OPEN_STREAM, stream) == "connected"
    # With the Authorization header this is a preflighted request: OPTIONS, then the GET.
    assert page.evaluate(FETCH, [configured.http + "/api/websocket/stats", "s3cret"]) == 200
    assert page.evaluate(IMPORT_SDK, configured.http + "/sdk/stockpush.js") == "function"


def test_the_page_policy_blocks_inline_scripts_and_other_hosts(server_factory, page, tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    (root / "index.html").write_text(
        "<!doctype html><html><head><title>board</title><link rel=\"icon\" href=\"data:,\">"
        "<script src=\"/ok.js\"></script>"
        "<script>document.title = 'inline ran';</script></head><body></body></html>")
    (root / "ok.js").write_text("document.documentElement.dataset.external = 'ran';\n")
    server = server_factory("--web-root", str(root), wait_for_quotes=False)
    page.goto(server.http + "/")
    assert page.evaluate("document.documentElement.dataset.external") == "ran", "own scripts run"
    assert page.title() == "board", "the inline script was blocked"
    # connect-src: this server's WebSocket only, not another port of the same host.
    assert page.evaluate(OPEN_STREAM, f"ws://{server.host}:{server.port}/ws/stock/prices") == "connected"
    assert page.evaluate(OPEN_STREAM, f"ws://{server.host}:{server.port + 1}/ws/stock/prices") == "error"
    expect_console_errors(page, "Executing inline script violates", "violates the following Content Security Policy")

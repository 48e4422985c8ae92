"""The live price board at `/` in a real Chromium against the release server: what a
user relies on (moving prices, the connection state, sorting, colours, choices that
survive a reload, a phone screen, dark mode) and what the deployment relies on (no
request leaves the server, it runs under `Content-Security-Policy: default-src 'self'`).

Stable hooks (other tests use them): `<tr data-code>`, `<td data-field="price">` (and
name, market, change, change_pct, volume, turnover, quote_time), `#conn-state[data-state]`."""
import os
import re
import subprocess
from urllib.parse import urlsplit

import pytest

from conftest import screenshot
from e2e_support import http_request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WEB = os.path.join(ROOT, "web")
CSP = "default-src 'self'"
# What Chromium itself logs while the server is down (the page logs nothing of its own).
OUTAGE_NOISE = re.compile(r"WebSocket connection to .* failed|net::ERR_CONNECTION_REFUSED|Failed to load resource")

ROWS = "document.querySelectorAll('#board tbody tr[data-code]')"


def catalog(page):
    """The catalog as the page sees it (GET /api/catalog)."""
    return page.evaluate("fetch('/api/catalog').then((r) => r.json())")


def codes(page):
    return page.evaluate(f"[...{ROWS}].map((tr) => tr.dataset.code)")


def prices(page):
    """code → the price cell's text."""
    return page.evaluate(
        f"Object.fromEntries([...{ROWS}].map((tr) => [tr.dataset.code, tr.querySelector('[data-field=price]').textContent]))")


def wait_rows_with_prices(page, expected, timeout=15000):
    """Until the table shows exactly `expected` (a set of codes), every one with a price."""
    page.wait_for_function(
        f"""(want) => {{
            const rows = [...{ROWS}];
            return rows.length === want.length && rows.every((tr) => want.includes(tr.dataset.code)
                && /\\d/.test(tr.querySelector('[data-field=price]').textContent));
        }}""", arg=sorted(expected), timeout=timeout)


def wait_live(page, timeout=10000):
    page.wait_for_selector("#conn-state[data-state=open]", timeout=timeout)


def wait_some_price_changes(page, before, timeout=10000):
    page.wait_for_function(
        f"""(before) => [...{ROWS}].some((tr) => tr.dataset.code in before
            && tr.querySelector('[data-field=price]').textContent !== before[tr.dataset.code])""",
        arg=before, timeout=timeout)


def strategy_codes(cat, name):
    return set(next(s for s in cat["strategies"] if s["name"] == name)["stocks"])


def market_codes(cat, market):
    return {s["code"] for s in cat["stocks"] if s["market"] == market}


def rgb(css):
    return tuple(int(v) for v in re.findall(r"\d+", css)[:3])


def test_the_first_strategy_moves_within_two_seconds_under_the_csp(server, page):
    # The page carries the policy itself (<meta http-equiv>), so this runs under it; a
    # violation is a console error, which fails the test.
    requests, sockets = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(server.http + "/")
    cat = catalog(page)
    first = cat["strategies"][0]["name"]
    # Opening / with nothing chosen shows the first strategy, with prices, at once.
    wait_rows_with_prices(page, strategy_codes(cat, first), timeout=2000)
    wait_live(page, timeout=2000)
    assert page.get_by_role("checkbox", name=re.compile(rf"^{first}\b")).is_checked()
    assert f"strategy={first}" in page.url
    # Prices move (the test server quotes every 0.2 s), and a changed price flashes.
    wait_some_price_changes(page, prices(page))
    page.wait_for_selector("td[data-field=price][class*=flash-]", timeout=15000)
    page.wait_for_function("document.querySelectorAll('svg.spark polyline[points*=\" \"]').length > 0", timeout=15000)
    # The age of the data and the message rate are shown and plausible.
    page.wait_for_function("/^\\d+(\\.\\d)? s$/.test(document.getElementById('data-age').textContent)"
                           " && parseFloat(document.getElementById('msg-rate').textContent) > 0", timeout=15000)
    age = float(page.text_content("#data-age").split()[0])
    assert age < 5, f"data age {age} s on a live server"
    assert page.text_content("#conn-state").strip() == "Live"
    screenshot(page, "board")
    # Nothing but this server: page, modules, SDK, catalog, icon, and the stream.
    origin = urlsplit(server.http).netloc
    assert requests and all(urlsplit(url).netloc == origin for url in requests), requests
    assert sockets and all(urlsplit(url).netloc == origin for url in sockets), sockets
    paths = {urlsplit(url).path for url in requests}
    assert {"/", "/board.js", "/board.css", "/sdk/stockpush.js", "/api/catalog"} <= paths, paths


def test_the_pages_have_no_inline_script_style_or_handler_and_small_modules():
    with open(os.path.join(WEB, "index.html"), encoding="utf-8") as f:
        html = f.read()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert '<link rel="icon" href="/favicon.svg"' in html
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    for name in os.listdir(WEB):
        if name.endswith((".js", ".css", ".html")):
            with open(os.path.join(WEB, name), encoding="utf-8") as f:
                text = f.read()
            assert text.count("\n") <= 300, f"web/{name} has more than 300 lines"
            assert not re.search(r"\beval\(|new Function\(|https?://(?!www\.w3\.org/2000/svg)", text), name


def test_killed_server_shows_reconnecting_and_a_restart_brings_it_back_with_the_same_choices(server_factory, page):
    server = server_factory()
    page.goto(server.http + "/")
    cat = catalog(page)
    second = cat["strategies"][1]["name"]
    page.goto(f"{server.http}/#strategy={second}&market=&stock=AAPL")
    wanted = strategy_codes(cat, second) | {"AAPL"}
    wait_rows_with_prices(page, wanted)
    wait_live(page)

    server.kill()
    page.wait_for_selector("#conn-state[data-state=reconnecting]", timeout=10000)
    assert page.text_content("#conn-state").strip() == "Reconnecting"
    page.wait_for_function(
        "/^(in \\d+ s|now|connecting…)$/.test(document.getElementById('conn-detail').textContent)", timeout=15000)
    assert page.is_visible("#reconnect-now")
    screenshot(page, "board-reconnecting")

    # The same server again on the same port (same database and Redis prefix).
    server.process = subprocess.Popen(server.command, stdout=server._log, stderr=subprocess.STDOUT, cwd=ROOT,
                                      env={k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")})
    server.killed = False
    server._wait_ready(True)
    # Backoff with full jitter (at most 15 s between tries on the board): a generous margin.
    wait_live(page, timeout=30000)
    assert page.text_content("#conn-state").strip() == "Live"
    wait_rows_with_prices(page, wanted)
    wait_some_price_changes(page, prices(page))
    assert set(codes(page)) == wanted
    assert page.get_by_role("checkbox", name=re.compile(rf"^{second}\b")).is_checked()
    # Chromium's own logging of the refused connections is expected; nothing else.
    page.errors[:] = [e for e in page.errors if not OUTAGE_NOISE.search(e)]


def test_the_badge_says_offline_without_a_network_and_live_when_it_is_back(server, page):
    page.goto(server.http + "/")
    cat = catalog(page)
    wait_rows_with_prices(page, strategy_codes(cat, cat["strategies"][0]["name"]))
    wait_live(page)
    page.context.set_offline(True)
    page.wait_for_function("document.getElementById('conn-state').textContent === 'Offline'", timeout=15000)
    page.context.set_offline(False)
    page.wait_for_function("document.getElementById('conn-state').textContent === 'Live'", timeout=30000)
    wait_live(page)
    wait_some_price_changes(page, prices(page))
    page.errors[:] = [e for e in page.errors if not OUTAGE_NOISE.search(e)]


def test_choices_survive_a_reload_and_a_new_tab(server, page):
    page.goto(server.http + "/")
    cat = catalog(page)
    first, second = cat["strategies"][0]["name"], cat["strategies"][1]["name"]
    wait_rows_with_prices(page, strategy_codes(cat, first))
    page.get_by_role("checkbox", name=re.compile(rf"^{first}\b")).uncheck()
    page.get_by_role("checkbox", name=re.compile(rf"^{second}\b")).check()
    page.get_by_role("checkbox", name=re.compile(r"^HK\b")).check()
    page.fill("#stock-input", "aapl")
    page.get_by_role("button", name="Add").click()
    wanted = strategy_codes(cat, second) | market_codes(cat, "HK") | {"AAPL"}
    wait_rows_with_prices(page, wanted)
    assert page.get_by_role("button", name="Remove AAPL").is_visible()

    page.reload()
    wait_rows_with_prices(page, wanted)
    for name, checked in ((first, False), (second, True), ("HK", True)):
        assert page.get_by_role("checkbox", name=re.compile(rf"^{name}\b")).is_checked() == checked, name
    # A new tab on plain / (no hash) gets them from localStorage.
    other = page.context.new_page()
    other.goto(server.http + "/")
    wait_rows_with_prices(other, wanted)
    # Removing a stock drops its row.
    other.get_by_role("button", name="Remove AAPL").click()
    wait_rows_with_prices(other, wanted - {"AAPL"} | (strategy_codes(cat, second) & {"AAPL"}))
    other.close()


def test_unknown_choices_are_explained_and_dropped(server, page):
    page.goto(server.http + "/#strategy=no_such_strategy&market=&stock=0700")
    page.wait_for_selector("#notice:not([hidden])", timeout=15000)
    assert "no_such_strategy" in page.text_content("#notice")
    wait_rows_with_prices(page, {"0700"})
    page.wait_for_function("!location.hash.includes('no_such_strategy')", timeout=15000)
    assert not page.get_by_role("checkbox", name=re.compile(r"^no_such_strategy")).count()
    # A typed stock must name exactly one: a code (any case) or a unique part of a name.
    page.fill("#stock-input", "zzzz-nothing")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('notice').textContent.includes('zzzz-nothing')", timeout=15000)
    wait_rows_with_prices(page, {"0700"})


def test_choices_past_the_servers_subscription_limit_are_dropped_with_a_notice(server_factory, page):
    server = server_factory("--max-subscriptions", "2")
    page.goto(server.http + "/#strategy=&market=&stock=")
    cat = catalog(page)
    a, b = cat["strategies"][0]["name"], cat["strategies"][1]["name"]
    page.goto(f"{server.http}/#strategy={a},{b}&market=HK&stock=")
    page.wait_for_function("document.getElementById('notice').textContent.includes('HK')", timeout=15000)
    assert "more than the server allows" in page.text_content("#notice")
    wait_rows_with_prices(page, strategy_codes(cat, a) | strategy_codes(cat, b))
    page.wait_for_function("location.hash.includes('market=&')", timeout=15000)
    assert not page.get_by_role("checkbox", name=re.compile(r"^HK\b")).is_checked()


def test_sorting_by_clicking_headers(server, page):
    page.goto(server.http + "/#market=US")
    cat = catalog(page)
    wait_rows_with_prices(page, market_codes(cat, "US"))
    header = page.get_by_role("columnheader", name=re.compile(r"^Price"))
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"

    def column(field):
        return page.evaluate(f"[...{ROWS}].map((tr) => tr.querySelector('[data-field={field}]').textContent)")

    values = [float(v.replace(",", "")) for v in column("price")]
    assert values == sorted(values, reverse=True), values
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = [float(v.replace(",", "")) for v in column("price")]
    assert values == sorted(values), values
    # Another column takes over; the sort survives a reload.
    page.get_by_role("columnheader", name=re.compile(r"^Code")).get_by_role("button").click()
    assert page.locator("th[aria-sort]").count() == 1
    page.reload()
    wait_rows_with_prices(page, market_codes(cat, "US"))
    assert page.get_by_role("columnheader", name=re.compile(r"^Code")).get_attribute("aria-sort") == "ascending"
    assert codes(page) == sorted(codes(page), key=lambda c: [int(p) if p.isdigit() else p.lower()
                                                             for p in re.split(r"(\d+)", c)])


def test_colour_convention_defaults_by_market_and_switches(server, page):
    def coloured_cell_is(convention):
        # Some change cell is up or down; up is red under red-up, green under green-up.
        page.wait_for_selector("td[data-field=change].up, td[data-field=change].down", timeout=10000)
        up, colour = page.evaluate("""() => {
            const cell = document.querySelector('td[data-field=change].up, td[data-field=change].down');
            return [cell.classList.contains('up'), getComputedStyle(cell).color];
        }""")
        r, g, _ = rgb(colour)
        red = r > g
        return red == (up == (convention == "red-up"))

    page.goto(server.http + "/#market=US")
    cat = catalog(page)
    wait_rows_with_prices(page, market_codes(cat, "US"))
    assert page.get_attribute("html", "data-colours") == "green-up"
    assert coloured_cell_is("green-up")
    page.goto(server.http + "/#market=HK")
    wait_rows_with_prices(page, market_codes(cat, "HK"))
    assert page.get_attribute("html", "data-colours") == "red-up"
    assert coloured_cell_is("red-up")
    # The switch overrides the market's default, and a reload keeps it.
    page.get_by_role("radio", name=re.compile(r"^Green up")).check()
    assert page.get_attribute("html", "data-colours") == "green-up"
    assert coloured_cell_is("green-up")
    page.reload()
    wait_rows_with_prices(page, market_codes(cat, "HK"))
    assert page.get_by_role("radio", name=re.compile(r"^Green up")).is_checked()
    assert page.get_attribute("html", "data-colours") == "green-up"
    page.get_by_role("radio", name=re.compile(r"^Auto")).check()
    assert page.get_attribute("html", "data-colours") == "red-up"


def test_table_semantics_for_screen_readers(server, page):
    page.goto(server.http + "/#strategy=&market=SZ&stock=")
    cat = catalog(page)
    wanted = market_codes(cat, "SZ")
    wait_rows_with_prices(page, wanted)
    table = page.get_by_role("table", name=re.compile(r"^Live prices: SZ"))
    assert table.count() == 1
    assert table.locator("caption").count() == 1
    assert table.get_by_role("columnheader").count() == 10
    assert table.locator("thead th[scope=col]").count() == 10
    assert table.get_by_role("rowheader").count() == len(wanted)
    assert table.locator("tbody th[scope=row]").count() == len(wanted)
    assert table.get_by_role("row").count() == len(wanted) + 1
    for field in ("name", "market", "price", "change", "change_pct", "volume", "turnover", "quote_time"):
        assert table.locator(f"tbody td[data-field={field}]").count() == len(wanted), field
    # The connection state is a live region with the SDK's state.
    state = page.get_by_role("status").filter(has_text="Live")
    assert state.get_attribute("id") == "conn-state" and state.get_attribute("data-state") == "open"
    assert page.get_by_role("button", name="Code", exact=True).count() == 1  # sortable by keyboard


def test_phone_width_has_no_horizontal_page_overflow_and_dark_mode_applies(server, page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme="dark")
    page.goto(server.http + "/")
    cat = catalog(page)
    wait_rows_with_prices(page, strategy_codes(cat, cat["strategies"][0]["name"]))
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    # The table scrolls inside its own box instead.
    box = page.locator(".table-wrap").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    background = rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert sum(background) < 3 * 60, f"dark scheme background {background}"
    screenshot(page, "board-phone-dark")
    page.emulate_media(color_scheme="light")
    background = rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert sum(background) > 3 * 200, f"light scheme background {background}"
    # The choosers are folded on a phone and open on demand.
    page.get_by_text("Choose what to watch").click()
    assert page.get_by_role("checkbox", name=re.compile(r"^HK\b")).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0


def test_the_board_files_are_served_as_modules_and_css(server):
    for path, kind in (("/board.js", "text/javascript"), ("/board-table.js", "text/javascript"),
                       ("/board.css", "text/css")):
        status, headers, _ = http_request(server.http, "GET", path)
        assert status == 200 and headers["content-type"].startswith(kind), (path, headers)


def test_a_strategy_edited_in_postgres_adds_and_removes_rows_live(server_factory, page):
    server = server_factory()
    page.goto(f"{server.http}/#strategy=volume_wave&market=&stock=")
    before = strategy_codes(catalog(page), "volume_wave")
    wait_rows_with_prices(page, before)
    newcomer = "600036"  # in the catalog, not in volume_wave
    assert newcomer not in before
    server.database.sql(f"INSERT INTO strategy_stocks (strategy, stock) VALUES ('volume_wave', '{newcomer}')")
    wait_rows_with_prices(page, before | {newcomer})  # from subscription_changed and its snapshot
    server.database.sql(f"DELETE FROM strategy_stocks WHERE strategy = 'volume_wave' AND stock = '{newcomer}'")
    wait_rows_with_prices(page, before)  # the row goes without a reconnect
    assert page.text_content("#conn-state").strip() == "Live"

"""The two pages against one server, as an operator and a trader would use them: a manual
push sent from the dashboard at /admin reaches the live board at / — the board's socket
gets the pushed snapshot and its data age starts again from zero."""
import json
import re

from playwright.sync_api import expect

from conftest import screenshot

TOKEN = "together-secret"
WAIT = 15_000  # ms: generous, the CPU is shared


def seconds(age_text):
    """The board's data age ("3.4 s", "12 s", "2 min") in seconds."""
    number, unit = re.fullmatch(r"([\d.]+) (s|min|h)", age_text).groups()
    return float(number) * {"s": 1, "min": 60, "h": 3600}[unit]


def test_a_manual_push_from_the_dashboard_updates_the_board(server_factory, browser):
    # Quotes once at start, then not for an hour: whatever reaches the board later is the push.
    server = server_factory("--quote-interval", "3600", admin_token=TOKEN)
    context = browser.new_context()
    errors = []
    context.on("page", lambda page: (
        page.on("pageerror", lambda error: errors.append(f"page error: {error}")),
        page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)))
    try:
        board = context.new_page()
        frames = []
        board.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: frames.append(json.loads(payload)) if isinstance(payload, str) else None))
        board.goto(server.http + "/")
        rows = board.locator("#board-rows tr[data-code]")
        expect(rows.first).to_be_visible(timeout=WAIT)
        code = rows.first.get_attribute("data-code")
        expect(board.locator("#conn-state")).to_have_attribute("data-state", "open", timeout=WAIT)
        age = board.locator("#data-age")
        board.wait_for_function(  # the snapshot grows old: no tick comes
            "() => /^([3-9]\\.\\d|\\d\\d+) s$|min|h/.test(document.querySelector('#data-age').textContent)",
            timeout=WAIT)
        before = seconds(age.text_content())

        admin = context.new_page()
        admin.goto(server.http + "/admin")
        admin.fill("#token-input", TOKEN)
        admin.click("#sign-in-form button[type=submit]")
        expect(admin.locator("#dashboard")).to_be_visible(timeout=WAIT)
        admin.fill("#push-form input[name=stock]", code)
        admin.click("#push-form button[type=submit]")
        expect(admin.locator("#push-result")).to_contain_text("1 client", timeout=WAIT)

        board.wait_for_function(
            f"() => {{ const m = /^([\\d.]+) s$/.exec(document.querySelector('#data-age').textContent);"
            f" return m && Number(m[1]) < {before} - 1; }}", timeout=WAIT)
        pushed = [f for f in frames if f.get("type") == "price_update" and f.get("snapshot")
                  and [q["code"] for q in f["data"]] == [code]]
        assert pushed, [f.get("type") for f in frames]
        price = board.locator(f"#board-rows tr[data-code='{code}'] td[data-field=price]")
        expect(price).not_to_have_text("")
        screenshot(admin, "admin-after-push")
        assert not errors, errors
    finally:
        context.close()

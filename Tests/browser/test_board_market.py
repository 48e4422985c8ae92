"""The board's market phases and quote flags in a real Chromium: a chip per market in the
header and a word on the rows of a market that is not trading, both as the release server
says (its `market_status` messages, compared with GET /api/websocket/stats); and the
stale / daily-limit badges, drawn by the board's own PriceTable from quote objects given
in the page, and from a real server fed by a quote provider the test controls."""
import re
import time

from conftest import screenshot
from e2e_support import http_json
from quote_provider import Provider, serving

PHASE = {"pre_open": "pre-open", "open": "open", "lunch_break": "lunch break", "closed": "closed"}
ROW_WORD = {"pre_open": "pre-open", "lunch_break": "lunch", "closed": "closed"}


def test_each_market_on_the_board_shows_its_phase_as_the_server_says(server, page):
    page.goto(server.http + "/#strategy=&market=HK,US&stock=600519")
    page.wait_for_function("document.querySelectorAll('#markets li[data-market]').length === 3", timeout=25000)
    _, stats = http_json(server.http, "GET", "/api/websocket/stats")
    chips = page.evaluate("""[...document.querySelectorAll('#markets li')].map((li) =>
        ({market: li.dataset.market, status: li.dataset.status, text: li.textContent, title: li.title}))""")
    assert [c["market"] for c in chips] == ["HK", "SH", "US"]
    for chip in chips:
        expected = stats["markets"][chip["market"]]["status"]
        assert chip["status"] == expected, chip
        # Text, not only colour: "HK · lunch break · reopens 13:00 (in 42 min)".
        assert chip["text"].startswith(f"{chip['market']} · {PHASE[expected]}"), chip
        if stats["markets"][chip["market"]]["next_change"]:
            assert re.search(r" · (opens|until|reopens|pre-open) (\w{3} |\d+ \w{3} )?\d\d:\d\d", chip["text"]), chip
            assert "times in " in chip["title"], chip
    assert page.get_attribute("#markets", "aria-label") == "Market status"

    rows = page.evaluate("""[...document.querySelectorAll('#board tbody tr[data-code]')].map((tr) => ({
        code: tr.dataset.code, phase: tr.dataset.marketStatus ?? null,
        market: tr.querySelector('[data-field=market]').textContent}))""")
    assert rows
    for row in rows:
        market = row["market"].split()[0]
        status = stats["markets"][market]["status"]
        assert row["phase"] == (status if status in ROW_WORD else None), row
        assert row["market"] == (f"{market} {ROW_WORD[status]}" if status in ROW_WORD else market), row
    screenshot(page, "board-markets")


PROBE = """async (quotes) => {
    const { PriceTable } = await import('/board-table.js');
    const table = document.getElementById('board').cloneNode(true);
    table.id = 'probe';
    table.tBodies[0].replaceChildren();
    table.caption.textContent = 'Probe: quotes given in the page';
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap probe-wrap';
    wrap.append(table);
    document.querySelector('main').prepend(wrap);
    const probe = new PriceTable(table, {
        info: (code) => ({ name: code, market: 'SH', timezone: 'Asia/Shanghai', currency: 'CNY' }),
        phase: () => 'open',
    });
    window.probe = probe;
    probe.setCodes(quotes.map((q) => q.code));
    for (const q of quotes) probe.update(q);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""

READ = """() => [...document.querySelectorAll('#probe tbody tr')].map((tr) => {
    const td = tr.querySelector('td[data-field=change]');
    return {
        code: tr.dataset.code, stale: tr.classList.contains('stale'), atLimit: tr.dataset.atLimit ?? null,
        flags: [...tr.querySelectorAll('.flag')].map((f) => [f.textContent, f.title, getComputedStyle(f).display]),
        priceTitle: tr.querySelector('td[data-field=price]').title,
        price: tr.querySelector('td[data-field=price]').textContent,
        opacity: Number(getComputedStyle(td).opacity),
        timeTitle: tr.querySelector('td[data-field=quote_time] time').title,
    };
})"""


def quote(code, price, **extra):
    return {"code": code, "name": code, "market": "SH", "price": price, "prev_close": 1805.4,
            "change": round(price - 1805.4, 2), "change_percent": 1.0, "volume": 100, "turnover": 1e6,
            "quote_time": "2026-12-07T02:00:00.000000Z", **extra}


def test_stale_and_limit_flags_drawn_by_the_boards_table(server, page):
    page.goto(server.http + "/")
    page.wait_for_selector("#conn-state[data-state=open]", timeout=10000)
    page.evaluate(PROBE, [
        quote("600519", 1850.5, limit_up=1985.94, limit_down=1624.86, ingest_time="2026-12-07T02:00:00.400000Z"),
        quote("601318", 1985.94, limit_up=1985.94, limit_down=1624.86, at_limit="up"),
        quote("600036", 1624.86, limit_up=1985.94, limit_down=1624.86, at_limit="down", stale=True),
        quote("000001", 1810.0, stale=True),
    ])
    rows = {row["code"]: row for row in page.evaluate(READ)}
    plain, up, down, stale = rows["600519"], rows["601318"], rows["600036"], rows["000001"]
    assert plain["flags"] == [] and not plain["stale"] and plain["atLimit"] is None
    assert plain["priceTitle"] == "previous close 1805.40; limit up 1985.94, limit down 1624.86"
    assert "reached the server 0.4 s later" in plain["timeTitle"]
    assert plain["opacity"] == 1
    assert up["atLimit"] == "up" and [f[:2] for f in up["flags"]] == [["limit up", "At the daily limit up (1985.94)"]]
    assert all(f[2] != "none" for f in up["flags"] + stale["flags"]), "the badges are shown"
    assert up["price"] == "1985.94" and not up["stale"]
    assert down["atLimit"] == "down" and [f[0] for f in down["flags"]] == ["limit down", "stale"]
    assert stale["stale"] and [f[:2] for f in stale["flags"]] == [
        ["stale", "Stale: no new price although SH is open; last quoted 10:00:00"]]
    assert stale["opacity"] < 1 and down["opacity"] < 1, "a stale row is dimmed"
    assert stale["priceTitle"] == "previous close 1805.40", "no limits for a market without them"
    # The flags are visible words, part of the row header a screen reader announces.
    assert page.get_by_role("rowheader", name="000001 stale").count() == 1
    page.locator("#probe").scroll_into_view_if_needed()
    screenshot(page, "board-flags", page.locator(".probe-wrap"))

    # A quote is replaced whole: the next one without the flags means recovered.
    page.evaluate("""async (quotes) => {
        for (const q of quotes) window.probe.update(q);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }""", [quote("600036", 1700.0, limit_up=1985.94, limit_down=1624.86), quote("000001", 1811.0)])
    rows = {row["code"]: row for row in page.evaluate(READ)}
    for code in ("600036", "000001"):
        assert rows[code]["flags"] == [] and not rows[code]["stale"] and rows[code]["atLimit"] is None, rows[code]
        assert rows[code]["opacity"] == 1



FLAGS = """(code) => {
    const tr = document.querySelector(`#board tbody tr[data-code="${code}"]`);
    return tr && { stale: tr.classList.contains('stale'), atLimit: tr.dataset.atLimit ?? null,
        flags: [...tr.querySelectorAll('.flag')].map((f) => f.textContent),
        priceTitle: tr.querySelector('td[data-field=price]').title };
}"""


def test_the_server_s_stale_and_limit_flags_reach_the_board(server_factory, page):
    provider = Provider()
    provider.set("600519", 1738.00, 1580.00)  # +10 %: at the limit
    provider.set("601318", 52.30, 52.30, frozen_at=int(time.time() * 1000))  # stops updating
    try:
        server = server_factory(*serving(provider))
        page.goto(server.http + "/#strategy=&market=&stock=600519,601318")
        page.wait_for_function(f"({FLAGS})('601318')?.stale === true", timeout=25000)
        moutai = page.evaluate(FLAGS, "600519")
        assert moutai["atLimit"] == "up" and moutai["flags"] == ["limit up"], moutai
        assert moutai["priceTitle"].endswith("limit up 1738.00, limit down 1422.00"), moutai
        assert page.evaluate(FLAGS, "601318")["flags"] == ["stale"]
        # Quoted again: the flag goes with the next quote.
        provider.set("601318", 52.30, 52.30)
        page.wait_for_function(f"({FLAGS})('601318')?.stale === false", timeout=25000)
        assert page.evaluate(FLAGS, "601318")["flags"] == []
    finally:
        provider.close()

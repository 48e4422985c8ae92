"""The admin dashboard's client list in headless Chromium against the release server:
a client and its disconnect, each client's pings, round trip and missed pongs, a
dismissed confirmation, paging both ways and filters."""
import re
import time

from playwright.sync_api import expect

from conftest import screenshot
from dashboard_support import (  # noqa: F401 (admin and clients are fixtures)
    TOKEN, WAIT, admin, clients, client_rows, listed_ids, open_dashboard)
from e2e_support import RawWebSocket, http_json


def test_the_client_list_shows_a_client_and_disconnect_closes_it(admin, page, clients):
    victim, bystander = clients(2)
    open_dashboard(page, admin)
    row = page.locator(f"#clients-table tbody tr[data-client='{victim.client_id}']")
    expect(row).to_be_visible(timeout=WAIT)
    expect(row).to_contain_text("anonymous")
    expect(row).to_contain_text(admin.ws.split("/")[2].split(":")[0])  # its address

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    row.get_by_role("button", name="Disconnect").click()
    assert clients.run(victim.expect_close(timeout=10)) == 1008
    assert victim.client_id in dialogs[0]
    expect(row).to_have_count(0, timeout=WAIT)
    expect(page.locator("#clients-message")).to_contain_text(f"Disconnected {victim.client_id}")
    expect(page.locator(f"#clients-table tbody tr[data-client='{bystander.client_id}']")).to_be_visible()


def test_the_client_list_shows_each_clients_pings_round_trip_and_missed_pongs(server_factory, page, clients):
    # Pings every 0.3 s: a Python client answers them (a round trip), a raw socket that
    # reads nothing does not (missed pongs grow, no round trip).
    server = server_factory("--heartbeat-interval", "0.3", "--heartbeat-timeout", "30", admin_token=TOKEN)
    (answering,) = clients(1, server=server)
    silent = RawWebSocket(server.host, server.port)
    try:
        silent_id = silent.recv_json()["client_id"]

        def listed():
            body = http_json(server.http, "GET", "/api/websocket/clients", headers=server.admin_headers())[1]
            return {c["client_id"]: c for c in body["clients"]}

        deadline = time.monotonic() + 10
        while not (listed()[answering.client_id]["rtt_ms"] is not None and listed()[silent_id]["missed_pongs"] >= 2):
            assert time.monotonic() < deadline, listed()
            time.sleep(0.1)
        open_dashboard(page, server)
        for name in ("Last ping", "Last pong", "RTT", "Missed pongs"):
            expect(page.get_by_role("columnheader", name=name, exact=True)).to_have_count(1)

        def cell(client_id, field):
            return page.locator(f"#clients-table tbody tr[data-client='{client_id}'] td[data-field={field}]")

        expect(cell(answering.client_id, "rtt_ms")).to_have_text(re.compile(r"^\d+(\.\d+)? ms$"), timeout=WAIT)
        rtt = float(cell(answering.client_id, "rtt_ms").get_attribute("title").split()[0])
        assert 0 <= rtt < 1000, rtt
        expect(cell(answering.client_id, "missed_pongs")).to_have_text("0")
        expect(cell(answering.client_id, "last_ping")).to_have_text(re.compile(r"^\d+ s ago$"))
        expect(cell(answering.client_id, "last_pong")).to_have_text(re.compile(r"^\d+ s ago$"))
        # The silent one: pinged, never answered.
        expect(cell(silent_id, "rtt_ms")).to_have_text("—")
        expect(cell(silent_id, "last_pong")).to_have_text("—")
        expect(cell(silent_id, "last_ping")).to_have_text(re.compile(r"^\d+ s ago$"))
        shown = int(cell(silent_id, "missed_pongs").text_content())
        assert 2 <= shown <= listed()[silent_id]["missed_pongs"], shown
        expect(cell(silent_id, "missed_pongs")).to_have_class(re.compile(r"warn-text"))
        screenshot(page, "admin-clients-heartbeat", page.locator("section[aria-labelledby=clients-title]"))
    finally:
        silent.close()


def test_a_dismissed_confirmation_disconnects_nobody(admin, page, clients):
    (client,) = clients(1)
    open_dashboard(page, admin)
    row = page.locator(f"#clients-table tbody tr[data-client='{client.client_id}']")
    expect(row).to_be_visible(timeout=WAIT)
    page.on("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Disconnect").click()
    clients.run(client.ping())  # still connected, still answered
    status, body = http_json(admin.http, "GET", "/api/websocket/clients", headers=admin.admin_headers())
    assert client.client_id in [c["client_id"] for c in body["clients"]]


def test_paging_goes_both_ways_and_filters_narrow_the_list(admin, page, clients):
    opened = clients(5)
    clients.run(opened[2].subscribe("stock", "AAPL"))
    ids = sorted(c.client_id for c in opened)
    open_dashboard(page, admin)
    expect(client_rows(page)).to_have_count(5, timeout=WAIT)

    page.fill("#client-filters input[name=limit]", "2")
    page.click("#client-filters button[type=submit]")
    pager = page.locator("#clients-page")
    expect(pager).to_contain_text("Page 1: clients 1–2 of 5", timeout=WAIT)
    expect(page.locator("#clients-prev")).to_be_disabled()
    first = listed_ids(page)

    page.click("#clients-next")
    expect(pager).to_contain_text("Page 2: clients 3–4 of 5", timeout=WAIT)
    second = listed_ids(page)
    page.click("#clients-next")
    expect(pager).to_contain_text("Page 3: clients 5–5 of 5", timeout=WAIT)
    expect(page.locator("#clients-next")).to_be_disabled()
    third = listed_ids(page)
    assert sorted(first + second + third) == ids

    page.click("#clients-prev")
    expect(pager).to_contain_text("Page 2", timeout=WAIT)
    expect(client_rows(page).first).to_have_attribute("data-client", second[0])
    assert listed_ids(page) == second
    page.click("#clients-prev")
    expect(pager).to_contain_text("Page 1", timeout=WAIT)
    expect(client_rows(page).first).to_have_attribute("data-client", first[0])
    assert listed_ids(page) == first
    expect(page.locator("#clients-prev")).to_be_disabled()

    # Filters: a subscription, then an instance that does not exist.
    page.fill("#client-filters input[name=subscription]", "AAPL")
    page.click("#client-filters button[type=submit]")
    expect(pager).to_contain_text("of 1 matching", timeout=WAIT)
    assert listed_ids(page) == [opened[2].client_id]
    page.fill("#client-filters input[name=subscription]", "")
    page.fill("#client-filters input[name=user]", "nobody-at-all")
    page.click("#client-filters button[type=submit]")
    expect(pager).to_contain_text("of 0 matching", timeout=WAIT)
    expect(page.locator("#clients-table tbody")).to_contain_text("No client matches")

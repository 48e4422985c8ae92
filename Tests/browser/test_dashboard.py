"""The admin dashboard at /admin, in headless Chromium against the release server with an
admin token: sign-in and the token in sessionStorage, charts that follow the real
connection count and where a price's time goes, broadcast and manual push reaching
real Python WebSocket clients, the instances table, and no request to any other host.
The client list has its own file (test_dashboard_clients.py); the fixtures are in
dashboard_support.py."""
import time

from playwright.sync_api import expect

from conftest import screenshot
from dashboard_support import (  # noqa: F401 (admin and clients are fixtures)
    TOKEN, WAIT, admin, client_rows, clients, drop_401_logs, listed_ids, open_dashboard, stored_token, with_csp)
from e2e_support import http_json

def test_asks_for_the_token_keeps_it_across_reload_and_refuses_a_wrong_one(admin, page):
    open_dashboard(page, admin, token="not-the-token")
    message = page.locator("#sign-in-message")
    expect(message).to_be_visible(timeout=WAIT)
    expect(message).to_contain_text("refused")
    expect(message).to_contain_text("ADMIN_TOKEN")
    assert stored_token(page) is None
    expect(page.locator("#dashboard")).to_be_hidden()
    screenshot(page, "admin-sign-in-refused")

    page.fill("#token-input", TOKEN)
    page.click("#sign-in-form button[type=submit]")
    expect(page.locator("#dashboard")).to_be_visible(timeout=WAIT)
    assert stored_token(page) == TOKEN

    page.reload()
    expect(page.locator("#dashboard")).to_be_visible(timeout=WAIT)
    expect(page.locator("#sign-in")).to_be_hidden()
    expect(page.locator("#server-summary")).to_contain_text("Instance", timeout=WAIT)

    page.click("#sign-out")
    expect(page.locator("#sign-in")).to_be_visible()
    assert stored_token(page) is None

    # A stored token that the server no longer accepts: a clear message, asked again.
    page.evaluate("sessionStorage.setItem('stockpush.adminToken', 'revoked-token')")
    page.reload()
    expect(page.locator("#sign-in-message")).to_contain_text("refused the stored admin token", timeout=WAIT)
    expect(page.locator("#sign-in")).to_be_visible()
    assert stored_token(page) is None
    drop_401_logs(page)


def test_a_server_without_admin_token_takes_an_empty_one(server, page):
    with_csp(page)
    page.goto(server.http + "/admin?poll=1000")
    page.click("#sign-in-form button[type=submit]")
    expect(page.locator("#dashboard")).to_be_visible(timeout=WAIT)
    assert stored_token(page) == ""
    expect(page.locator("#instances-table tbody tr[data-instance]")).to_have_count(1, timeout=WAIT)


def test_the_connection_chart_follows_the_real_count(admin, page, clients):
    open_dashboard(page, admin)
    line = page.locator("#chart-connections path[data-series=connections]")
    expect(line).to_have_attribute("data-last", "0", timeout=WAIT)
    opened = clients(3)
    expect(line).to_have_attribute("data-last", "3", timeout=WAIT)
    # The dot of the newest sample holds the value, and the text summary says it too.
    assert page.locator("#chart-connections circle").last.get_attribute("data-value") == "3"
    expect(page.locator("#chart-connections .summary")).to_contain_text("now 3")
    assert "now 3" in page.locator("#chart-connections svg").get_attribute("aria-label")
    assert page.locator("#chart-connections .axis-label", has_text="now").count() == 1

    # Subscribed clients get messages and the ticks' publish latency is measured.
    for client in opened:
        clients.run(client.subscribe("strategy", "volume_wave"))
    expect(page.locator("#chart-messages path[data-series=mps]")).not_to_have_attribute(
        "data-last", "0", timeout=WAIT)
    p99 = page.locator("#chart-latency path[data-series=p99]")
    expect(p99).not_to_have_attribute("data-last", "", timeout=WAIT)
    assert 0 < float(p99.get_attribute("data-last")) < 5
    # Where the time went: each leg of the quotes' way has its p99 line (the leader's
    # source → Redis stamp, the publish, the write to the socket), and none is absurd.
    for leg in ("leg_source", "leg_ingest", "leg_write"):
        path = page.locator(f"#chart-legs path[data-series={leg}]")
        expect(path).not_to_have_attribute("data-last", "", timeout=WAIT)
        assert 0 <= float(path.get_attribute("data-last")) < 5, leg
    assert page.locator("#chart-legs .legend li").all_text_contents() == [
        "source → Redis", "Redis → publish", "publish → socket"]

    for client in opened:
        clients.run(client.close())
    expect(line).to_have_attribute("data-last", "0", timeout=WAIT)
    assert int(page.locator("#chart-connections svg").get_attribute("data-samples")) >= 3


def test_broadcast_reaches_a_python_client_and_shows_the_count(admin, page, clients):
    (client,) = clients(1)
    open_dashboard(page, admin)
    page.fill("#broadcast-message", "maintenance at 18:00")
    page.click("#broadcast-form button[type=submit]")
    result = page.locator("#broadcast-result")
    expect(result).to_contain_text("Broadcast sent to 1 client.", timeout=WAIT)
    expect(result).to_have_attribute("data-total", "1")
    stats = http_json(admin.http, "GET", "/api/websocket/stats", headers=admin.admin_headers())[1]
    expect(result.locator(f"li[data-instance='{stats['instance']}']")).to_contain_text(": 1")
    message = clients.run(client.recv_type("broadcast", timeout=5))
    assert message["data"]["message"] == "maintenance at 18:00"


def test_manual_push_reaches_a_subscriber_and_errors_are_shown(admin, page, clients):
    subscriber, other = clients(2)
    clients.run(subscriber.subscribe("stock", "600519"))
    open_dashboard(page, admin)
    page.fill("#push-form input[name=stock]", "600519")
    page.click("#push-form button[type=submit]")
    result = page.locator("#push-result")
    expect(result).to_contain_text("Pushed 1 quote (stock 600519) to 1 client.", timeout=WAIT)
    expect(result).to_have_attribute("data-total", "1")
    pushed = clients.run(subscriber.recv_until(
        lambda m: m["type"] == "price_update" and m["snapshot"], timeout=5))
    assert [quote["code"] for quote in pushed["data"]] == ["600519"]

    page.fill("#push-form input[name=stock]", "NOPE")
    page.click("#push-form button[type=submit]")
    expect(result).to_contain_text("404 unknown_target", timeout=WAIT)
    expect(result).to_have_class("result error")
    page.errors[:] = [e for e in page.errors if "status of 404" not in e]


def test_the_push_form_suggests_the_catalog(admin, page):
    open_dashboard(page, admin)
    page.focus("#push-form input[name=strategy]")
    expect(page.locator("#catalog-strategies option[value=volume_wave]")).to_have_count(1, timeout=WAIT)
    expect(page.locator("#catalog-stocks option[value='600519']")).to_have_count(1)
    expect(page.locator("#catalog-markets option[value=SH]")).to_have_count(1)


def test_the_instances_table_shows_the_instance(admin, page):
    stats = http_json(admin.http, "GET", "/api/websocket/stats", headers=admin.admin_headers())[1]
    (me,) = stats["instances"]
    open_dashboard(page, admin)
    row = page.locator(f"#instances-table tr[data-instance='{me['id']}']")
    expect(row).to_be_visible(timeout=WAIT)
    expect(row).to_contain_text(me["address"])
    expect(row).to_contain_text("leader")
    expect(row).to_contain_text("answered")
    expect(page.locator("#instances-note")).to_contain_text("1 live instance")


def test_no_request_leaves_the_server_and_a_screenshot(admin, page, clients):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    opened = clients(2)
    for client in opened:
        clients.run(client.subscribe("strategy", "volume_wave"))
    open_dashboard(page, admin)
    expect(client_rows(page)).to_have_count(2, timeout=WAIT)
    expect(page.locator("#chart-latency path[data-series=p50]")).not_to_have_attribute("data-last", "", timeout=WAIT)
    page.fill("#broadcast-message", "hello")
    page.click("#broadcast-form button[type=submit]")
    expect(page.locator("#broadcast-result")).to_contain_text("Broadcast sent to 2 clients.", timeout=WAIT)
    screenshot(page, "admin-dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "admin-dashboard-phone")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "admin-dashboard-phone-dark")
    assert requests and all(url.startswith(admin.http + "/") for url in requests), requests


def wait_for_stats(server, predicate, what, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        status, stats = http_json(server.http, "GET", "/api/websocket/stats", headers=server.admin_headers())
        if status == 200 and predicate(stats):
            return stats
        assert time.monotonic() < deadline, f"not {what} within {timeout} s: {stats}"
        time.sleep(0.1)


def test_a_cluster_shows_every_instance_and_the_one_that_stops_answering(server_factory, page, clients):
    # A long TTL keeps a killed instance listed (as not answering) for the whole test.
    args = ("--cluster-ttl-ms", "60000", "--cluster-timeout-ms", "800")
    a = server_factory("--instance-id", "dash-a", *args, admin_token=TOKEN)
    b = server_factory("--instance-id", "dash-b", *args, admin_token=TOKEN, prefix=a.prefix, database=a.database)
    wait_for_stats(a, lambda stats: sorted(stats["covered"]) == ["dash-a", "dash-b"], "both answering")
    (on_a,) = clients(1, server=a)
    (on_b,) = clients(1, server=b)

    open_dashboard(page, a)
    for instance in ("dash-a", "dash-b"):
        row = page.locator(f"#instances-table tr[data-instance='{instance}']")
        expect(row).to_contain_text("answered", timeout=WAIT)
    expect(page.locator("#instances-note")).to_contain_text("2 live instances")
    expect(page.locator("#instances-table")).to_contain_text("leader")
    for client, instance in ((on_a, "dash-a"), (on_b, "dash-b")):
        expect(page.locator(f"#clients-table tbody tr[data-client='{client.client_id}']")).to_contain_text(
            instance, timeout=WAIT)

    page.click("#broadcast-form button[type=submit]")
    result = page.locator("#broadcast-result")
    expect(result).to_contain_text("Broadcast sent to 2 clients.", timeout=WAIT)
    expect(result.locator("li[data-instance='dash-a']")).to_contain_text(": 1")
    expect(result.locator("li[data-instance='dash-b']")).to_contain_text(": 1")
    for client in (on_a, on_b):
        assert clients.run(client.recv_type("broadcast", timeout=5))["data"]["message"] == "broadcast test"

    page.fill("#client-filters input[name=instance]", "dash-b")
    page.click("#client-filters button[type=submit]")
    expect(page.locator("#clients-page")).to_contain_text("of 1 matching", timeout=WAIT)
    assert listed_ids(page) == [on_b.client_id]
    page.fill("#client-filters input[name=instance]", "")
    page.click("#client-filters button[type=submit]")

    b.kill()
    silent = page.locator("#instances-table tr[data-instance='dash-b']")
    expect(silent).to_contain_text("did not answer", timeout=WAIT)
    expect(silent).to_have_class("missing")
    expect(page.locator("#instances-note")).to_contain_text("Did not answer in time: dash-b")
    expect(page.locator("#clients-message")).to_contain_text("Not listed (did not answer in time): dash-b")
    # Totals without dash-b: the chart marks those samples.
    expect(page.locator("#chart-connections .summary")).to_contain_text("leave out instances that did not answer")
    screenshot(page, "admin-dashboard-cluster")


def test_latency_quantiles_are_read_from_the_histogram_buckets(admin, page):
    """metrics.js, in the page: p50/p99 of the observations between two scrapes,
    interpolated inside buckets as Prometheus' histogram_quantile does."""
    with_csp(page)
    page.goto(admin.http + "/admin")
    before = "\n".join([
        '# TYPE stockpush_publish_latency_seconds histogram',
        'stockpush_publish_latency_seconds_bucket{le="0.001"} 10',
        'stockpush_publish_latency_seconds_bucket{le="0.005"} 10',
        'stockpush_publish_latency_seconds_bucket{le="0.01"} 10',
        'stockpush_publish_latency_seconds_bucket{le="+Inf"} 10',
        'stockpush_publish_latency_seconds_sum 0.005',
        'stockpush_publish_latency_seconds_count 10',
        'stockpush_connections 4',
        'stockpush_instance_info{instance="node-\\"1\\""} 1',
    ])
    # 100 more: 50 under 1 ms, 40 in (1, 5] ms, 9 in (5, 10] ms, 1 above.
    after = (before.replace('le="0.001"} 10', 'le="0.001"} 60').replace('le="0.005"} 10', 'le="0.005"} 100')
             .replace('le="0.01"} 10', 'le="0.01"} 109').replace('le="+Inf"} 10', 'le="+Inf"} 110')
             .replace("_sum 0.005", "_sum 0.305").replace("_count 10", "_count 110"))
    result = page.evaluate("""async ([before, after]) => {
        const m = await import("/admin/js/metrics.js");
        const a = m.readScrape(before), b = m.readScrape(after);
        const other = m.readScrape(after.replace('instance="node-\\\\"1\\\\""', 'instance="node-2"'));
        return {latency: m.latencyBetween(a, b), none: m.latencyBetween(b, b), back: m.latencyBetween(b, a),
                connections: b.connections, instance: b.instance, across: m.latencyBetween(a, other)};
    }""", [before, after])
    latency = result["latency"]
    assert latency["count"] == 100 and result["connections"] == 4
    assert abs(latency["p50"] - 0.001) < 1e-9  # rank 50 is the top of the first bucket
    assert abs(latency["p99"] - 0.01) < 1e-9  # rank 99 is the top of (5, 10] ms
    assert abs(latency["mean"] - 0.003) < 1e-9
    assert result["none"] is None and result["back"] is None  # no new tick; counters that went back
    # Behind a balancer: scrapes of two instances are never subtracted.
    assert result["instance"] == 'node-"1"' and result["across"] is None

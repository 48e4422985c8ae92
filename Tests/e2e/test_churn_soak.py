"""Churn soak (issue 11): waves of JWT clients connect, subscribe, hold and leave for
CHURN_SECONDS (default 60; the 30-minute run in docs/benchmarks.md is CHURN_SECONDS=1800),
driven by `stockpush bench --churn`. Afterwards the server must be back where it started:
the same open file descriptors, RSS within a stated bound, no Redis key left behind under
its prefix, and every connection and subscription gauge at zero. A leak of any of them
per connection fails here; the waves themselves must all have succeeded.

CHURN_REPORT=path writes the figures as JSON (what the docs quote)."""
import json
import os
import subprocess
import time

from e2e_support import http_json, http_request, parse_metrics

ADMIN = "churn-admin"
SECRET = "churn-secret"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
SECONDS = float(os.environ.get("CHURN_SECONDS", "60"))
WAVE_SIZE, INTERVAL, HOLD = 50, 1.0, 2.0
# 100 users: a user's clients are index % 100, so waves w and w+2 share users and one
# holds at most 2 connections even at the instant one wave leaves and the next arrives
# (the per-user limit is 3).
USERS = 100
TEMPLATE = '{"type":"subscribe","subscription_type":"strategy","target":"volume_wave"}'
# RSS may grow by what the allocator keeps for a peak of connections, never by a
# per-connection amount: 32 MiB is ~30,000 connections' worth at docs/benchmarks.md's
# ~1 KB each, and the 60-second run alone makes 3,000 (the 30-minute one 90,000).
RSS_BOUND_KB = 32 * 1024
SETTLE_SECONDS = 20


def open_fds(pid):
    return sorted(os.listdir(f"/proc/{pid}/fd"), key=int)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def redis_keys(prefix):
    url = os.environ["REDIS_URL"]
    output = subprocess.run(["redis-cli", "-u", url, "--scan", "--pattern", f"{prefix}*"],
                            capture_output=True, text=True, check=True).stdout
    return set(output.split())


def gauges(server):
    _, _, body = http_request(server.http, "GET", "/metrics")
    metrics = parse_metrics(body)
    status, stats = http_json(server.http, "GET", "/api/websocket/stats", headers=AUTH)
    assert status == 200, stats
    return {
        "connections": metrics["stockpush_connections"],
        "websocket_connections": metrics["stockpush_websocket_connections"],
        # The /metrics request itself is one.
        "tcp_connections": metrics["stockpush_tcp_connections"] - 1,
        "active_connections": stats["active_connections"],
        "subscriptions": sum(stats["subscriptions"].values()),
        "users": len(stats["users"]),
    }


def snapshot(server):
    return {"fds": open_fds(server.process.pid), "rss_kb": rss_kb(server.process.pid),
            "keys": redis_keys(server.prefix), "gauges": gauges(server)}


def churn(environment, server, seconds):
    command = [environment["bin"], "bench", "--churn", "--json", "--url", server.ws, "--threads", "1",
               "--wave-size", str(WAVE_SIZE), "--wave-interval", str(INTERVAL), "--hold", str(HOLD),
               "--duration", str(seconds), "--users", str(USERS), "--jwt-secret", SECRET,
               "--subscribe", TEMPLATE, "--topics", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + HOLD + 120)
    assert done.returncode == 0, f"bench failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


def settled(server, baseline, deadline):
    """Waits until fds, keys and gauges are back at the baseline; returns the last snapshot."""
    while True:
        now = snapshot(server)
        back = (now["fds"] == baseline["fds"] and now["keys"] <= baseline["keys"]
                and not any(now["gauges"].values()))
        if back or time.monotonic() > deadline:
            return now
        time.sleep(0.5)


def test_churn_leaves_nothing_behind(environment, server_factory):
    # Sessions outlive their connections by design (resume, protocol.md): a short TTL
    # lets the settle wait see their keys expire rather than stay.
    server = server_factory("--jwt-secret", SECRET, "--session-resume-ttl", "3", admin_token=ADMIN)
    # A short first run opens what the server opens once (per-loop buffers, lazily made
    # connections): the baseline is the server after its first clients, not before.
    warm = churn(environment, server, 2)
    assert warm["succeeded"], warm
    baseline = settled(server, snapshot(server), time.monotonic() + SETTLE_SECONDS)
    assert not any(baseline["gauges"].values()), baseline["gauges"]

    report = churn(environment, server, SECONDS)
    waves = report["waves"]
    connects = report["connects"]
    assert report["succeeded"], report
    assert waves >= SECONDS / INTERVAL - 1 and connects["ok"] == waves * WAVE_SIZE, report
    assert connects["refused"] == 0 and connects["failed"] == 0 and connects["closed_by_server"] == 0, report
    assert report["subscribed"] == connects["ok"] and report["price_updates"] > 0, report
    assert server.process.poll() is None, server.log()[-3000:]

    after = settled(server, baseline, time.monotonic() + SETTLE_SECONDS)
    figures = {
        "seconds": SECONDS, "waves": waves, "connects": connects, "subscribed": report["subscribed"],
        "messages": report["messages"], "handshake_ms": report["handshake_ms"],
        "fds": [len(baseline["fds"]), len(after["fds"])], "rss_kb": [baseline["rss_kb"], after["rss_kb"]],
        "keys": [len(baseline["keys"]), len(after["keys"])], "gauges_after": after["gauges"],
    }
    print("churn soak:", json.dumps(figures))
    if os.environ.get("CHURN_REPORT"):
        with open(os.environ["CHURN_REPORT"], "w") as out:
            json.dump(figures, out, indent=2)
    assert after["gauges"] == {name: 0 for name in after["gauges"]}, after["gauges"]
    assert after["fds"] == baseline["fds"], (
        f"open fds {len(baseline['fds'])} -> {len(after['fds'])}: "
        f"{sorted(set(after['fds']) - set(baseline['fds']), key=int)[:20]} not closed")
    assert after["keys"] <= baseline["keys"], f"Redis keys left: {sorted(after['keys'] - baseline['keys'])[:20]}"
    assert after["rss_kb"] - baseline["rss_kb"] < RSS_BOUND_KB, figures


def test_the_churn_report_counts_refusals(environment, server_factory):
    """What the soak relies on: bench --churn says when connects were refused (and why)
    rather than reporting success."""
    server = server_factory("--jwt-secret", SECRET, "--max-connections-per-user", "3")
    common = [environment["bin"], "bench", "--churn", "--json", "--url", server.ws, "--threads", "1",
              "--wave-size", "5", "--hold", "1", "--duration", "1", "--subscribe", TEMPLATE, "--topics", "1"]
    done = subprocess.run(common + ["--users", "1", "--jwt-secret", SECRET], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # One user, five connections at once, three allowed.
    assert report["connects"] == {"attempted": 5, "ok": 3, "refused": 2, "failed": 0, "closed_by_server": 0,
                                  "disconnected": 3}, report
    assert report["failures"] == {"HTTP 429": 2} and not report["succeeded"] and report["subscribed"] == 3, report
    done = subprocess.run(common + ["--users", "5", "--jwt-secret", "not-the-secret"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1, "a run where nothing connected must fail"
    report = json.loads(done.stdout)
    assert report["connects"]["refused"] == 5 and report["failures"] == {"HTTP 401": 5}, report

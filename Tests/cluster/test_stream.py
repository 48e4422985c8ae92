"""Through nginx, 300 clients spread over the 3 instances all receive every tick, and
wscat (what people test with) gets prices."""
import asyncio
import json
import os
import subprocess
import time

from cluster_support import Fleet, token
from conftest import INTERVAL
from e2e_support import run_async


@run_async
async def test_300_clients_over_3_instances_all_receive_every_tick(cluster):
    fleet = Fleet(cluster.ws, 300)
    try:
        await fleet.start()
        held = [await asyncio.to_thread(instance.client_addresses) for instance in cluster.instances]
        assert sum(len(addresses) for addresses in held) == 300, [len(a) for a in held]
        assert all(len(addresses) >= 50 for addresses in held), f"nginx did not spread the clients: {[len(a) for a in held]}"
        start = time.monotonic()
        await asyncio.sleep(6 * INTERVAL)
        end = time.monotonic()
        # Ticks first seen by anyone well inside the window must have reached everyone.
        first_seen = {}
        for client in fleet.clients:
            for key, arrived in client.ticks.items():
                first_seen[key] = min(arrived, first_seen.get(key, arrived))
        window = {key for key, seen in first_seen.items() if start + INTERVAL <= seen <= end - INTERVAL}
        assert len(window) >= 3, f"only {len(window)} ticks in {end - start:.1f} s"
        missing = {c.address: sorted(window - set(c.ticks)) for c in fleet.clients if not window <= set(c.ticks)}
        assert not missing, f"{len(missing)} clients missed ticks: {list(missing.items())[:5]}"
        assert not fleet.errors(), fleet.errors()[:5]
        assert all(c.connections == 1 for c in fleet.clients), "a client had to reconnect"
    finally:
        await fleet.stop()


def test_wscat_through_nginx_gets_prices(cluster, tmp_path):
    subscribe = json.dumps({"type": "subscribe", "subscription_type": "market", "targets": ["SH", "SZ", "HK", "US"]})
    env = dict(os.environ, NODE_PATH="/usr/share/nodejs")
    wait = 3 * INTERVAL + 1
    out = tmp_path / "wscat.out"
    # wscat quits at the end of its standard input, so that stays open until it is done.
    with open(out, "w") as stdout:
        process = subprocess.Popen(
            ["wscat", "-c", f"{cluster.ws}?token={token('wscat-user')}", "-x", subscribe, "-w", str(wait)],
            stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.STDOUT, env=env,
        )
        try:
            process.wait(timeout=wait + 20)
        finally:
            process.kill()
            process.stdin.close()
    lines = out.read_text().splitlines()
    messages = [json.loads(line) for line in lines if line.startswith("{")]
    kinds = [m.get("type") for m in messages]
    assert kinds[:2] == ["connected", "subscribed"], lines[:5]
    updates = [m for m in messages if m.get("type") == "price_update"]
    assert updates and updates[0]["snapshot"] and updates[0]["count"] > 0, kinds
    assert all("price" in quote for quote in updates[0]["data"]), updates[0]
    assert any(not m["snapshot"] for m in updates), f"no tick in {wait} s: {kinds}"

"""Through nginx, 300 clients spread over the 3 instances all receive every tick."""
import asyncio
import time

from cluster_support import Fleet
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

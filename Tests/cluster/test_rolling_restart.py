"""Rolling restart of all three instances, one at a time, under 300 reconnecting clients:
SIGTERM (drain: /readyz 503, nginx skips it), wait for the exit, start it again."""
import asyncio
import time

from cluster_support import Fleet, StreamClient
from e2e_support import run_async


async def wait_draining(instance, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        status, body = await asyncio.to_thread(instance.readyz)
        if status == 503 and body.get("status") == "draining":
            return
        assert time.monotonic() < deadline, f"{instance.id} not draining: {status} {body}"
        await asyncio.sleep(0.05)


@run_async
async def test_rolling_restart_every_client_back_on_the_stream_and_no_new_client_to_a_draining_instance(cluster):
    fleet = Fleet(cluster.ws, 300, first_index=1000)
    probes = []
    try:
        await fleet.start()
        for round_, instance in enumerate(cluster.instances):
            instance.terminate()
            await wait_draining(instance)
            # New clients while it drains (2 s here) go elsewhere.
            batch = [StreamClient(cluster.ws, 1400 + 10 * round_ + i) for i in range(10)]
            for probe in batch:
                probe.start()
            probes += batch
            deadline = time.monotonic() + 1.5
            while not all(p.open for p in batch) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert all(p.open for p in batch), [(p.open, p.connections, p.last_failure) for p in batch]
            held = await asyncio.to_thread(instance.client_addresses)
            assert not held & {p.address for p in batch}, f"{instance.id} took new clients while draining"
            await asyncio.to_thread(instance.wait_exit, 15)
            await asyncio.to_thread(instance.start)
        restarted_at = time.monotonic()
        everyone = fleet.clients + probes
        fleet.clients = everyone
        await fleet.wait(lambda c: c.receiving_since(restarted_at), 20, "back on the stream")
        # No subscription lost: each connection holds its four markets again.
        counts = {}
        for instance in cluster.instances:
            _, stats = await asyncio.to_thread(instance.get, "/api/websocket/stats")
            if "instances" in stats:  # the cluster-wide answer: once is enough
                counts = stats["subscriptions"]
                break
            for key, count in stats["subscriptions"].items():
                counts[key] = counts.get(key, 0) + count
        assert counts == {f"market:{m}": len(everyone) for m in ("HK", "SH", "SZ", "US")}, counts
        assert not fleet.errors(), fleet.errors()[:5]
        assert all(c.connections >= 1 for c in everyone)
        assert sum(c.connections for c in everyone) >= 300 + len(probes), "some clients never had to move?"
    finally:
        await fleet.stop()

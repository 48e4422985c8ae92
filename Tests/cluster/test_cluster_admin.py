"""The cluster acts as one service for admins and limits (docs/protocol.md part 10): unique
client ids naming their instance, stats covering every instance, paged clients, and
broadcast, push, DELETE and the per-user limit across instances, all through nginx."""
import asyncio
import re
import time

from cluster_support import Fleet, token
from e2e_support import Client, http_json, refused, run_async

CLIENT_ID = re.compile(r"^c_(node-\d+)_[0-9a-f]+$")


async def api(cluster, method, path, base=None, body=None):
    return await asyncio.to_thread(http_json, base or cluster.http, method, path, body)


async def received(fleet, label, at_least, timeout=10):
    await fleet.wait(lambda c: c.received.get(label, 0) >= at_least, timeout, f"given a {label}")


@run_async
async def test_ids_name_their_instance_and_stats_total_the_instances(cluster):
    fleet = Fleet(cluster.ws, 90, first_index=3000)
    try:
        await fleet.start()
        ids = [c.client_ids[-1] for c in fleet.clients]
        assert len(set(ids)) == len(ids), "a client id is used twice in the cluster"
        assert all(CLIENT_ID.match(i) for i in ids), ids[:5]
        await asyncio.sleep(2)  # one heartbeat publishes the figures
        for base in [cluster.http] + [i.http for i in cluster.instances]:
            status, stats = await api(cluster, "GET", "/api/websocket/stats", base)
            assert status == 200, stats
            assert sorted(e["id"] for e in stats["instances"]) == ["node-1", "node-2", "node-3"], stats
            assert sorted(stats["covered"]) == ["node-1", "node-2", "node-3"] and stats["missing"] == [], stats
            assert stats["active_connections"] == sum(e["connections"] for e in stats["instances"]) == 90, stats
            assert sum(1 for e in stats["instances"] if e["leader"]) == 1, stats
        status, page = await api(cluster, "GET", "/api/websocket/clients?limit=40")
        seen = [entry["client_id"] for entry in page["clients"]]
        while page.get("next_cursor"):
            status, page = await api(cluster, "GET", f"/api/websocket/clients?limit=40&cursor={page['next_cursor']}")
            seen += [entry["client_id"] for entry in page["clients"]]
        assert sorted(seen) == sorted(ids), "paging lists each client exactly once"
        status, node2 = await api(cluster, "GET", "/api/websocket/clients?instance=node-2&limit=1000")
        assert all(CLIENT_ID.match(e["client_id"]).group(1) == "node-2" for e in node2["clients"]), node2
        status, ws = await api(cluster, "GET", "/api/ws/stats")
        assert status == 200 and ws["total_connections"] == 90 and ws["total_users"] == 90, ws
    finally:
        await fleet.stop()


@run_async
async def test_broadcast_and_push_sent_to_one_instance_reach_every_subscriber(cluster):
    fleet = Fleet(cluster.ws, 90, first_index=3100)
    try:
        await fleet.start()
        status, body = await api(cluster, "POST", "/api/websocket/broadcast/test", cluster.instances[0].http,
                                 {"message": "cluster-wide"})
        assert status == 200, body
        await received(fleet, "broadcast", 1)
        snapshots = {c.address: c.received.get("snapshot", 0) for c in fleet.clients}
        status, body = await api(cluster, "POST", "/api/websocket/push/prices?market=SH", cluster.instances[1].http)
        assert status == 200, body
        await fleet.wait(lambda c: c.received.get("snapshot", 0) > snapshots[c.address], 10, "given the push")
    finally:
        await fleet.stop()


@run_async
async def test_delete_of_a_client_held_by_another_instance_closes_it(cluster):
    fleet = Fleet(cluster.ws, 30, first_index=3200)
    try:
        await fleet.start()
        target = next(c for c in fleet.clients if CLIENT_ID.match(c.client_ids[-1]).group(1) == "node-2")
        status, body = await api(cluster, "DELETE", f"/api/websocket/clients/{target.client_ids[-1]}",
                                 cluster.instances[0].http)
        assert status == 200, body
        deadline = time.monotonic() + 5
        while not any(code == 1008 for code, _ in target.closes):
            assert time.monotonic() < deadline, f"not closed with 1008: {target.closes}"
            await asyncio.sleep(0.05)
    finally:
        await fleet.stop()


@run_async
async def test_a_fourth_connection_of_one_user_is_refused_wherever_it_lands(cluster):
    jwt = token("quad")
    held = [await Client.open(f"{i.http.replace('http', 'ws')}/ws/stock/prices?token={jwt}") for i in cluster.instances]
    try:
        await asyncio.sleep(1.5)  # the leases are published each heartbeat
        for url in [cluster.ws] + [f"{i.http.replace('http', 'ws')}/ws/stock/prices" for i in cluster.instances]:
            status, body = await refused(f"{url}?token={jwt}")
            assert status == 429 and body["error"] == "too_many_connections", (url, body)
    finally:
        for client in held:
            await client.close()

"""The admin API of a cluster: three instances sharing one Redis prefix and one
database answer for all of them, whichever one is asked."""
import asyncio
import os
import subprocess
import time

import pytest

from e2e_support import CLIENT_ID, VOLUME_WAVE, Client, http_json, http_request, parse_metrics, run_async

IDS = ("node-a", "node-b", "node-c")
FIGURES = ("id", "address", "started", "connections", "subscriptions", "messages_per_second", "leader", "last_tick")


@pytest.fixture(scope="module")
def cluster(server_factory):
    first = server_factory("--instance-id", IDS[0])
    rest = [server_factory("--instance-id", id, prefix=first.prefix, database=first.database) for id in IDS[1:]]
    nodes = dict(zip(IDS, [first, *rest]))
    for node in nodes.values():
        wait_for(node, lambda stats: sorted(stats["covered"]) == list(IDS), "every instance answering")
    return nodes


def get(server, path):
    status, body = http_json(server.http, "GET", path)
    assert status == 200, (path, status, body)
    return body


def wait_for(server, predicate, what, timeout=10.0, path="/api/websocket/stats"):
    deadline = time.monotonic() + timeout
    while True:
        body = get(server, path)
        if predicate(body):
            return body
        assert time.monotonic() < deadline, f"not {what} within {timeout} s: {body}"
        time.sleep(0.1)


async def open_on(server, count):
    return [await Client.open(server.ws) for _ in range(count)]


async def close_all(clients):
    for client in clients:
        await client.close()


@run_async
async def test_stats_sum_every_instance_and_list_them(cluster):
    a, b, c = cluster.values()
    clients = await open_on(a, 2) + await open_on(b, 1)
    try:
        await clients[0].subscribe("strategy", "volume_wave")
        await clients[2].subscribe("strategy", "volume_wave")
        for asked in (a, b, c):
            stats = await asyncio.to_thread(
                wait_for, asked, lambda s: s["active_connections"] == 3 and not s["missing"], "3 connections")
            assert sorted(stats["covered"]) == list(IDS) and stats["cluster_available"] is True, stats
            instances = {entry["id"]: entry for entry in stats["instances"]}
            assert sorted(instances) == list(IDS), stats
            for entry in instances.values():
                assert set(FIGURES) <= set(entry), entry
            assert sum(entry["connections"] for entry in instances.values()) == stats["active_connections"]
            assert [instances[id]["connections"] for id in IDS] == [2, 1, 0], instances
            assert stats["subscriptions"]["strategy:volume_wave"] == 2, stats
            assert sum(1 for entry in instances.values() if entry["leader"]) == 1, instances
            assert instances["node-a"]["address"].endswith(f":{a.port}"), instances
            assert stats["users"] == {"anonymous": 3}, stats
        users = get(c, "/api/ws/stats")
        assert users["total_users"] == 1 and users["total_connections"] == 3, users
        assert users["users"][0]["user_id"] == "anonymous" and users["users"][0]["connections"] == 3, users
        assert users["users"][0]["instances"] == {"node-a": 2, "node-b": 1}, users
    finally:
        await close_all(clients)


@run_async
async def test_client_ids_name_their_instance_and_pages_list_each_once(cluster):
    a, b, c = cluster.values()
    held = {"node-a": await open_on(a, 3), "node-b": await open_on(b, 2), "node-c": await open_on(c, 2)}
    try:
        for id, clients in held.items():
            for client in clients:
                assert CLIENT_ID.match(client.client_id) and client.client_id.startswith(f"c_{id}_"), client.client_id
        expected = {client.client_id for clients in held.values() for client in clients}
        await asyncio.to_thread(wait_for, b, lambda s: s["active_connections"] == 7, "7 connections")
        seen, cursor, pages = [], None, 0
        while True:
            path = "/api/websocket/clients?limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = get(b, path)
            assert page["count"] == len(page["clients"]) <= 2 and page["total"] == 7, page
            seen += [client["client_id"] for client in page["clients"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert pages < 10, seen
        assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)), seen
        whole = get(a, "/api/websocket/clients")
        assert whole["count"] == 7 and whole["next_cursor"] is None, whole
        assert {client["client_id"] for client in whole["clients"]} == expected
    finally:
        for clients in held.values():
            await close_all(clients)


@run_async
async def test_filters_by_instance_user_and_subscription(cluster):
    a, b, c = cluster.values()
    on_a, on_c = await open_on(a, 2), await open_on(c, 1)
    try:
        await on_a[0].subscribe("stock", "AAPL")
        await on_c[0].subscribe("strategy", "volume_wave")
        await asyncio.to_thread(wait_for, b, lambda s: s["active_connections"] == 3, "3 connections")

        def ids(query):
            return {client["client_id"] for client in get(b, "/api/websocket/clients?" + query)["clients"]}

        assert ids("instance=node-a") == {client.client_id for client in on_a}
        assert ids("instance=node-c") == {on_c[0].client_id}
        assert ids("subscription=stock:AAPL") == {on_a[0].client_id}
        assert ids("subscription=AAPL") == {on_a[0].client_id}
        assert ids("subscription=strategy:volume_wave") == {on_c[0].client_id}
        assert len(ids("user=anonymous")) == 3 and ids("user=nobody") == set()
        for bad in ("limit=0", "limit=1001", "limit=x", "cursor=nope", "colour=red"):
            status, body = http_json(b.http, "GET", "/api/websocket/clients?" + bad)
            assert status == 400 and body["error"] == "invalid_parameter", (bad, status, body)
    finally:
        await close_all(on_a + on_c)


@run_async
async def test_broadcast_and_push_sent_to_one_instance_reach_every_subscriber(cluster):
    a, b, c = cluster.values()
    listeners = {"node-a": await open_on(a, 1), "node-b": await open_on(b, 2), "node-c": await open_on(c, 1)}
    everyone = [client for clients in listeners.values() for client in clients]
    try:
        for client in everyone:
            await client.subscribe("strategy", "volume_wave")
        await asyncio.to_thread(wait_for, a, lambda s: s["active_connections"] == 4, "4 connections")
        status, body = await asyncio.to_thread(
            http_json, a.http, "POST", "/api/websocket/broadcast/test", body={"message": "cluster hello"})
        assert status == 200 and body["sent"] == 4, body
        assert body["per_instance"] == {"node-a": 1, "node-b": 2, "node-c": 1} and body["missing"] == [], body
        for client in everyone:
            message = await client.recv_type("broadcast")
            assert message["data"] == {"message": "cluster hello"}, message

        status, body = await asyncio.to_thread(
            http_json, b.http, "POST", "/api/websocket/push/prices?strategy=volume_wave")
        assert status == 200 and body["clients"] == 4 and body["quotes"] == len(VOLUME_WAVE), body
        assert body["per_instance"] == {"node-a": 1, "node-b": 2, "node-c": 1}, body
        for client in listeners["node-a"] + listeners["node-c"]:
            update = await client.recv_until(lambda m: m["type"] == "price_update" and len(m["data"]) == len(VOLUME_WAVE))
            assert {quote["code"] for quote in update["data"]} == set(VOLUME_WAVE)
    finally:
        await close_all(everyone)


@run_async
async def test_delete_on_one_instance_closes_a_client_held_by_another(cluster):
    a, b, _ = cluster.values()
    victim, bystander = await Client.open(b.ws), await Client.open(b.ws)
    try:
        status, body = await asyncio.to_thread(http_json, a.http, "DELETE", f"/api/websocket/clients/{victim.client_id}")
        assert status == 200 and body["disconnected"] is True and body["covered"] == ["node-b"], body
        assert await victim.expect_close() == 1008
        await bystander.ping()
        status, body = await asyncio.to_thread(http_json, a.http, "DELETE", f"/api/websocket/clients/{victim.client_id}")
        assert status == 404, body
        for unknown in ("c_node-z_1", "nonsense"):
            status, body = await asyncio.to_thread(http_json, a.http, "DELETE", f"/api/websocket/clients/{unknown}")
            assert status == 404, (unknown, body)
    finally:
        await close_all([victim, bystander])
    def rows():
        return a.database.sql("SELECT count(*) FROM admin_audit WHERE action = 'disconnect'").strip()

    deadline = time.monotonic() + 5
    while rows() == "0" and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # time for any second row to land
    assert rows() == "1"  # one row for the action, not one per instance


def test_a_control_message_that_does_not_parse_is_dropped(cluster):
    a, b, c = cluster.values()
    for junk in ("not json", '{"type":"request"}', '{"type":"request","id":"x","from":"bad_id","op":"stats","body":{}}',
                 '{"type":"launch","id":"x","from":"node-z","op":"stats","body":{}}', "[" * 1000):
        subprocess.run(["redis-cli", "-u", os.environ["REDIS_URL"], "PUBLISH", f"{a.prefix}:control", junk],
                       check=True, capture_output=True, timeout=10)
    for node in (a, b, c):
        stats = get(node, "/api/websocket/stats")
        assert sorted(stats["covered"]) == list(IDS), stats
        status, _, body = http_request(node.http, "GET", "/metrics")
        assert status == 200
        assert parse_metrics(body)["stockpush_cluster_control_dropped_total"] == 5
        assert "dropped a control message" in node.log()


def test_a_killed_instance_is_missing_then_leaves(cluster, server_factory):
    a = cluster["node-a"]
    doomed = server_factory("--instance-id", "node-d", prefix=a.prefix, database=a.database)
    wait_for(a, lambda stats: "node-d" in stats["covered"], "node-d answering")
    time.sleep(2.5)  # two heartbeats of node-a: its registry has read node-d (it answered before)
    doomed.kill()
    started = time.monotonic()
    stats = get(a, "/api/websocket/stats")
    elapsed = time.monotonic() - started
    assert stats["missing"] == ["node-d"] and sorted(stats["covered"]) == list(IDS), stats
    assert elapsed < 4.5, f"the answer took {elapsed:.1f} s with a 2 s deadline"
    assert "node-d" in {entry["id"] for entry in stats["instances"]}, stats
    # Its heartbeat stopped: within the TTL (5 s) it leaves the cluster.
    left = wait_for(a, lambda s: "node-d" not in {e["id"] for e in s["instances"]}, "node-d gone", timeout=15)
    assert left["missing"] == [] and sorted(left["covered"]) == list(IDS), left


def test_without_redis_an_instance_answers_alone_and_recovers(server_factory, tmp_path):
    from test_redis_restart import PrivateRedis

    redis = PrivateRedis(str(tmp_path))
    try:
        one = server_factory("--instance-id", "solo-1", "--redis-url", redis.url)
        two = server_factory("--instance-id", "solo-2", "--redis-url", redis.url, prefix=one.prefix, database=one.database)
        wait_for(one, lambda s: s["covered"] == ["solo-1", "solo-2"], "both answering")
        redis.kill()
        deadline = time.monotonic() + 10
        while True:
            started = time.monotonic()
            status, stats = http_json(one.http, "GET", "/api/websocket/stats", timeout=10)
            assert status == 200 and time.monotonic() - started < 4.5, (status, stats)
            if stats["cluster_available"] is False:
                break
            assert time.monotonic() < deadline, stats
            time.sleep(0.1)
        assert stats["covered"] == ["solo-1"] and stats["missing"] == ["solo-2"], stats
        status, page = http_json(two.http, "GET", "/api/websocket/clients", timeout=10)
        assert status == 200 and page["covered"] == ["solo-2"], page
        assert "admin calls answer from this instance alone" in one.log()
        redis.start()
        wait_for(one, lambda s: s["cluster_available"] and s["covered"] == ["solo-1", "solo-2"], "back", timeout=20)
    finally:
        redis.kill()

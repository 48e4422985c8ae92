"""Behind a reverse proxy: X-Forwarded-For / X-Real-IP name the client only when the
TCP peer is a trusted proxy, and /readyz says `draining` as soon as shutdown starts."""
import asyncio
import time

from e2e_support import Client, RawWebSocket, http_json, refused, run_async


def forwarded(address):
    return {"X-Forwarded-For": address}


async def clients_by_id(server):
    status, body = await asyncio.to_thread(http_json, server.http, "GET", "/api/websocket/clients")
    assert status == 200, body
    return {entry["client_id"]: entry for entry in body["clients"]}


@run_async
async def test_a_trusted_proxy_names_the_client_for_the_admin_api_and_the_address_limit(server_factory):
    server = server_factory("--trusted-proxies", "127.0.0.1/32", "--max-connections-per-ip", "1")
    first = await Client.open(server.ws, additional_headers=forwarded("198.51.100.1, 203.0.113.7"))
    other = await Client.open(server.ws, additional_headers=forwarded("203.0.113.8"))
    by_real_ip = await Client.open(server.ws, additional_headers={"X-Real-IP": "2001:DB8:0::1"})
    try:
        clients = await clients_by_id(server)
        assert clients[first.client_id]["remote_addr"] == "203.0.113.7", clients
        assert clients[other.client_id]["remote_addr"] == "203.0.113.8", clients
        assert clients[by_real_ip.client_id]["remote_addr"] == "2001:db8::1", clients
        # The operator's open line names the same client address, not the proxy.
        opened = [line for line in server.log().splitlines() if "connection opened" in line and first.client_id in line]
        assert len(opened) == 1 and " addr=203.0.113.7 " in opened[0], opened
        status, body = await refused(server.ws, forwarded("203.0.113.7"))
        assert status == 429 and body["error"] == "too_many_connections", body
        assert "203.0.113.7" in body["message"], body
        await other.ping()
    finally:
        for client in (first, other, by_real_ip):
            await client.close()


@run_async
async def test_malformed_forwarded_headers_fall_back_to_the_peer(server_factory):
    server = server_factory("--trusted-proxies", "127.0.0.1", "--max-connections-per-ip", "10")
    bad = await Client.open(server.ws, additional_headers={"X-Forwarded-For": "203.0.113.7, not-an-ip"})
    try:
        clients = await clients_by_id(server)
        assert clients[bad.client_id]["remote_addr"] == "127.0.0.1", clients
    finally:
        await bad.close()


@run_async
async def test_without_trusted_proxies_the_headers_are_ignored(server_factory):
    server = server_factory("--max-connections-per-ip", "1")
    first = await Client.open(server.ws, additional_headers={**forwarded("203.0.113.7"), "X-Real-IP": "203.0.113.9"})
    try:
        clients = await clients_by_id(server)
        assert clients[first.client_id]["remote_addr"] == "127.0.0.1", clients
        status, body = await refused(server.ws, forwarded("203.0.113.8"))
        assert status == 429 and "127.0.0.1" in body["message"], body
    finally:
        await first.close()


def test_a_bad_trusted_proxies_value_is_a_usage_error(environment):
    import subprocess

    result = subprocess.run(
        [environment["bin"], "serve", "--trusted-proxies", "127.0.0.1/33"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--trusted-proxies" in result.stderr and "127.0.0.1/33" in result.stderr, result.stderr


@run_async
async def test_readiness_is_503_draining_while_the_server_still_serves(server_factory):
    server = server_factory("--shutdown-drain-delay", "4")
    client = await Client.open(server.ws)
    status, body = await asyncio.to_thread(http_json, server.http, "GET", "/readyz")
    assert status == 200 and body["status"] == "ready", body
    server.terminate()
    deadline = time.monotonic() + 2.5
    while True:
        status, body = await asyncio.to_thread(http_json, server.http, "GET", "/readyz")
        if status == 503:
            break
        assert time.monotonic() < deadline, f"/readyz still {status} {body} after SIGTERM"
        await asyncio.sleep(0.02)
    assert body["status"] == "draining", body
    # Still serving: the open client answers, and the close frames come only after the delay.
    pong = await client.request({"type": "ping", "id": "still-there"}, "pong")
    assert pong["id"] == "still-there"
    status, body = await asyncio.to_thread(http_json, server.http, "GET", "/healthz")
    assert status == 200, body
    assert await asyncio.to_thread(server.wait_exit, 10) == 0, server.log()[-3000:]


def test_the_slow_consumer_log_line_names_the_forwarded_client(server_factory):
    server = server_factory("--trusted-proxies", "127.0.0.1/32", "--max-queued-bytes", "4096",
                            "--slow-consumer-timeout", "2", "--quote-interval", "0.05")
    raw = RawWebSocket(server.host, server.port, rcvbuf=2048, headers=forwarded("203.0.113.9"))
    try:
        assert raw.recv_json()["type"] == "connected"
        raw.send_json({"type": "subscribe", "subscription_type": "market", "target": "US"})
        # From here on the client reads nothing, until the server gives up on it.
        deadline = time.monotonic() + 10
        while True:
            lines = [line for line in server.log().splitlines() if "slow consumer," in line]
            if lines:
                break
            assert time.monotonic() < deadline, f"no slow-consumer close logged in 10 s:\n{server.log()[-3000:]}"
            time.sleep(0.1)
        assert "closing 203.0.113.9 (via 127.0.0.1:" in lines[0], lines
    finally:
        raw.close()

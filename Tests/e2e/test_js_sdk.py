"""The JavaScript SDK (clients/js) against the real release binary: runs `node --test
clients/js/test` with STOCKPUSH_URL naming a running server, and STOCKPUSH_SERVE a
command line for a server (with JWT_SECRET) that the Node tests start, kill and restart
themselves on one port. Debian's `ws` (node-ws) is the Node WebSocket."""
import glob
import json
import os
import shutil
import subprocess
import uuid

import pytest

from e2e_support import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "sdk-test-secret"


def _with_option(command, option, value):
    command = list(command)
    command[command.index(option) + 1] = value
    return command


def test_js_sdk_node_tests(server_factory):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (scripts/lib.sh ensure_test_venv installs nodejs and node-ws)")
    server = server_factory()
    # A second server of its own (own port and Redis prefix, same database) for the Node
    # tests to kill and restart; it is not started here.
    own = _with_option(server.command, "--port", str(free_port()))
    own = _with_option(own, "--redis-prefix", "sdk-" + uuid.uuid4().hex[:12])
    env = dict(os.environ)
    env.update({
        "STOCKPUSH_URL": f"ws://{server.host}:{server.port}",
        "STOCKPUSH_SERVE": json.dumps(own + ["--jwt-secret", SECRET, "--shutdown-reconnect-max-ms", "800"]),
        "STOCKPUSH_JWT_SECRET": SECRET,
        "NODE_PATH": os.pathsep.join(p for p in ("/usr/share/nodejs", env.get("NODE_PATH", "")) if p),
    })
    files = sorted(glob.glob(os.path.join(ROOT, "clients/js/test/*.test.mjs")))
    run = subprocess.run([node, "--test", "--test-concurrency=1", *files], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=240)
    output = run.stdout[-8000:] + run.stderr[-4000:]
    assert run.returncode == 0, f"node --test failed ({run.returncode}):\n{output}"
    assert "# fail 0" in run.stdout, output
    assert "# skipped 0" in run.stdout, f"integration tests did not run:\n{output}"

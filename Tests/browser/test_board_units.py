"""The board's pure rendering logic (web/board-markets.js, web/board-flags.js) under
`node --test Tests/web`: the labels, times and flags, without a browser or a server."""
import os
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_board_node_unit_tests():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (scripts/lib.sh ensure_test_venv installs nodejs)")
    run = subprocess.run([node, "--test", os.path.join(ROOT, "Tests", "web")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    output = run.stdout[-8000:] + run.stderr[-4000:]
    assert run.returncode == 0, f"node --test Tests/web failed ({run.returncode}):\n{output}"
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout, output

"""`stockpush serve` and `stockpush migrate` when they cannot start: a clear message and
exit status 1, never an abort (a signal) from a library torn down under a live thread."""
import os
import socket
import subprocess
import uuid

from conftest import ROOT


def run(environment, args, cwd=ROOT, timeout=60):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "MIGRATIONS_DIR")}
    return subprocess.run([environment["bin"], *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)


def assert_failed_cleanly(result):
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"exit status {result.returncode} (negative: killed by a signal):\n{output[-3000:]}"
    assert "Assertion" not in output and "Fatal error" not in output, output[-3000:]


def test_a_port_in_use_exits_1_naming_the_address(environment, database):
    # Held without SO_REUSEPORT, so the server's SO_REUSEPORT listener cannot share it.
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run(environment, [
            "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2",
            "--redis-url", environment["redis"], "--redis-prefix", "e2e-" + uuid.uuid4().hex[:12],
            "--database-url", database.url, "--quote-interval", "0.2",
        ])
    assert_failed_cleanly(result)
    assert f"127.0.0.1:{port}" in result.stderr and "in use" in result.stderr, result.stderr[-3000:]


def test_migrate_outside_the_project_folder_names_the_folder_it_looked_for(environment, database, tmp_path):
    result = run(environment, ["migrate", "--database-url", database.url], cwd=tmp_path)
    assert_failed_cleanly(result)
    assert f"'{tmp_path / 'migrations'}'" in result.stderr, result.stderr
    assert "--migrations-dir" in result.stderr and "MIGRATIONS_DIR" in result.stderr, result.stderr


def test_serve_migrate_outside_the_project_folder_says_the_same(environment, database, tmp_path):
    result = run(environment, [
        "serve", "--migrate", "--host", "127.0.0.1", "--port", "0", "--threads", "1",
        "--redis-url", environment["redis"], "--redis-prefix", "e2e-" + uuid.uuid4().hex[:12],
        "--database-url", database.url,
    ], cwd=tmp_path)
    assert_failed_cleanly(result)
    assert f"'{tmp_path / 'migrations'}'" in result.stderr, result.stderr
    assert "--migrations-dir" in result.stderr and "MIGRATIONS_DIR" in result.stderr, result.stderr

"""The default number of loop threads follows the CPUs the process may use (its
affinity mask), not the machine's: pinned to one core, one loop."""
import os
import re
import shutil
import subprocess
import time

import pytest

from e2e_support import free_port


def loop_threads(environment, prefix=()):
    port = free_port()
    process = subprocess.Popen(
        [*prefix, environment["bin"], "serve", "--bench", "1:1", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={k: v for k, v in os.environ.items() if k != "THREADS"})
    try:
        deadline = time.monotonic() + 15
        for line in process.stdout:
            found = re.search(r"listening on \S+ with (\d+) loop thread", line)
            if found:
                return int(found.group(1))
            assert time.monotonic() < deadline, "no listening line"
        raise AssertionError(f"server exited with {process.wait()}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_pinned_to_one_core_the_server_runs_one_loop(environment):
    if not shutil.which("taskset"):
        pytest.fail("taskset is missing (util-linux)")
    assert loop_threads(environment, prefix=("taskset", "-c", "0")) == 1


def test_unpinned_it_runs_a_loop_per_usable_cpu(environment):
    assert loop_threads(environment) == len(os.sched_getaffinity(0))

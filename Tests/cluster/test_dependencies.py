"""Redis failover and PostgreSQL restart under 3 instances and their clients: no instance
crashes, /readyz says what is down while it is down, and the stream resumes by itself."""
import asyncio
import glob
import os
import subprocess
import time

from cluster_support import Fleet
from conftest import INTERVAL, ROOT
from e2e_support import run_async


def pg_ctl(cluster, *args):
    binary = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    data = os.path.realpath(os.path.join(cluster.dir, "services", "pg"))
    command = [binary, "-D", data, *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


async def readiness(cluster):
    return [await asyncio.to_thread(instance.readyz) for instance in cluster.instances]


async def wait_readiness(cluster, predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        answers = await readiness(cluster)
        if all(predicate(status, body) for status, body in answers):
            return answers
        assert time.monotonic() < deadline, f"/readyz not {what} within {timeout} s: {answers}"
        await asyncio.sleep(0.2)


@run_async
async def test_postgresql_restart_readyz_names_it_and_the_stream_goes_on(cluster):
    fleet = Fleet(cluster.ws, 60, first_index=2000)
    pids = [instance.pid for instance in cluster.instances]
    port = cluster.data["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0]
    try:
        await fleet.start()
        await asyncio.to_thread(pg_ctl, cluster, "-m", "fast", "-w", "stop")
        down_at = time.monotonic()
        try:
            await wait_readiness(cluster, lambda s, b: s == 503 and b["postgres"] != "ok" and b["redis"] == "ok",
                                 15, "503 naming postgres")
            await asyncio.sleep(3 * INTERVAL)  # an outage of a few ticks
        finally:
            await asyncio.to_thread(subprocess.run, [os.path.join(ROOT, "scripts/services.sh"), "start",
                                                     os.path.join(cluster.dir, "services"), "none", port],
                                    check=True, capture_output=True, timeout=60)
        back_at = time.monotonic()
        await wait_readiness(cluster, lambda s, b: s == 200, 30, "200 again")
        # Ticks come through Redis: they went on while PostgreSQL was away, and go on now.
        starved = [c.address for c in fleet.clients if not any(down_at <= t <= back_at for t in c.ticks.values())]
        assert not starved, f"{len(starved)} clients got no tick while PostgreSQL was away"
        ready_at = time.monotonic()
        await fleet.wait(lambda c: c.receiving_since(ready_at), 10, "receiving")
        assert [instance.pid for instance in cluster.instances] == pids and all(i.running() for i in cluster.instances)
        assert all(c.connections == 1 for c in fleet.clients), "clients were disconnected"
        assert not fleet.errors(), fleet.errors()[:5]
    finally:
        await fleet.stop()


@run_async
async def test_redis_failover_readyz_names_it_and_the_stream_resumes(cluster):
    assert cluster.sentinel, "the cluster runs without Sentinel (scripts/sentinel.sh or REDIS_SENTINELS missing)"
    fleet = Fleet(cluster.ws, 60, first_index=2100)
    pids = [instance.pid for instance in cluster.instances]
    sentinel = os.path.join(ROOT, "scripts/sentinel.sh")
    folder = os.path.join(cluster.dir, "sentinel")
    try:
        await fleet.start()
        before = subprocess.run([sentinel, "primary", folder], capture_output=True, text=True, check=True).stdout.strip()
        killed_at = time.monotonic()
        await asyncio.to_thread(subprocess.run, [sentinel, "kill-primary", folder], check=True, capture_output=True)
        seen_down = []
        deadline = time.monotonic() + 45
        while True:  # until a new primary serves every instance again
            answers = await readiness(cluster)
            seen_down += [body for status, body in answers if status == 503]
            if all(status == 200 for status, _ in answers) and time.monotonic() - killed_at > 2:
                break
            assert time.monotonic() < deadline, f"/readyz not 200 within 45 s of the failover: {answers}"
            await asyncio.sleep(0.2)
        # While down, it was Redis that /readyz named (the failover can also be too quick to see).
        assert all(body["redis"] != "ok" for body in seen_down), seen_down
        after = subprocess.run([sentinel, "primary", folder], capture_output=True, text=True, check=True).stdout.strip()
        assert after != before, f"the primary is still {before}"
        resumed_at = time.monotonic()
        await fleet.wait(lambda c: c.receiving_since(resumed_at), 15, "receiving after the failover")
        leaders = await asyncio.to_thread(cluster.leader)
        assert len(leaders) == 1, f"leaders after the failover: {leaders}"
        assert [instance.pid for instance in cluster.instances] == pids, "an instance crashed"
        assert not fleet.errors(), fleet.errors()[:5]
    finally:
        await fleet.stop()

"""bench/report.py, the table docs/benchmarks.md quotes: medians per workload and
server, same-run ratios to the uWS and Node peers (frames for the fan-out workloads,
handshakes for E), bytes per frame, lost connections, the steal column and the D
summary, from results written the way bench/run.sh writes them.

    source scripts/lib.sh && ROOT=$PWD ensure_test_venv && .build-venv/bin/python -m pytest -q Tests/bench
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def result(workload, target, *, fps=0.0, cpu=0.5, p99=10.0, rss=1000.0, steal=None, connect_steal=None,
           runqueue_wait=None, handshakes_per_cpu=None, opened=1000, requested=None, connect_seconds=0.5, tick_ms=100.0,
           **generator):
    """One bench/run.sh row (only the fields report.py reads)."""
    row = {
        "workload": workload, "target": target, "tick_ms": tick_ms, "connections": opened,
        "server_cpu": cpu, "server_us_per_frame": cpu / fps * 1e6 if fps else None,
        "frames_per_cpu_second": fps / cpu if fps and cpu else None,
        "rss_per_connection_bytes": rss, "rss_kib": 100 * 1024,
        "handshakes_per_cpu_second": handshakes_per_cpu,
        "generator": {
            "frames_per_second": fps, "latency_ms": {"p50": p99 / 2, "p99": p99},
            "connections": {"opened": opened, "open": opened, "requested": requested or opened},
            "connect_seconds": connect_seconds, **generator,
        },
    }
    if steal is not None:
        row["steal"] = steal
    if connect_steal is not None:
        row["connect_steal"] = connect_steal
    if runqueue_wait is not None:
        row["runqueue_wait"] = runqueue_wait
    return row


def report(tmp_path, rows):
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    output = subprocess.run([sys.executable, str(ROOT / "bench" / "report.py"), str(path)],
                            check=True, capture_output=True, text=True).stdout
    table = {}
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 17 and fields[1] in ("stockpush", "uws", "node"):
            table[(fields[0], fields[1])] = fields
    return output, table


def test_medians_ratios_and_steal(tmp_path):
    rows = [
        result("A", "stockpush", fps=10000, cpu=0.10, steal=0.00),
        result("A", "stockpush", fps=10000, cpu=0.11, steal=0.05),
        result("A", "stockpush", fps=10000, cpu=0.50, steal=0.01),  # a run the median ignores
        result("A", "node", fps=10000, cpu=0.16, steal=0.02),
        result("A", "node", fps=10000, cpu=0.15, steal=0.02),
        result("A", "node", fps=10000, cpu=0.17, steal=0.03),
    ]
    output, table = report(tmp_path, rows)
    ours, peer = table[("A", "stockpush")], table[("A", "node")]
    assert ours[2] == "3" and ours[3] == "10000"
    assert ours[6] == "11%" and ours[8] == str(round(10000 / 0.11))  # median CPU and frames per CPU-second
    assert ours[13] == "0" and ours[14] == "1%" and ours[16] == "no"  # gaps, median steal, generator
    assert ours[15] == "-"  # no run-queue wait recorded (results from before it was)
    assert peer[8] == str(round(10000 / 0.16))
    assert f"A: StockPush {0.16 / 0.11:.2f}x Node ws's frames per CPU-second, p99 1.00x" in output
    assert "uWS: no results" in output


def test_run_queue_wait_is_the_median_of_the_runs(tmp_path):
    rows = [
        result("A", "stockpush", fps=10000, cpu=0.10, runqueue_wait=0.02),
        result("A", "stockpush", fps=10000, cpu=0.10, runqueue_wait=0.40),
        result("A", "stockpush", fps=10000, cpu=0.10, runqueue_wait=0.07),
    ]
    _, table = report(tmp_path, rows)
    assert table[("A", "stockpush")][15] == "7%"


def test_e_is_judged_by_handshakes_and_its_connect_phase_steal(tmp_path):
    rows = [
        # A stray tick in StockPush's window must not make E a frames comparison.
        result("E", "stockpush", fps=40, cpu=0.01, handshakes_per_cpu=20000, opened=19000, steal=0.0,
               connect_steal=0.20, tick_ms=60000.0),
        result("E", "node", fps=0, cpu=0.0, handshakes_per_cpu=5000, opened=19000, steal=0.0,
               connect_steal=0.10, tick_ms=60000.0),
    ]
    output, table = report(tmp_path, rows)
    assert table[("E", "stockpush")][12] == "20000" and table[("E", "stockpush")][14] == "20%"
    assert "E: StockPush 4.00x Node ws's handshakes per CPU-second" in output
    assert "frames per CPU-second" not in output and "p99" not in output.split("E: ")[1]


def test_results_written_before_steal_was_recorded_show_a_dash(tmp_path):
    output, table = report(tmp_path, [result("C", "stockpush", fps=19000, cpu=0.25)])
    assert table[("C", "stockpush")][14] == "-"
    assert "C: StockPush" not in output  # no peer, no ratio, nothing lost


def test_d_summary_counts_client_ticks(tmp_path):
    row = result("D", "stockpush", fps=100000, cpu=1.0, opened=100000, tick_ms=1000.0, steal=0.01,
                 duration=20.0, price_updates=2_000_000, seq_gaps=0, processes=6)
    row["generator"]["connections"]["silent"] = 0
    output, _ = report(tmp_path, [row])
    assert "D: 100000 of 100000 clients open over 6 generator processes; 100.0 % of client-ticks delivered" in output
    assert "0 silent clients, 0 seq gaps" in output


def test_ratios_to_uws_bytes_per_frame_and_lost_connections(tmp_path):
    rows = [
        result("A", "stockpush", fps=10000, cpu=0.12, p99=2.0, frames=80000, bytes=80000 * 4102),
        result("A", "uws", fps=10000, cpu=0.10, p99=1.6, frames=80000, bytes=80000 * 4098),
        result("A", "node", fps=10000, cpu=0.30, p99=8.0, frames=80000, bytes=80000 * 4100),
        result("C", "stockpush", fps=19900, cpu=0.3, opened=19870, requested=19900),
        result("C", "stockpush", fps=19900, cpu=0.3, opened=19900, requested=19900),
        result("C", "uws", fps=19900, cpu=0.3, opened=19900, requested=19900),
    ]
    output, table = report(tmp_path, rows)
    assert table[("A", "stockpush")][9] == "4102" and table[("A", "uws")][9] == "4098"
    assert "uWS: no results" not in output
    line = next(line for line in output.splitlines() if line.startswith("A: "))
    # uWS spends less CPU per frame here: StockPush's ratio is below 1, its p99 above.
    assert line == ("A: StockPush 0.83x uWS's frames per CPU-second, p99 1.25x; "
                    "2.50x Node ws's frames per CPU-second, p99 0.25x")
    assert "C: StockPush 1.00x uWS's frames per CPU-second, p99 1.00x; lost 30 of 19900 connections in its worst run" in output

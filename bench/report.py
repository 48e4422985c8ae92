#!/usr/bin/env python3
"""Summarizes bench/run.sh results: medians per workload and target, ratios to the peer."""
import json
import statistics
import sys
from collections import defaultdict


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    groups = defaultdict(list)
    for row in rows:
        groups[(row["workload"], row["target"])].append(row)
    print()
    header = f"{'workload':8} {'server':9} {'runs':>4} {'frames/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'srv CPU':>8} " \
             f"{'µs/frame':>9} {'frames/CPU-s':>13} {'RSS/conn B':>11} {'hs/s':>8} {'hs/CPU-s':>9} {'gaps':>5} {'steal':>6} {'wait':>5} {'gen sat':>7}"
    print(header)
    print("-" * len(header))
    summary = {}
    for (workload, target), runs in sorted(groups.items()):
        gen = [r["generator"] for r in runs]
        fps = median([g.get("frames_per_second") for g in gen])
        p50 = median([g.get("latency_ms", {}).get("p50") for g in gen])
        p99 = median([g.get("latency_ms", {}).get("p99") for g in gen])
        cpu = median([r["server_cpu"] for r in runs])
        usf = median([r["server_us_per_frame"] for r in runs])
        fpc = median([r["frames_per_cpu_second"] for r in runs])
        rss = median([r["rss_per_connection_bytes"] for r in runs])
        hs = median([g.get("connections", {}).get("opened", 0) / g["connect_seconds"]
                     for g in gen if g.get("connect_seconds")])
        hs_cpu = median([r.get("handshakes_per_cpu_second") for r in runs])
        gaps = max([g.get("seq_gaps", 0) for g in gen] or [0])
        # E is measured over its connect phase, so its steal is too.
        steal = median([r.get("connect_steal" if workload == "E" else "steal") for r in runs])
        # Run-queue wait of the server's threads (others' work on its core); older results lack it.
        wait = median([r.get("runqueue_wait") for r in runs])
        saturated = any(g.get("generator_saturated") for g in gen)
        # E's window holds a tick only by chance: it is judged by handshakes, not frames.
        summary[(workload, target)] = hs_cpu if workload == "E" else fpc
        fmt = lambda v, f: (f % v) if v is not None else "-"
        print(f"{workload:8} {target:9} {len(runs):>4} {fmt(fps, '%.0f'):>10} {fmt(p50, '%.2f'):>8} {fmt(p99, '%.2f'):>8} "
              f"{fmt(cpu * 100 if cpu is not None else None, '%.0f%%'):>8} {fmt(usf, '%.2f'):>9} {fmt(fpc, '%.0f'):>13} "
              f"{fmt(rss, '%.0f'):>11} {fmt(hs, '%.0f'):>8} {fmt(hs_cpu, '%.0f'):>9} {gaps:>5} {fmt(steal * 100 if steal is not None else None, '%.0f%%'):>6} "
              f"{fmt(wait * 100 if wait is not None else None, '%.0f%%'):>5} "
              f"{'YES' if saturated else 'no':>7}")
    print()
    for row in rows:
        if row["workload"] != "D":
            continue
        gen = row["generator"]
        connections = gen.get("connections", {})
        expected = connections.get("open", 0) * gen.get("duration", 0) * 1000 / row["tick_ms"]
        delivered = gen.get("price_updates", 0) / expected if expected else 0
        print(f"D: {connections.get('open', 0)} of {connections.get('requested', 0)} clients open over "
              f"{gen.get('processes', 1)} generator processes; {delivered * 100:.1f} % of client-ticks delivered, "
              f"{connections.get('silent', 0)} silent clients, {gen.get('seq_gaps', 0)} seq gaps; "
              f"p99 {gen.get('latency_ms', {}).get('p99')} ms; server CPU {row['server_cpu'] * 100:.0f} % of a core, "
              f"RSS {row['rss_kib'] / 1024:.0f} MiB over 6 processes")
    for workload in sorted({w for w, _ in summary}):
        ours, peer = summary.get((workload, "stockpush")), summary.get((workload, "node"))
        if ours and peer:
            what = "handshakes" if workload == "E" else "frames"
            print(f"{workload}: StockPush delivers {ours / peer:.2f}x the Node ws peer's {what} per server CPU-second")


if __name__ == "__main__":
    main(sys.argv[1])

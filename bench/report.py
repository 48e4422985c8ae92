#!/usr/bin/env python3
"""Summarizes bench/run.sh results: medians per workload and target, and same-run ratios
of StockPush to the uWebSockets peer (the strongest) and to the Node peer."""
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
             f"{'µs/frame':>9} {'frames/CPU-s':>13} {'B/frame':>8} {'RSS/conn B':>11} {'hs/s':>8} {'hs/CPU-s':>9} {'gaps':>5} {'steal':>6} {'wait':>5} {'gen sat':>7}"
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
        # Bytes on the wire per frame received: the peers' frames must match StockPush's.
        bpf = median([g.get("bytes", 0) / g["frames"] for g in gen if g.get("frames")])
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
        summary[(workload, target)] = {"per_cpu": hs_cpu if workload == "E" else fpc, "p99": p99,
                                       "opened": min([g.get("connections", {}).get("opened", 0) for g in gen] or [0]),
                                       "requested": max([g.get("connections", {}).get("requested", 0) for g in gen] or [0])}
        fmt = lambda v, f: (f % v) if v is not None else "-"
        print(f"{workload:8} {target:9} {len(runs):>4} {fmt(fps, '%.0f'):>10} {fmt(p50, '%.2f'):>8} {fmt(p99, '%.2f'):>8} "
              f"{fmt(cpu * 100 if cpu is not None else None, '%.0f%%'):>8} {fmt(usf, '%.2f'):>9} {fmt(fpc, '%.0f'):>13} "
              f"{fmt(bpf, '%.0f'):>8} {fmt(rss, '%.0f'):>11} {fmt(hs, '%.0f'):>8} {fmt(hs_cpu, '%.0f'):>9} {gaps:>5} {fmt(steal * 100 if steal is not None else None, '%.0f%%'):>6} "
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
    print_ratios(summary)


def print_ratios(summary):
    """Same-run ratios: above 1.0 StockPush does more per server CPU-second (handshakes for
    E, delivered frames otherwise) than the peer; the p99 ratio is StockPush's over the peer's."""
    workloads = sorted({w for w, _ in summary})
    if not any(t == "uws" for _, t in summary):
        print("uWS: no results (the uWebSockets peer could not be built; see .build-bench/uws-build.log)")
    for workload in workloads:
        ours = summary.get((workload, "stockpush"))
        if not ours:
            continue
        what = "handshakes" if workload == "E" else "frames"
        parts = []
        for peer, name in (("uws", "uWS"), ("node", "Node ws")):
            theirs = summary.get((workload, peer))
            if not theirs or not ours["per_cpu"] or not theirs["per_cpu"]:
                continue
            part = f"{ours['per_cpu'] / theirs['per_cpu']:.2f}x {name}'s {what} per CPU-second"
            if workload != "E" and ours["p99"] and theirs["p99"]:
                part += f", p99 {ours['p99'] / theirs['p99']:.2f}x"
            parts.append(part)
        lost = ours["requested"] - ours["opened"]
        if lost > 0:
            parts.append(f"lost {lost} of {ours['requested']} connections in its worst run")
        if parts:
            print(f"{workload}: StockPush {'; '.join(parts)}")


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""Summarizes a bench/callgrind.sh dump: server instructions per delivered frame, in all
and for the functions on the fan-out path (inclusive, i.e. with their callees).

usage: callgrind_report.py DUMP CLIENTS TICK_MS [server|generator GENERATOR_JSON]
Frames are the server's writev(2) calls in the dump, or send(2) calls for the uWS peer
(one per client per tick here).
The window's edges may cut a tick, so the total per frame moves by about one tick in
the number counted; the per-call costs of the fan-out functions do not.
Reads the callgrind format itself (callgrind_annotate 3.19 mis-sums these dumps).
"""
import json
import re
import subprocess
import sys
from collections import defaultdict

# Fan-out path, outermost first: (label, substring of the demangled Swift name).
FAN_OUT = [
    ("PushCore.publish (a tick's fan-out, sends excluded)", "PushCore.publish("),
    ("PriceUpdateHead.write (the per-client head)", "PriceUpdateHead.write(seq: Swift.UInt64, bodyLength: Swift.Int, into: inout"),
    ("Connection.send(head:…) (writev of head + body)", "Connection.send(head:"),
    ("Connection.flush (what was queued)", "Connection.flush()"),
]
# The load generator's receive path (--generator).
RECEIVE = [
    ("ClientProtocol.receiveFrames (all per read)", "receiveFrames in "),
    ("PriceFrameScanner.scan (seq, timestamp)", "PriceFrameScanner.scan("),
    ("FrameDecoder.parseHeader (when out of line)", "FrameDecoder.parseHeader("),
    ("LatencyHistogram.record (when out of line)", "LatencyHistogram.record("),
]
NAME = re.compile(r"^(c?fn)=\((\d+)\)(?: (.*))?$")


def parse(dump):
    """Self and inclusive instructions per function name, calls per callee, and the total."""
    names, self_cost, call_cost, calls = {}, defaultdict(int), defaultdict(int), defaultdict(int)
    current, callee, pending_call, total = None, None, False, 0
    with open(dump) as lines:
        for raw in lines:
            line = raw.rstrip("\n")
            match = NAME.match(line)
            if match:
                kind, ident, name = match.groups()
                if name:
                    names[ident] = name
                if kind == "fn":
                    current = ident
                else:
                    callee = ident
                continue
            if line.startswith("calls="):
                calls[callee] += int(line.split("=", 1)[1].split()[0])
                pending_call = True
                continue
            if line.startswith("summary:"):
                total = int(line.split()[1])
                continue
            if not line or not (line[0].isdigit() or line[0] in "+-*"):
                continue
            cost = int(line.split()[1]) if len(line.split()) > 1 else 0
            if pending_call:
                # The cost line after calls= is the callee's inclusive cost, charged to the
                # caller's inclusive cost (a function calling itself would count twice).
                if callee != current:
                    call_cost[current] += cost
                pending_call = False
            else:
                self_cost[current] += cost
    named = lambda table: {names.get(k, k): v for k, v in table.items()}
    inclusive = {k: self_cost[k] + call_cost[k] for k in set(self_cost) | set(call_cost)}
    return named(self_cost), named(inclusive), named(calls), total


def demangle(names, simplified):
    flags = ["--simplified"] if simplified else []
    out = subprocess.run(["swift", "demangle", *flags], input="\n".join(names), capture_output=True, text=True)
    lines = out.stdout.splitlines()
    return lines if len(lines) == len(names) else list(names)


def main(dump, clients, tick, side="server", generator_json=None):
    self_cost, inclusive, calls, total = parse(dump)
    if side == "generator":
        frames = json.load(open(generator_json)).get("frames", 0)
        source, path = "received, as the generator reports", RECEIVE
    else:
        frames = sum(count for name, count in calls.items() if re.fullmatch(r"(__)?(writev|send|sendmsg)(64)?", name))
        source, path = "writev/send calls", FAN_OUT
    print(f"callgrind ({side}): {clients} clients, {tick} ms ticks; {frames} frames ({source}), {total:,} instructions")
    if not frames:
        print("no frames counted")
        return 1
    print(f"{'instructions per frame':50} {total / frames:8.0f}")
    names = list(inclusive)
    full = dict(zip(names, demangle(names, simplified=False)))
    print(f"  {'function (inclusive)':48} {'/frame':>8} {'calls':>8} {'/call':>8}")
    for label, needle in path:
        matching = [name for name in inclusive if needle in full[name]]
        cost = sum(inclusive[name] for name in matching)
        count = sum(calls.get(name, 0) for name in matching)
        # Per call is exact; per frame moves with a tick cut by the window's edges.
        per_call = f"{cost / count:8.1f}" if count else "       -"
        print(f"  {label:48} {cost / frames:8.0f} {count:8d} {per_call}")
    print("top functions by own instructions per frame:")
    top = sorted(self_cost.items(), key=lambda item: -item[1])[:15]
    short = demangle([name for name, _ in top], simplified=True)
    for (_, ir), name in zip(top, short):
        print(f"  {ir / frames:8.1f}  {name[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

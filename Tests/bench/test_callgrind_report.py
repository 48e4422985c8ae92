"""bench/callgrind_report.py, which docs/benchmarks.md's instruction counts come from:
it reads callgrind's own format (compressed names, relative positions, call costs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# main calling a tick's fan-out, which calls the head writer twice and writev (or send: a tick's
# update joined in the loop's buffer, and the uWS peer's sends) twice, in callgrind's format:
# names given once as "(id) name" and then by id alone, positions relative (+n, -n, *),
# and the line after each calls= holding the inclusive cost of those calls.
DUMP = """# callgrind format
version: 1
events: Ir
summary: 1000

fl=(1) push.swift
fn=(1) $s8PushCoreAAC7publish_3now9queueFull4intoyAA10TickUpdateV_AA0A4TimeVSbAA8ClientIDVXESayAA0A6ActionOGztF
10 100
cfn=(2) $s12PushProtocol15PriceUpdateHeadO5write3seq10bodyLength4intoSis6UInt64V_Si7Buffers10ByteBufferVztFZ
calls=2 +1
* 60
cfl=(2) libc.c
cfn=(3) {syscall}
calls=2 0
+2 40
-1 300

fl=(2)
fn=(3)
5 40

fl=(1)
fn=(2)
20 60
fn=(4) main
30 500
cfl=(1)
cfn=(1)
calls=1 10
31 500
"""


def run(tmp_path, *args, syscall="writev"):
    dump = tmp_path / "callgrind.out.1.1"
    dump.write_text(DUMP.replace("{syscall}", syscall))
    return subprocess.run([sys.executable, str(ROOT / "bench" / "callgrind_report.py"), str(dump), *args],
                          check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("syscall", ["writev", "send", "__send"])
def test_frames_are_writev_or_send_calls_and_costs_are_inclusive(tmp_path, syscall):
    output = run(tmp_path, "1000", "500", syscall=syscall)
    assert "2 frames (writev/send calls), 1,000 instructions" in output
    assert f"{'instructions per frame':50} {500:8.0f}" in output
    lines = {line.split("(")[0].strip(): line.split() for line in output.splitlines() if line.startswith("  ")}
    # publish: 400 of its own + 60 in the heads + 40 in writev = 500 over one call.
    assert lines["PushCore.publish"][-3:] == ["250", "1", "500.0"]
    # The head writer: 60 over two calls, named by id alone after its first mention.
    assert lines["PriceUpdateHead.write"][-3:] == ["30", "2", "30.0"]


def test_generator_frames_come_from_its_report(tmp_path):
    report = tmp_path / "gen.json"
    report.write_text(json.dumps({"frames": 4}))
    output = run(tmp_path, "1000", "500", "generator", str(report))
    assert "4 frames (received, as the generator reports)" in output
    assert f"{'instructions per frame':50} {250:8.0f}" in output


def test_other_calls_are_not_frames(tmp_path):
    dump = tmp_path / "callgrind.out.1.1"
    dump.write_text(DUMP.replace("{syscall}", "sendto_helper"))
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "callgrind_report.py"), str(dump), "1000", "500"],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "0 frames" in result.stdout and "no frames counted" in result.stdout

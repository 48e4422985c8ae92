#!/usr/bin/env python3
"""Judges an Autobahn|Testsuite fuzzingclient report for scripts/conformance.sh.

usage: autobahn_summary.py REPORT_DIR WSTEST_LOG [--json OUT]

Prints one row per case group, the cases that did not pass with Autobahn's reason,
and a verdict. A case passes when both its behavior and its close behavior are OK or
INFORMATIONAL; NON-STRICT, UNIMPLEMENTED, FAILED and anything else fail the run, and
so does a case that wstest was asked to run (its "Cases = [...]" log line) but did
not report. Exit status: 0 all passed, 1 some case failed or is missing, 2 no report.
Standard library only.
"""
import ast
import json
import os
import sys
from collections import Counter

PASSING = ("OK", "INFORMATIONAL")
COLUMNS = ("OK", "INFORMATIONAL", "NON-STRICT", "UNIMPLEMENTED", "FAILED")
GROUP_NAMES = {
    "1": "framing", "2": "pings and pongs", "3": "reserved bits", "4": "opcodes",
    "5": "fragmentation", "6": "UTF-8", "7": "close handshake", "9": "limits and performance",
    "10": "auto-fragmentation", "12": "permessage-deflate payloads", "13": "permessage-deflate parameters",
}


def id_key(case_id):
    """Sorts case ids numerically: 1.1.2 < 1.1.10 < 10.1.1."""
    return tuple(int(part) for part in case_id.split("."))


def asked_cases(log_path):
    """The case ids wstest announced it would run, or None when the log lacks them."""
    try:
        with open(log_path, errors="replace") as log:
            for line in log:
                if line.startswith("Cases = "):
                    return [str(case) for case in ast.literal_eval(line[len("Cases = "):].strip())]
    except (OSError, ValueError, SyntaxError):
        pass
    return None


def fail_setup(message):
    print("autobahn_summary: " + message, file=sys.stderr)
    sys.exit(2)


def load_report(report_dir):
    """(agent, {case id: entry}) of the report's only agent; exits 2 without one."""
    try:
        with open(os.path.join(report_dir, "index.json")) as index:
            agents = json.load(index)
    except (OSError, ValueError) as error:
        fail_setup("no usable report in %s (%s)" % (report_dir, error))
    if not agents:
        fail_setup("no case ran: is a WebSocket echo server answering on that URL? (see the wstest log)")
    if len(agents) != 1:
        fail_setup("expected one agent in the report, found %d" % len(agents))
    agent, cases = next(iter(agents.items()))
    return agent, cases


def reason(report_dir, entry):
    """Autobahn's own words for a case's outcome, from its per-case report."""
    try:
        with open(os.path.join(report_dir, entry["reportfile"])) as case_file:
            case = json.load(case_file)
        return "%s | close: %s (code %s)" % (case.get("result"), case.get("resultClose"), entry.get("remoteCloseCode"))
    except (OSError, ValueError, KeyError):
        return "behavior %s, close %s" % (entry.get("behavior"), entry.get("behaviorClose"))


def outcome(entry):
    """The column a case is counted in: its behavior, or its close behavior when that is worse."""
    behavior, close = entry.get("behavior", "?"), entry.get("behaviorClose", "?")
    return behavior if behavior not in PASSING or close in PASSING else "FAILED"


def print_table(cases):
    header = ["group"] + list(COLUMNS) + ["other", "seconds", ""]
    rows, totals, seconds_total = [], Counter(), 0.0
    groups = sorted({case_id.split(".")[0] for case_id in cases}, key=int)
    for group in groups:
        members = [entry for case_id, entry in cases.items() if case_id.split(".")[0] == group]
        counts = Counter(outcome(entry) for entry in members)
        totals.update(counts)
        seconds = sum(entry.get("duration", 0) for entry in members) / 1000.0
        seconds_total += seconds
        other = sum(n for name, n in counts.items() if name not in COLUMNS)
        rows.append([group + ".*"] + [counts[c] for c in COLUMNS] + [other, "%.1f" % seconds, GROUP_NAMES.get(group, "")])
    other = sum(n for name, n in totals.items() if name not in COLUMNS)
    rows.append(["all"] + [totals[c] for c in COLUMNS] + [other, "%.1f" % seconds_total, ""])
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        cells = [str(cell).rjust(width) if 0 < i < len(row) - 1 else str(cell).ljust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
    return totals


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--json"):
        fail_setup(__doc__.strip().splitlines()[2])
    report_dir, log_path = argv[1], argv[2]
    agent, cases = load_report(report_dir)
    asked = asked_cases(log_path)
    missing = sorted(set(asked or []) - set(cases), key=id_key)
    print("Autobahn|Testsuite report for %s: %d cases ran, %s asked for" %
          (agent, len(cases), "?" if asked is None else len(asked)))
    totals = print_table(cases)
    failing = sorted((case_id for case_id, entry in cases.items() if outcome(entry) not in PASSING), key=id_key)
    informational = sorted((c for c, e in cases.items() if outcome(e) == "INFORMATIONAL"), key=id_key)
    if informational:
        print("INFORMATIONAL (conformant, only recorded): " + " ".join(informational))
    for case_id in failing:
        print("%s %s: %s" % (outcome(cases[case_id]), case_id, reason(report_dir, cases[case_id])))
    if missing:
        print("MISSING (asked for, never ran): " + " ".join(missing))
    if asked is None:
        print("cannot tell whether cases are missing: no 'Cases = [...]' line in " + log_path)
    passed = not failing and not missing and asked is not None and len(cases) > 0
    print("conformance: " + ("PASSED" if passed else "FAILED") +
          " (%d failing, %d missing)" % (len(failing), len(missing)))
    if len(argv) == 5:
        summary = {"agent": agent, "ran": len(cases), "asked": None if asked is None else len(asked),
                   "counts": dict(totals), "failing": failing, "missing": missing, "passed": passed}
        with open(argv[4], "w") as out:
            json.dump(summary, out, indent=2)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

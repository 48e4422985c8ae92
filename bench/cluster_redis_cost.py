#!/usr/bin/env python3
"""What the cluster's Redis commands cost Redis, per call, at a given number of instances
(docs/capacity.md quotes it). Starts a private redis-server, fills it as a cluster of N
instances would (P:instances, each instance's figures and per-user lease hash), runs
each command the way the server sends it, and reads Redis's own main-thread CPU
(INFO cpu) around many repetitions, so the figure is Redis's time, not this client's.

  bench/cluster_redis_cost.py [--instances 6,51,503] [--users-per-instance 19900]

The scripts are read from the Swift sources, so this measures what the server runs:
the tick write (QuoteStoreLayout.writeTickScript, with N subscribers on the channel),
the leader-lock renewal, the per-user reserve (ClusterLimitScript.reserveSource), the
lease heartbeat (DEL + HSET of every user + PEXPIRE) and the registry beat (ZADD, SET
PX, ZREMRANGEBYSCORE, ZRANGE, MGET of every instance's figures)."""
import argparse
import os
import re
import selectors
import shutil
import socket
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def swift_script(path, name):
    """The text of a Swift multi-line string literal `static let <name> = \"\"\"…\"\"\"`."""
    text = open(os.path.join(ROOT, path)).read()
    body = re.search(name + r' = """\n(.*?)\n\s*"""', text, re.S).group(1)
    lines = body.split("\n")
    indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
    return "\n".join(l[indent:] for l in lines).replace("\\\\", "\\")


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        arg = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def reply(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind in (b"+", b":"):
            return rest
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.file.read(size + 2)[:-2]
        if kind == b"*":
            return [self.reply() for _ in range(int(rest))] if int(rest) >= 0 else None
        raise RuntimeError(f"bad reply {line!r}")

    def pipeline(self, commands):
        self.sock.sendall(b"".join(encode(*c) for c in commands))
        return [self.reply() for _ in commands]

    def call(self, *args):
        return self.pipeline([args])[0]


def redis_cpu(conn):
    info = conn.call("INFO", "cpu").decode()
    fields = dict(line.split(":", 1) for line in info.split("\r\n") if ":" in line)
    return float(fields["used_cpu_user_main_thread"]) + float(fields["used_cpu_sys_main_thread"])


def measure(conn, repetitions, batch):
    """Redis main-thread µs per repetition of `batch()` (a list of commands sent as one pipeline)."""
    before = redis_cpu(conn)
    sent = 0
    for _ in range(repetitions):
        commands = batch()
        sent += sum(len(encode(*c)) for c in commands)
        conn.pipeline(commands)
    return (redis_cpu(conn) - before) / repetitions * 1e6, sent / repetitions


class Subscribers:
    """N connections subscribed to the tick channel, drained by one thread."""

    def __init__(self, port, channel, count):
        self.selector = selectors.DefaultSelector()
        self.socks = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(encode("SUBSCRIBE", channel))
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ)
            self.socks.append(sock)
        self.received = 0
        self.running = True
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self):
        while self.running:
            for key, _ in self.selector.select(0.1):
                try:
                    self.received += len(key.fileobj.recv(1 << 20))
                except BlockingIOError:
                    pass

    def close(self):
        self.running = False
        self.thread.join()
        for sock in self.socks:
            sock.close()


def tick_message(quotes):
    records = b""
    for index in range(quotes):
        code = f"S{index:05d}".encode()
        quote = (b'{"code":"%s","price":1234.56,"prev_close":1230.00,"volume":123456700,'
                 b'"turnover":152345678901.25,"quote_time":"2026-12-05T07:45:00.123Z"}' % code)
        records += len(code).to_bytes(2, "big") + code + len(quote).to_bytes(4, "big") + quote
    return b"SPT\x01" + (0).to_bytes(8, "big") + int(time.time() * 1e6).to_bytes(8, "big") \
        + quotes.to_bytes(4, "big") + records


def run(port, instances, users, quotes, prefix="cap"):
    conn = Connection(port)
    conn.call("FLUSHALL")
    now = int(time.time() * 1000)
    figures = b'{"id":"node-0000","address":"10.0.0.1:8000","started":"2026-12-05T07:00:00Z","connections":19900,' \
              b'"subscriptions":19900,"messages_per_second":19900.0,"leader":false,"last_tick":{"seq":123456,"quotes":56}}'
    ids = [f"node-{i:04d}" for i in range(instances)]
    for chunk in range(0, instances, 100):
        conn.pipeline([["ZADD", f"{prefix}:instances", now, i] for i in ids[chunk:chunk + 100]]
                      + [["SET", f"{prefix}:instance:{i}", figures, "PX", 60000] for i in ids[chunk:chunk + 100]])
    # Every instance's lease hash holds users with one connection each: the first all
    # `users`, the others 1,000 (enough to be a real hash table, where HGET costs the same).
    for n, instance in enumerate(ids):
        key = f"{prefix}:user-connections:{instance}"
        held = users if n == 0 else min(users, 1000)
        for chunk in range(0, held, 5000):
            fields = []
            for u in range(chunk, min(held, chunk + 5000)):
                fields += [f"user-{n}-{u}", 1]
            conn.call("HSET", key, *fields)
        conn.call("PEXPIRE", key, 60000)
    results = {}

    subscribers = Subscribers(port, f"{prefix}:ticks", instances)
    time.sleep(0.2)
    write_tick = swift_script("Sources/Market/QuoteStoreLayout.swift", "writeTickScript")
    message = tick_message(quotes)
    state = {"tick": 0}

    def tick():
        commands = [["EVAL", write_tick, 2, f"{prefix}:quotes:latest", f"{prefix}:tick", f"{prefix}:ticks",
                     state["tick"], message]]
        state["tick"] += 1
        return commands
    conn.call("SET", f"{prefix}:tick", 0)
    results["tick write (EVAL + PUBLISH to every instance)"] = measure(conn, 300, tick) + (len(message) * instances,)
    subscribers.close()

    lock = swift_script("Sources/Market/QuoteStoreLayout.swift", "acquireLockScript")
    results["leader-lock EVAL"] = measure(
        conn, 2000, lambda: [["EVAL", lock, 1, f"{prefix}:scheduler:leader", ids[0], 666]]) + (0,)

    reserve = swift_script("Sources/StockPush/Cluster/ClusterLimitScript.swift", "reserveSource")
    counter = {"n": 0}

    def reserve_one():
        counter["n"] += 1
        return [["EVAL", reserve, 2, f"{prefix}:instances", f"{prefix}:user-connections:{ids[0]}",
                 f"user-x-{counter['n'] % 5000}", 3, 1, now, 3_600_000, f"{prefix}:user-connections:", ids[0]]]
    results["per-user reserve EVAL (a connect)"] = measure(conn, 500, reserve_one) + (0,)
    results["release MULTI (a close)"] = measure(conn, 2000, lambda: [
        ["MULTI"], ["HDEL", f"{prefix}:user-connections:{ids[0]}", "user-x-1"],
        ["PEXPIRE", f"{prefix}:user-connections:{ids[0]}", 5000], ["EXEC"]]) + (0,)

    lease_fields = []
    for u in range(users):
        lease_fields += [f"user-0-{u}", 1]

    def lease():
        key = f"{prefix}:user-connections:{ids[0]}"
        return [["MULTI"], ["DEL", key], ["HSET", key, *lease_fields], ["PEXPIRE", key, 5000], ["EXEC"]]
    results[f"lease heartbeat ({users} users)"] = measure(conn, 20, lease) + (0,)

    def beat():
        t = int(time.time() * 1000)
        return [["ZADD", f"{prefix}:instances", t, ids[0]], ["SET", f"{prefix}:instance:{ids[0]}", figures, "PX", 5000],
                ["ZREMRANGEBYSCORE", f"{prefix}:instances", "-inf", f"({t - 3_600_000}"],
                ["ZRANGE", f"{prefix}:instances", 0, -1], ["MGET"] + [f"{prefix}:instance:{i}" for i in ids]]
    results["registry beat (ZADD, SET, ZREM…, ZRANGE, MGET)"] = measure(conn, 300, beat) + (len(figures) * instances,)
    conn.call("FLUSHALL")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", default="6,51,503")
    parser.add_argument("--users-per-instance", type=int, default=19900)
    parser.add_argument("--quotes", type=int, default=39, help="changed quotes per tick (70 %% of the 56-stock seed)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="redis-cost-")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", workdir, "--maxclients", "10000"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                Connection(port).call("PING")
                break
            except OSError:
                time.sleep(0.05)
        version = Connection(port).call("INFO", "server").decode().split("redis_version:")[1].split("\r\n")[0]
        print(f"Redis {version}, {args.users_per_instance} users per instance, {args.quotes} quotes per tick")
        print(f"{'instances':>9}  {'command':50} {'Redis µs/call':>13} {'bytes in':>9} {'bytes out':>10}")
        for instances in [int(n) for n in args.instances.split(",")]:
            for name, (micros, sent, out) in run(port, instances, args.users_per_instance, args.quotes).items():
                print(f"{instances:>9}  {name:50} {micros:>13.1f} {int(sent):>9} {int(out):>10}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

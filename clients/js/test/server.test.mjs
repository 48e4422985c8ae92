// The SDK against the real StockPush server (Tests/e2e/test_js_sdk.py runs this):
// STOCKPUSH_URL names a running server; STOCKPUSH_SERVE is a command line (JSON array)
// for a server with JWT_SECRET=STOCKPUSH_JWT_SECRET that these tests start, stop and
// restart on one port. Skipped without them. The WebSocket is Debian's `ws` (NODE_PATH).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StockPushClient } from "../stockpush.js";

const URL_ = process.env.STOCKPUSH_URL;
const SERVE = process.env.STOCKPUSH_SERVE ? JSON.parse(process.env.STOCKPUSH_SERVE) : null;
const SECRET = process.env.STOCKPUSH_JWT_SECRET;
const skip = !URL_ || !SERVE ? "set STOCKPUSH_URL and STOCKPUSH_SERVE (Tests/e2e/test_js_sdk.py does)" : false;

function loadWs() {
  const require = createRequire(import.meta.url);
  try {
    return require("ws");
  } catch {
    return require("/usr/share/nodejs/ws");
  }
}

const VOLUME_WAVE = ["600519", "000858", "300750", "002594", "0700", "9988", "1810", "NVDA", "TSLA", "300059", "601012", "AMD"];

function jwt(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  return `${head}.${createHmac("sha256", SECRET).update(head).digest("base64url")}`;
}
const validToken = (sub = "sdk") => jwt({ sub, exp: Math.floor(Date.now() / 1000) + 600 });

function client(url, options = {}) {
  const c = new StockPushClient(url, { WebSocket: loadWs(), reconnect: { baseMs: 100, maxMs: 1000 }, ...options });
  c.log = [];
  for (const e of ["open", "close", "reconnecting", "shutdown", "error"]) c.on(e, (x) => c.log.push([e, x]));
  return c;
}

/** Resolves with the first event `name` whose payload passes `pred`, within `ms`. */
function next(c, name, pred = () => true, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.off(name, on);
      reject(new Error(`no ${name} within ${ms} ms; log: ${JSON.stringify(c.log.map(([e, x]) => [e, x?.code ?? x?.delay]))}`));
    }, ms);
    const on = (...args) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      c.off(name, on);
      resolve(args[0]);
    };
    c.on(name, on);
  });
}

async function waitFor(what, cond, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A ws that loses the price_update with seq `lost` (as a broken proxy or a bug would). */
function lossy(WS, lost) {
  return class extends WS {
    get onmessage() {
      return super.onmessage;
    }
    set onmessage(fn) {
      super.onmessage = fn && ((ev) => {
        const msg = JSON.parse(String(ev.data));
        if (msg.type === "price_update" && msg.seq === lost) return;
        fn(ev);
      });
    }
  };
}

/** The owned server: started from STOCKPUSH_SERVE, ready once /readyz says 200. */
class OwnServer {
  constructor() {
    this.port = SERVE[SERVE.indexOf("--port") + 1];
    this.url = `ws://127.0.0.1:${this.port}`;
  }
  async start() {
    this.logPath ??= join(tmpdir(), `stockpush-sdk-${this.port}.log`);
    const log = openSync(this.logPath, "a");
    this.proc = spawn(SERVE[0], SERVE.slice(1), { stdio: ["ignore", log, log] });
    this.exited = new Promise((r) => this.proc.on("exit", (code, signal) => r({ code, signal })));
    const deadline = Date.now() + 15000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/readyz`)).status === 200) return;
      } catch {}
      if (Date.now() > deadline) throw new Error("own server not ready within 15 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  log() {
    try {
      return readFileSync(this.logPath, "utf8").slice(-3000);
    } catch {
      return "";
    }
  }
  async stop(signal = "SIGTERM") {
    if (!this.proc || this.proc.exitCode !== null) return null;
    this.proc.kill(signal);
    return this.exited;
  }
}

test("subscribe: ack, snapshot on the board, then updates; unknown target rejected", { skip }, async () => {
  const c = client(URL_);
  try {
    const snapshot = next(c, "update", (m) => m.snapshot === true);
    // Updates hold only quotes that changed since this client last saw them.
    const seen = new Map();
    const unchanged = [];
    c.on("update", (m) => {
      for (const q of m.data) {
        if (!m.snapshot && JSON.stringify(seen.get(q.code)) === JSON.stringify(q)) unchanged.push(q.code);
        seen.set(q.code, q);
      }
    });
    c.connect();
    const acks = await c.subscribe({ strategy: "volume_wave" });
    assert.equal(acks.type, "subscribed");
    assert.deepEqual([...acks.stocks].sort(), [...VOLUME_WAVE].sort());
    await snapshot;
    assert.ok(c.board.size > 0);
    for (const code of c.board.keys()) assert.ok(VOLUME_WAVE.includes(code), code);
    const update = await next(c, "update", (m) => m.snapshot === false);
    for (const q of update.data) assert.equal(c.board.get(q.code), q);
    await next(c, "update", (m) => m.snapshot === false);
    assert.deepEqual(unchanged, []);
    const status = await c.status();
    assert.deepEqual(status.subscriptions, [{ subscription_type: "strategy", target: "volume_wave" }]);
    await assert.rejects(c.subscribe({ stock: "NOPE" }), (e) => e.code === "unknown_target" && e.target === "NOPE");
    assert.deepEqual(c.subscriptions(), [{ type: "strategy", target: "volume_wave" }]);
  } finally {
    c.close();
  }
});

test("notifications: a sent one arrives as an event and, acknowledged, is not delivered again", { skip }, async () => {
  const http = URL_.replace(/^ws/, "http");
  const title = `sdk ${Date.now()}`;
  const first = client(URL_).notifications();
  try {
    first.connect();
    await next(first, "open");
    await new Promise((r) => setTimeout(r, 300)); // its catch-up read done
    const arrived = next(first, "notification", (n) => n.title === title);
    const res = await fetch(`${http}/api/notifications`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: "anonymous", title }),
    });
    assert.equal(res.status, 200);
    const sent = await res.json();
    const data = await arrived;
    assert.equal(data.id, sent.id);
    assert.equal(data.status, "unread");
    await new Promise((r) => setTimeout(r, 300)); // the automatic ack answered
  } finally {
    first.close();
  }
  const second = client(URL_, {}).notifications();
  const seen = [];
  second.on("notification", (n) => seen.push(n.title));
  try {
    second.connect();
    await next(second, "open");
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(!seen.includes(title), "acknowledged: gone from the queue");
  } finally {
    second.close();
  }
});

test("an operator's disconnect (DELETE /api/websocket/clients/{id}) is not undone by a reconnect", { skip }, async () => {
  const c = client(URL_);
  try {
    c.connect();
    await next(c, "open");
    const stopped = next(c, "error", (e) => e.code === "disconnected_by_admin");
    const http = URL_.replace(/^ws/, "http");
    const res = await fetch(`${http}/api/websocket/clients/${c.clientId}`, { method: "DELETE" });
    assert.equal(res.status, 200);
    await stopped;
    assert.equal(c.state, "failed");
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!c.log.some(([e]) => e === "reconnecting"));
  } finally {
    c.close();
  }
});

test("a lost price_update: the seq gap re-subscribes and a fresh snapshot arrives", { skip }, async () => {
  const c = client(URL_, { WebSocket: lossy(loadWs(), 3) });
  try {
    const gap = next(c, "error", (e) => e.code === "seq_gap");
    const resync = next(c, "resync", (r) => r.reason === "gap");
    c.connect();
    await c.subscribe({ market: "SH" });
    await gap;
    await resync;
    const snapshot = await next(c, "update", (m) => m.snapshot === true);
    assert.ok(snapshot.seq > 3);
    const status = await c.status();
    assert.deepEqual(status.subscriptions, [{ subscription_type: "market", target: "SH" }]);
    // The subscribe brought SH's market_status; the status reply every market of the catalog.
    assert.match(c.markets.get("SH")?.status ?? "", /^(pre_open|open|lunch_break|closed)$/);
    assert.deepEqual([...c.markets.keys()].sort(), Object.keys(status.markets).sort());
  } finally {
    c.close();
  }
});

test("a lost connection resumes its session: resumed, one snapshot, seq without a gap", { skip }, async () => {
  const c = client(URL_);
  const seqs = [];
  c.on("update", (m) => seqs.push(m.seq));
  try {
    c.connect();
    await c.subscribe({ stock: ["600519", "0700"] });
    await waitFor("a live update after the snapshot", () => seqs.length >= 2);
    const resumed = next(c, "resumed");
    const resync = next(c, "resync", (r) => r.reason === "resume");
    // Listening before the drop: the snapshot may come in the same read as `resumed`.
    const restored = next(c, "update", (m) => m.snapshot === true);
    const seen = seqs.at(-1);
    c._ws.terminate(); // the network drops: no close frame
    await resync;
    const message = await resumed;
    assert.deepEqual(message.subscriptions.map((s) => s.target).sort(), ["0700", "600519"]);
    assert.ok(message.seq >= seen, `seq ${message.seq} continues after ${seen}`);
    const snapshot = await restored;
    assert.equal(snapshot.seq, message.seq + 1);
    await next(c, "update", (m) => m.snapshot === false);
    assert.ok(!c.log.some(([e, x]) => e === "error" && x.code === "seq_gap"), "no gap");
    const status = await c.status();
    assert.deepEqual(status.subscriptions.map((s) => s.target).sort(), ["0700", "600519"]);
  } finally {
    c.close();
  }
});

test("server shut down, killed and restarted: the client waits, reconnects and resubscribes", { skip, timeout: 90000 }, async () => {
  const server = new OwnServer();
  await server.start();
  let tokens = 0;
  const c = client(server.url, { getToken: () => (tokens++, validToken()) });
  try {
    c.connect();
    await c.subscribe({ stock: ["600519", "0700"] });
    await waitFor("both quotes on the board", () => c.board.has("600519") && c.board.has("0700"));
    const firstClient = c.clientId;

    // Graceful: server_shutdown, then a reconnect after exactly reconnect_after_ms.
    const shutdown = next(c, "shutdown");
    const waiting = next(c, "reconnecting");
    await server.stop("SIGTERM");
    const notice = await shutdown;
    assert.equal((await waiting).delay, notice.reconnect_after_ms);
    const reopened = next(c, "open", (o) => o.reconnected, 20000);
    // Quotes from the new connection: a snapshot, or (when the new process has not read a
    // quote yet at the resubscribe) the first updates.
    const fresh = next(c, "quote", () => true, 20000);
    await server.start();
    await reopened;
    assert.notEqual(c.clientId, firstClient);
    await fresh;
    const afterRestart = await c.status();
    assert.deepEqual(afterRestart.subscriptions.map((s) => s.target).sort(), ["0700", "600519"]);

    // A crash: no close frame; backoff, then back with the same subscriptions.
    const retrying = next(c, "reconnecting");
    await server.stop("SIGKILL");
    const r = await retrying;
    assert.ok(r.delay >= 0 && r.delay < 1000, `delay ${r.delay} within the cap`);
    const reopened2 = next(c, "open", (o) => o.reconnected, 20000);
    const fresh2 = next(c, "quote", () => true, 20000);
    await server.start();
    await reopened2;
    await fresh2;
    assert.deepEqual((await c.status()).subscriptions.map((s) => s.target).sort(), ["0700", "600519"]);
    await waitFor("both quotes on the board", () => c.board.has("600519") && c.board.has("0700"));
    assert.deepEqual([...c.board.keys()].sort(), ["0700", "600519"]);
    assert.ok(tokens >= 3, `getToken() asked on every connect (${tokens})`);
  } catch (e) {
    console.error(`own server log:\n${server.log()}`);
    throw e;
  } finally {
    c.close();
    await server.stop("SIGTERM");
  }
});

test("expired token: getToken() is asked again; a bad static token stops for good", { skip, timeout: 60000 }, async () => {
  const server = new OwnServer();
  await server.start();
  const given = [jwt({ sub: "sdk", exp: Math.floor(Date.now() / 1000) - 60 }), validToken()];
  const c = client(server.url, { getToken: () => given.shift() });
  const bad = client(server.url, { token: jwt({ sub: "sdk", exp: 1 }) });
  try {
    const refused = next(c, "close", (x) => x.status === 401);
    c.connect();
    await refused;
    await next(c, "open");
    assert.equal(given.length, 0);
    assert.equal(c.state, "open");

    const failed = next(bad, "error", (e) => e.code === "unauthorized");
    bad.connect();
    await failed;
    assert.equal(bad.state, "failed");
    assert.ok(!bad.log.some(([e]) => e === "reconnecting"));
  } finally {
    c.close();
    bad.close();
    await server.stop("SIGTERM");
  }
});

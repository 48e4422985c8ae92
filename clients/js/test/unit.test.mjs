// Unit tests of the SDK's rules with a scripted WebSocket and a manual clock.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StockPushClient } from "../stockpush.js";
import { FakeSocket, ManualClock, prices, quote, tick } from "./fakes.mjs";

let clock;
beforeEach(() => {
  FakeSocket.reset();
  clock = new ManualClock();
});

function client(options = {}) {
  const c = new StockPushClient("ws://h:1", {
    WebSocket: FakeSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    random: () => 0.5,
    ...options,
  });
  c.events = [];
  for (const e of ["open", "close", "reconnecting", "error", "shutdown", "resync"]) c.on(e, (x) => c.events.push([e, x]));
  return c;
}

async function connected(c) {
  c.connect();
  await tick();
  FakeSocket.last().accept();
  return FakeSocket.last();
}

test("subscribe resolves with the ack, the snapshot fills the board, updates change it", async () => {
  const c = client();
  const ws = await connected(c);
  assert.match(ws.url, /^ws:\/\/h:1\/ws\/stock\/prices$/);
  const p = c.subscribe({ stock: "600519" });
  const req = ws.ackSubscribe([quote("600519", 11)]);
  assert.deepEqual(req.targets, ["600519"]);
  assert.equal(typeof req.id, "number");
  const ack = await p;
  assert.equal(ack.type, "subscribed");
  assert.equal(c.board.get("600519").price, 11);
  const seen = [];
  c.on("quote", (q, info) => seen.push([q.code, q.price, info.snapshot]));
  ws.server(prices(2, [quote("600519", 12)]));
  assert.deepEqual(seen, [["600519", 12, false]]);
  assert.equal(c.board.get("600519").price, 12);
});

test("subscribe rejects with the server's error and forgets the refused target", async () => {
  const c = client();
  const ws = await connected(c);
  const p = c.subscribe({ stock: ["600519", "NOPE"] });
  const req = ws.sent.at(-1);
  ws.server({ type: "subscribed", subscription_type: "stock", target: "600519", stocks: ["600519"], id: req.id });
  ws.server({ type: "error", code: "unknown_target", message: "unknown stock 'NOPE'", target: "NOPE", id: req.id });
  await assert.rejects(p, (e) => e.code === "unknown_target" && e.target === "NOPE" && e.acks.length === 1);
  assert.deepEqual(c.subscriptions(), [{ type: "stock", target: "600519" }]);
});

test("subscribe before connecting is sent on connected; status() and unsubscribe() use ids", async () => {
  const c = client();
  const p = c.subscribe({ strategy: "volume_wave" });
  const ws = await connected(c);
  assert.deepEqual(ws.sent[0], { type: "subscribe", subscription_type: "strategy", targets: ["volume_wave"], id: ws.sent[0].id });
  ws.ackSubscribe();
  await p;
  const s = c.status();
  const sreq = ws.sent.at(-1);
  assert.equal(sreq.type, "get_status");
  ws.server({ type: "status", client_id: "c_t_1", id: sreq.id, subscriptions: [] });
  assert.equal((await s).client_id, "c_t_1");
  const u = c.unsubscribe({ strategy: "volume_wave" });
  const ureq = ws.sent.at(-1);
  ws.server({ type: "unsubscribed", subscription_type: "strategy", target: "volume_wave", id: ureq.id });
  assert.equal((await u).type, "unsubscribed");
  assert.deepEqual(c.subscriptions(), []);
});

test("backoff is full jitter, doubling up to the cap, and never gives up", async () => {
  const draws = [0.999, 0.999, 0.999, 0.999, 0.999, 0.5, 0];
  const c = client({ reconnect: { baseMs: 100, maxMs: 1000 }, random: () => draws.shift() ?? 0.999 });
  c.connect();
  await tick();
  const delays = [];
  c.on("reconnecting", (r) => delays.push(r));
  for (let i = 0; i < 9; i++) {
    FakeSocket.last().drop();
    clock.advance(delays.at(-1).delay);
    await tick();
  }
  assert.deepEqual(
    delays.map((d) => d.delay),
    [99, 199, 399, 799, 999, 500, 0, 999, 999],
  );
  assert.deepEqual(delays.map((d) => d.attempt), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (let a = 0; a < 20; a++) {
    for (const r of [0, 0.3, 0.999]) {
      const d = new StockPushClient("ws://h", { WebSocket: FakeSocket, random: () => r }).backoffDelay(a);
      assert.ok(d >= 0 && d < Math.min(1000 * 2 ** a, 30000), `attempt ${a} draw ${r}: ${d}`);
    }
  }
  assert.equal(FakeSocket.instances.length, 10);
});

test("server_shutdown: waits reconnect_after_ms, then resubscribes and replaces the board", async () => {
  const c = client();
  let ws = await connected(c);
  c.subscribe({ stock: ["A", "B"] });
  ws.ackSubscribe([quote("A", 1), quote("B", 2)]);
  ws.server({ type: "server_shutdown", reconnect_after_ms: 2380 });
  ws.drop(1001, "server shutdown");
  assert.deepEqual(c.events.filter(([e]) => e === "reconnecting").map(([, r]) => r.delay), [2380]);
  clock.advance(2379);
  await tick();
  assert.equal(FakeSocket.instances.length, 1);
  clock.advance(1);
  await tick();
  ws = FakeSocket.last();
  assert.equal(FakeSocket.instances.length, 2);
  ws.accept();
  const req = ws.sent.at(-1);
  assert.deepEqual(req.targets, ["A", "B"]);
  ws.server({ type: "subscribed", subscription_type: "stock", target: "A", stocks: ["A"], id: req.id });
  ws.server({ type: "error", code: "unknown_target", message: "gone", target: "B", id: req.id });
  ws.server(prices(1, [quote("A", 5)], true));
  assert.deepEqual([...c.board.keys()], ["A"]);
  assert.equal(c.board.get("A").price, 5);
  assert.ok(c.events.some(([e, x]) => e === "open" && x.reconnected));
});

test("a seq gap re-subscribes everything for a fresh snapshot", async () => {
  const c = client();
  const ws = await connected(c);
  c.subscribe({ market: "SH" });
  ws.ackSubscribe([quote("A", 1)]);
  ws.server(prices(2, [quote("A", 2)]));
  const before = ws.sent.length;
  ws.server(prices(4, [quote("A", 4)]));
  assert.equal(ws.sent.length, before + 1);
  assert.deepEqual(ws.sent.at(-1).targets, ["SH"]);
  assert.ok(c.events.some(([e, x]) => e === "resync" && x.reason === "gap"));
  ws.ackSubscribe([quote("A", 4)], 5);
  ws.server(prices(6, [quote("A", 6)]));
  assert.equal(ws.sent.length, before + 1, "no further resync once seq is continuous");
});

test("watchdog: silence for one interval sends ping, for two reconnects", async () => {
  const c = client({ heartbeatMs: 1000 });
  const ws = await connected(c);
  clock.advance(999);
  assert.equal(ws.sent.length, 0);
  clock.advance(1);
  assert.equal(ws.sent.at(-1).type, "ping");
  ws.server({ type: "pong", id: ws.sent.at(-1).id });
  clock.advance(1500);
  assert.equal(ws.closed, null, "a pong keeps the connection");
  assert.equal(ws.sent.at(-1).type, "ping");
  clock.advance(499);
  assert.equal(ws.closed, null);
  clock.advance(1);
  assert.equal(ws.closed.code, 4000);
  assert.equal(c.state, "reconnecting");
  assert.ok(c.events.some(([e, x]) => e === "error" && x.code === "heartbeat_timeout"));
});

test("each reconnect asks getToken() again; a 401 retries with the new token", async () => {
  const tokens = ["expired", "fresh"];
  const asked = [];
  const c = client({ getToken: async () => (asked.push(1), tokens.shift()) });
  c.connect();
  await tick();
  assert.match(FakeSocket.last().url, /\?token=expired$/);
  FakeSocket.last().refuse(401);
  assert.equal(c.state, "reconnecting");
  clock.advance(60000);
  await tick();
  assert.match(FakeSocket.last().url, /\?token=fresh$/);
  FakeSocket.last().accept();
  assert.equal(c.state, "open");
  assert.equal(asked.length, 2);
});

test("no reconnect after a 401 a retry cannot fix; 429 and 503 are retried", async () => {
  const c = client({ token: "bad" });
  c.connect();
  await tick();
  FakeSocket.last().refuse(429);
  assert.equal(c.state, "reconnecting");
  clock.advance(60000);
  await tick();
  FakeSocket.last().refuse(503);
  clock.advance(60000);
  await tick();
  FakeSocket.last().refuse(401);
  assert.equal(c.state, "failed");
  assert.ok(c.events.some(([e, x]) => e === "error" && x.code === "unauthorized"));
  clock.advance(600000);
  assert.equal(FakeSocket.instances.length, 3);

  const d = client({ getToken: () => "same" });
  d.connect();
  await tick();
  FakeSocket.last().refuse(401);
  clock.advance(60000);
  await tick();
  FakeSocket.last().refuse(401);
  assert.equal(d.state, "failed", "getToken() giving the refused token again stops");
});

test("an operator's disconnect stops; other closes reconnect", async () => {
  const c = client();
  let ws = await connected(c);
  ws.drop(1008, "slow consumer");
  assert.equal(c.state, "reconnecting");
  clock.advance(60000);
  await tick();
  ws = FakeSocket.last();
  ws.accept();
  ws.drop(1008, "disconnected by admin");
  assert.equal(c.state, "failed");
  assert.ok(c.events.some(([e, x]) => e === "close" && x.willReconnect === false));
});

test("close() stops for good and rejects what is pending", async () => {
  const c = client();
  const ws = await connected(c);
  const p = c.subscribe({ stock: "A" });
  c.close();
  await assert.rejects(p, (e) => e.code === "closed");
  assert.equal(ws.closed.code, 1000);
  assert.deepEqual(clock.pending(), []);
  assert.equal(c.state, "closed");
});

test("status events follow the connection for a UI badge; unsubscribe prunes the board", async () => {
  const c = client({ reconnect: { baseMs: 1000, maxMs: 8000 } });
  const states = [];
  c.on("status", (s) => states.push(s.delay === undefined ? s.state : `${s.state} ${s.delay}`));
  const ws = await connected(c);
  c.subscribe({ stock: ["A", "B"] });
  ws.ackSubscribe([quote("A", 1), quote("B", 2)]);
  const u = c.unsubscribe({ stock: "B" });
  assert.deepEqual([...c.board.keys()], ["A"]);
  ws.server({ type: "unsubscribed", subscription_type: "stock", target: "B", id: ws.sent.at(-1).id });
  await u;
  ws.drop();
  c.close();
  assert.deepEqual(states, ["connecting", "open", "reconnecting 500", "closed"]);
});

test("a request the server never answers rejects with timeout", async () => {
  const c = client({ requestTimeoutMs: 5000 });
  await connected(c);
  const s = c.status();
  clock.advance(4999);
  clock.advance(1);
  await assert.rejects(s, (e) => e.code === "timeout");
  await assert.rejects(new StockPushClient("ws://h", { WebSocket: FakeSocket }).status(), (e) => e.code === "not_connected");
});

test("a handshake that never completes is given up after two heartbeat intervals", async () => {
  const c = client({ heartbeatMs: 1000 });
  c.connect();
  await tick();
  const ws = FakeSocket.last();
  clock.advance(1999);
  assert.equal(c.state, "connecting");
  clock.advance(1);
  assert.equal(ws.closed.code, 4000);
  assert.equal(c.state, "reconnecting");
});

test("quotes in flight when unsubscribing do not bring the dropped stock back", async () => {
  const c = client();
  const ws = await connected(c);
  c.subscribe({ stock: ["A", "B"] });
  ws.ackSubscribe([quote("A", 1), quote("B", 2)]);
  const seen = [];
  c.on("quote", (q) => seen.push(q.code));
  const u = c.unsubscribe({ stock: "B" });
  const ureq = ws.sent.at(-1);
  // The server sent this tick before it read the unsubscribe.
  ws.server(prices(2, [quote("A", 3), quote("B", 4)]));
  assert.deepEqual([...c.board.keys()], ["A"]);
  assert.deepEqual(seen, ["A"]);
  ws.server({ type: "unsubscribed", subscription_type: "stock", target: "B", id: ureq.id });
  await u;
  // Subscribed again after the reply: its snapshot (sent at once, in the same task) counts.
  c.subscribe({ stock: "B" });
  ws.ackSubscribe([quote("B", 5)], 3);
  assert.equal(c.board.get("B").price, 5);
  // Offline, there is nothing in flight to ignore.
  ws.drop();
  c.unsubscribe({ stock: "A" });
  assert.equal(c.board.has("A"), false);
});

test("subscription_changed drops removed codes no other subscription covers; the snapshot adds the new", async () => {
  const c = client();
  const ws = await connected(c);
  c.subscribe({ strategy: "s" });
  const req = [...ws.sent].reverse().find((m) => m.type === "subscribe");
  ws.server({ type: "subscribed", subscription_type: "strategy", target: "s", stocks: ["A", "B", "C"], id: req.id });
  ws.server(prices(1, [quote("A", 1), quote("B", 2), quote("C", 3)], true));
  c.subscribe({ stock: "C" });
  ws.ackSubscribe([quote("C", 3)], 2);
  const changes = [];
  c.on("subscription_changed", (change) => changes.push(change));
  ws.server({
    type: "subscription_changed", subscription_type: "strategy", target: "s", added: ["D"], removed: ["B", "C"],
    stocks: ["A", "D"],
  });
  assert.deepEqual(changes.map((x) => [x.target, x.added, x.dropped]), [["s", ["D"], ["B"]]]);
  assert.deepEqual([...c.board.keys()].sort(), ["A", "C"], "C is still held as a stock");
  ws.server(prices(3, [quote("D", 4)], true));
  assert.deepEqual([...c.board.keys()].sort(), ["A", "C", "D"]);
});

test("market_status is emitted as a market event and does not disturb a pending subscribe", async () => {
  const c = client();
  const ws = await connected(c);
  const seen = [];
  c.on("market", (m) => seen.push([m.market, m.status, m.next_change]));
  const p = c.subscribe({ stock: "0700" });
  ws.server({ type: "market_status", market: "HK", status: "lunch_break", since: "2026-12-07T04:00:00.000000Z",
              next_change: "2026-12-07T05:00:00.000000Z", timestamp: "2026-12-07T04:10:00.000000Z" });
  ws.ackSubscribe([quote("0700", 300)]);
  await p;
  assert.deepEqual(seen, [["HK", "lunch_break", "2026-12-07T05:00:00.000000Z"]]);
  assert.equal(c.board.get("0700").price, 300);
});

// Session resume in the SDK: after a reconnect it presents the last resume_token instead
// of resubscribing, keeps its subscription list, and falls back to resubscribing when refused.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StockPushClient } from "../stockpush.js";
import { FakeSocket, ManualClock, prices, quote, tick } from "./fakes.mjs";

let clock;
beforeEach(() => {
  FakeSocket.reset();
  clock = new ManualClock();
});

function client() {
  const c = new StockPushClient("ws://h:1", {
    WebSocket: FakeSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    random: () => 0.5,
  });
  c.events = [];
  for (const e of ["error", "resync", "resumed"]) c.on(e, (x) => c.events.push([e, x]));
  return c;
}

/** Connected with token t1, holding A and B, having seen seq 1 (snapshot) and 2. */
async function holding() {
  const c = client();
  c.connect();
  await tick();
  const ws = FakeSocket.last();
  ws.accept({ resume_token: "t1" });
  c.subscribe({ stock: ["A", "B"] });
  ws.ackSubscribe([quote("A", 1), quote("B", 2)]);
  ws.server(prices(2, [quote("A", 3)]));
  return c;
}

async function reconnect(c, greeting = { resume_token: "t2" }) {
  FakeSocket.last().drop();
  clock.advance(60_000);
  await tick();
  const ws = FakeSocket.last();
  ws.accept(greeting);
  return ws;
}

test("the first connection subscribes; a reconnect resumes with the last token and seq", async () => {
  const c = await holding();
  assert.equal(FakeSocket.instances[0].sent.filter((m) => m.type === "resume").length, 0);
  const ws = await reconnect(c);
  assert.equal(ws.sent.length, 1, "no subscribe list resent");
  const resume = ws.sent[0];
  assert.deepEqual({ ...resume, id: 0 }, { type: "resume", token: "t1", last_seq: 2, id: 0 });
  ws.server({
    type: "resumed", id: resume.id, seq: 2,
    subscriptions: [{ subscription_type: "stock", target: "A" }, { subscription_type: "stock", target: "B" }],
  });
  ws.server(prices(3, [quote("A", 5), quote("B", 6)], true));
  ws.server(prices(4, [quote("B", 7)]));
  assert.equal(ws.sent.length, 1, "nothing else sent: no gap, no resubscribe");
  assert.equal(c.board.get("A").price, 5);
  assert.equal(c.board.get("B").price, 7);
  assert.deepEqual(c.subscriptions().map((s) => s.target).sort(), ["A", "B"]);
  assert.ok(c.events.some(([e, x]) => e === "resync" && x.reason === "resume"));
  assert.ok(c.events.some(([e]) => e === "resumed"));
  assert.ok(!c.events.some(([e]) => e === "error"));
  // The next reconnect presents the token of the connection that resumed.
  const next = await reconnect(c, { resume_token: "t3" });
  assert.equal(next.sent[0].token, "t2");
  assert.equal(next.sent[0].last_seq, 4);
});

test("a refused resume falls back to resubscribing everything", async () => {
  const c = await holding();
  const ws = await reconnect(c);
  ws.server({ type: "error", code: "resume_failed", message: "no session", id: ws.sent[0].id });
  const sub = ws.sent.at(-1);
  assert.equal(sub.type, "subscribe");
  assert.deepEqual(sub.targets, ["A", "B"]);
  assert.ok(c.events.some(([e, x]) => e === "resync" && x.reason === "reconnect"));
  ws.ackSubscribe([quote("A", 9)]);
  assert.equal(c.board.get("A").price, 9);
});

test("after a connected without a token the SDK resubscribes as before", async () => {
  const c = await holding();
  const ws = await reconnect(c, {});
  assert.equal(ws.sent[0].type, "resume", "the last connection had one");
  ws.server({ type: "error", code: "resume_unavailable", message: "off", id: ws.sent[0].id });
  assert.equal(ws.sent.at(-1).type, "subscribe");
  const again = await reconnect(c, {});
  assert.equal(again.sent[0].type, "subscribe", "no token from the last connected: nothing to resume");
});

test("what changed while away is brought in line after resumed", async () => {
  const c = await holding();
  FakeSocket.last().drop();
  const added = c.subscribe({ market: "HK" });
  await c.unsubscribe({ stock: "B" });
  clock.advance(60_000);
  await tick();
  const ws = FakeSocket.last();
  ws.accept({ resume_token: "t2" });
  ws.server({
    type: "resumed", id: ws.sent[0].id, seq: 2,
    subscriptions: [{ subscription_type: "stock", target: "A" }, { subscription_type: "stock", target: "B" }],
  });
  const sent = ws.sent.slice(1);
  assert.deepEqual(sent.map((m) => [m.type, m.subscription_type, m.targets]), [
    ["subscribe", "market", ["HK"]],
    ["unsubscribe", "stock", ["B"]],
  ]);
  ws.server({ type: "subscribed", subscription_type: "market", target: "HK", stocks: ["H"], id: sent[0].id });
  const ack = await added;
  assert.equal(ack.target, "HK");
  assert.deepEqual(c.subscriptions().map((s) => s.target).sort(), ["A", "HK"]);
});

test("notifications are taken on connect, again after a reconnect, and acknowledged one by one", async () => {
  const c = client();
  const seen = [];
  c.on("notification", (data) => seen.push(data.id));
  c.notifications();
  c.connect();
  await tick();
  let ws = FakeSocket.last();
  ws.accept({ resume_token: "t1" });
  assert.deepEqual(ws.sent.map((m) => [m.type, m.subscription_type]), [["subscribe", "notifications"]]);
  ws.server({ type: "subscribed", subscription_type: "notifications" });
  ws.server({ type: "notification", data: { id: "5-0", title: "t", content: "", type: "info", link: null,
    source: "system", created_at: "2026-12-05T10:30:00.123456Z", status: "unread" } });
  assert.deepEqual(seen, ["5-0"]);
  const ack = ws.sent.at(-1);
  assert.deepEqual([ack.type, ack.ids], ["ack", ["5-0"]]);
  ws.server({ type: "acked", ids: ["5-0"], id: ack.id });
  assert.ok(!c.events.some(([e]) => e === "error"), "the acked reply settles the request");
  // No price subscription to resume: the reconnect takes notifications again.
  ws = await reconnect(c);
  assert.deepEqual(ws.sent.map((m) => [m.type, m.subscription_type]), [["subscribe", "notifications"]]);
});

test("without autoAck nothing is acknowledged until ack() is called", async () => {
  const c = client();
  c.notifications({ autoAck: false });
  c.connect();
  await tick();
  const ws = FakeSocket.last();
  ws.accept({});
  ws.server({ type: "notification", data: { id: "6-0", title: "t" } });
  assert.equal(ws.sent.filter((m) => m.type === "ack").length, 0);
  const done = c.ack("6-0");
  const ack = ws.sent.at(-1);
  ws.server({ type: "error", code: "unknown_notification", message: "not queued", id: ack.id, target: "6-0" });
  await assert.rejects(done, (e) => e.code === "unknown_notification");
});

test("a resumed session with subscriptions takes notifications again after the resume", async () => {
  const c = await holding();
  c.notifications();
  const ws = await reconnect(c);
  assert.equal(ws.sent[0].type, "resume");
  ws.server({ type: "resumed", id: ws.sent[0].id, seq: 2,
    subscriptions: [{ subscription_type: "stock", target: "A" }, { subscription_type: "stock", target: "B" }] });
  assert.ok(ws.sent.some((m) => m.type === "subscribe" && m.subscription_type === "notifications"));
});

// Unit tests of the SDK's market state: `markets` from market_status messages and status() replies.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { StockPushClient } from "../stockpush.js";
import { FakeSocket, ManualClock, tick } from "./fakes.mjs";

let clock;
beforeEach(() => {
  FakeSocket.reset();
  clock = new ManualClock();
});

async function connected() {
  const c = new StockPushClient("ws://h:1", {
    WebSocket: FakeSocket, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: clock.now,
    random: () => 0.5,
  });
  c.connect();
  await tick();
  FakeSocket.last().accept();
  return [c, FakeSocket.last()];
}

const HK_LUNCH = {
  type: "market_status", market: "HK", status: "lunch_break", since: "2026-12-07T04:00:00.000000Z",
  next_change: "2026-12-07T05:00:00.000000Z", timestamp: "2026-12-07T04:10:00.000000Z",
};

test("market_status fills markets before the market event fires", async () => {
  const [c, ws] = await connected();
  assert.equal(c.markets.size, 0);
  const seen = [];
  c.on("market", (m) => seen.push([m.market, m.status, c.markets.get(m.market)?.status]));
  ws.server(HK_LUNCH);
  assert.deepEqual(seen, [["HK", "lunch_break", "lunch_break"]]);
  assert.deepEqual(c.markets.get("HK"), {
    market: "HK", status: "lunch_break", since: HK_LUNCH.since, next_change: HK_LUNCH.next_change,
    timestamp: HK_LUNCH.timestamp,
  });
  ws.server({ ...HK_LUNCH, status: "open", since: HK_LUNCH.next_change, next_change: null });
  assert.equal(c.markets.get("HK").status, "open");
  assert.equal(c.markets.get("HK").next_change, null);
});

test("status() brings every market; only the ones that changed are emitted", async () => {
  const [c, ws] = await connected();
  ws.server(HK_LUNCH);
  const seen = [];
  c.on("market", (m) => seen.push([m.type, m.market, m.status]));
  const reply = c.status();
  const req = ws.sent.at(-1);
  const markets = {
    HK: { status: "lunch_break", since: HK_LUNCH.since, next_change: HK_LUNCH.next_change },
    US: { status: "closed", since: "2026-12-06T21:00:00.000000Z", next_change: "2026-12-07T14:00:00.000000Z" },
  };
  ws.server({ type: "status", client_id: "c_t_1", subscriptions: [], markets, timestamp: "t1", id: req.id });
  assert.deepEqual((await reply).markets, markets);
  assert.deepEqual(seen, [["market_status", "US", "closed"]], "HK did not change");
  assert.deepEqual(c.markets.get("US"), { market: "US", ...markets.US, timestamp: "t1" });
  assert.equal(c.markets.get("HK").timestamp, HK_LUNCH.timestamp);
});

test("a status reply without markets (or with {}) leaves markets alone", async () => {
  const [c, ws] = await connected();
  ws.server(HK_LUNCH);
  for (const markets of [undefined, {}, { SH: null, SZ: { since: "x" } }]) {
    const reply = c.status();
    ws.server({ type: "status", client_id: "c_t_1", subscriptions: [], markets, id: ws.sent.at(-1).id });
    await reply;
  }
  assert.deepEqual([...c.markets.keys()], ["HK"]);
});

test("markets survive a reconnect (the resubscribe brings fresh market_status)", async () => {
  const [c, ws] = await connected();
  ws.server(HK_LUNCH);
  ws.drop();
  clock.advance(60000);
  await tick();
  FakeSocket.last().accept();
  assert.equal(c.markets.get("HK").status, "lunch_break");
});

// Unit tests of the board's pure rendering logic (web/board-markets.js, web/board-flags.js):
// node --test Tests/web (run by Tests/browser/test_board_units.py in the browser stage).
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeMarket, localWhen, phaseName, relative, rowWord } from "../../web/board-markets.js";
import { limitsText, quoteFlags } from "../../web/board-flags.js";

const MONDAY_NOON_HK = Date.parse("2026-12-07T04:18:00Z"); // 12:18 in Hong Kong, Sunday 23:18 in New York

test("a market's chip names its phase and the next change in the market's own time", () => {
  const hk = describeMarket({ market: "HK", status: "lunch_break", since: "2026-12-07T04:00:00.000000Z",
    next_change: "2026-12-07T05:00:00.000000Z" }, "Asia/Hong_Kong", MONDAY_NOON_HK);
  assert.equal(hk.text, "HK · lunch break · reopens 13:00 (in 42 min)");
  assert.equal(hk.title, "HK: lunch break since 12:00; reopens 13:00, in 42 min; times in Asia/Hong_Kong");
  assert.equal(hk.status, "lunch_break");
  const sh = describeMarket({ market: "SH", status: "open", since: "2026-12-07T05:00:00Z",
    next_change: "2026-12-07T07:00:00Z" }, "Asia/Shanghai", Date.parse("2026-12-07T06:00:00Z"));
  assert.equal(sh.text, "SH · open · until 15:00 (in 1 h)");
  const pre = describeMarket({ market: "SZ", status: "pre_open", since: "2026-12-07T01:15:00Z",
    next_change: "2026-12-07T01:30:00Z" }, "Asia/Shanghai", Date.parse("2026-12-07T01:20:00Z"));
  assert.equal(pre.text, "SZ · pre-open · opens 09:30 (in 10 min)");
});

test("a change on another day shows the weekday (or the date), and the relative time only when near", () => {
  const us = describeMarket({ market: "US", status: "closed", since: "2026-12-04T21:00:00Z",
    next_change: "2026-12-07T14:00:00Z" }, "America/New_York", MONDAY_NOON_HK);
  assert.equal(us.text, "US · closed · pre-open Mon 09:00");
  assert.match(us.title, /since Fri 16:00; pre-open Mon 09:00, in 9 h 42 min; times in America\/New_York$/);
  assert.equal(localWhen("2026-12-20T01:00:00Z", "Asia/Shanghai", MONDAY_NOON_HK), "20 Dec 09:00");
  assert.equal(localWhen("not a time", "Asia/Shanghai", MONDAY_NOON_HK), "");
});

test("without next_change or a known zone the chip still says the phase", () => {
  const none = describeMarket({ market: "SH", status: "closed", since: null, next_change: null }, undefined, MONDAY_NOON_HK);
  assert.equal(none.text, "SH · closed");
  assert.equal(none.title, "SH: closed");
  assert.equal(describeMarket({ market: "X", status: "halted_for_lunch", since: null, next_change: null }).text,
    "X · halted for lunch");
  assert.equal(phaseName(undefined), "unknown");
});

test("relative times and the word a row carries", () => {
  assert.deepEqual([relative(-5000), relative(30000), relative(61 * 60000), relative(3 * 3600000), relative(50 * 3600000)],
    ["now", "in 1 min", "in 1 h 1 min", "in 3 h", "in 2 d"]);
  assert.deepEqual(["open", "closed", "lunch_break", "pre_open", undefined].map(rowWord),
    ["", "closed", "lunch", "pre-open", ""]);
});

const base = { code: "600519", name: "贵州茅台", market: "SH", price: 1850.5, prev_close: 1805.4, change: 45.1,
  change_percent: 2.5, volume: 1, turnover: 1, quote_time: "2026-12-07T02:00:00.000000Z" };

test("a plain quote has no flags", () => {
  assert.deepEqual(quoteFlags(base, 2, "Asia/Shanghai"), { stale: false, atLimit: null, limits: "", badges: [] });
});

test("a stale quote says so, with when it was last quoted in the market's time", () => {
  const flags = quoteFlags({ ...base, stale: true }, 2, "Asia/Shanghai");
  assert.equal(flags.stale, true);
  assert.deepEqual(flags.badges, [{ kind: "stale", text: "stale",
    title: "Stale: no new price although SH is open; last quoted 10:00:00" }]);
  assert.equal(quoteFlags({ ...base, stale: false }).stale, false, "only true means stale");
});

test("limits are in the title at the stock's precision; at a limit, a badge", () => {
  const q = { ...base, price: 1985.94, limit_up: 1985.94, limit_down: 1624.86, at_limit: "up" };
  const flags = quoteFlags(q, 2);
  assert.equal(flags.atLimit, "up");
  assert.equal(flags.limits, "limit up 1985.94, limit down 1624.86");
  assert.deepEqual(flags.badges, [{ kind: "limit-up", text: "limit up", title: "At the daily limit up (1985.94)" }]);
  const fund = quoteFlags({ ...base, price: 3.611, limit_up: 4.412, limit_down: 3.611, at_limit: "down" }, 3);
  assert.equal(fund.limits, "limit up 4.412, limit down 3.611");
  assert.equal(fund.badges[0].title, "At the daily limit down (3.611)");
  assert.equal(limitsText({ ...base, limit_up: 10 }), "limit up 10.00");
  assert.equal(quoteFlags({ ...base, at_limit: "sideways" }).atLimit, null, "an unknown value is no limit");
});

test("stale at a limit: both badges, the limit first", () => {
  const flags = quoteFlags({ ...base, stale: true, limit_up: 1850.5, at_limit: "up" });
  assert.deepEqual(flags.badges.map((b) => b.text), ["limit up", "stale"]);
});

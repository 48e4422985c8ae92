// The admin dashboard: asks for the admin token (kept in sessionStorage), then polls
// the stats and /metrics every few seconds for the charts, the instances and the
// client list. `?poll=<ms>` changes the interval (at least 500 ms; default 2000).

import { $, showMessage, formatCount, formatSeconds, formatDuration, formatClock } from "./dom.js";
import { api, request, token, onUnauthorized, Unauthorized } from "./api.js";
import { LineChart } from "./chart.js";
import { LEGS, latencyBetween, legsBetween, readScrape } from "./metrics.js";
import { renderInstances } from "./instances.js";
import { ClientList } from "./clients.js";
import { setUpActions } from "./actions.js";

const WINDOW_SECONDS = 300;
const requested = Number.parseInt(new URLSearchParams(location.search).get("poll"), 10);
const POLL_MS = Number.isFinite(requested) ? Math.max(500, requested) : 2000;

const state = { running: false, timer: null, samples: [], lastStats: null, lastScrape: null };
let charts;
let clients;

function setUpCharts() {
  const count = (value) => formatCount(value);
  charts = {
    connections: new LineChart($("#chart-connections"), {
      title: "Connections", series: [{ key: "connections", label: "Open connections" }], format: count,
      integer: true, floor: 1, windowSeconds: WINDOW_SECONDS,
    }),
    messages: new LineChart($("#chart-messages"), {
      title: "Messages per second", series: [{ key: "mps", label: "Messages/s sent" }], format: count,
      floor: 1, windowSeconds: WINDOW_SECONDS,
    }),
    latency: new LineChart($("#chart-latency"), {
      title: "Publish latency", format: formatSeconds, floor: 0.001, windowSeconds: WINDOW_SECONDS,
      note: "Ticks published by the instance answering /metrics, between two polls.",
      series: [{ key: "p50", label: "p50" }, { key: "p99", label: "p99" }],
    }),
    legs: new LineChart($("#chart-legs"), {
      title: "Where a price's time goes (p99)", format: formatSeconds, floor: 0.001, windowSeconds: WINDOW_SECONDS,
      note: "Each leg of a quote's way, from the source's quote_time to the socket, between two polls.",
      series: LEGS.map(({ key, label }) => ({ key, label })),
    }),
  };
}

function drawCharts() {
  const now = Date.now();
  state.samples = state.samples.filter((sample) => sample.t >= now - WINDOW_SECONDS * 1000 - POLL_MS);
  for (const chart of Object.values(charts)) chart.update(state.samples, now);
}

/** Messages per second between two stats answers of the same instances, else the server's last-second figure. */
function messagesPerSecond(before, after, elapsedMs) {
  const same = before && [...before.covered].sort().join() === [...after.covered].sort().join();
  if (same && elapsedMs > 0 && after.total_messages >= before.total_messages) {
    return ((after.total_messages - before.total_messages) * 1000) / elapsedMs;
  }
  return after.messages_per_second;
}

function summarize(stats) {
  const parts = [`Instance ${stats.instance}`, `up ${formatDuration(stats.uptime_seconds)}`];
  if (stats.last_tick) {
    const at = new Date(stats.last_tick.timestamp);
    parts.push(`last tick #${stats.last_tick.tick} at ${formatClock(at)} (${formatCount(stats.last_tick.quotes)} quotes, `
      + `${formatCount(stats.last_tick.changed)} changed)`);
  } else {
    parts.push("no tick yet");
  }
  const n = stats.active_connections;
  parts.push(`${formatCount(n)} connection${n === 1 ? "" : "s"}`);
  parts.push(`updated ${formatClock(new Date())}`);
  $("#server-summary").textContent = parts.join(" · ");
}

async function poll() {
  const t = Date.now();
  const [stats, metrics] = await Promise.allSettled([api.stats(), api.metrics()]);
  if (!state.running) return;
  // A refused token: onUnauthorized has already asked for it again.
  if (stats.status === "rejected" && stats.reason instanceof Unauthorized) return;
  const problems = [];
  const sample = { t, connections: null, mps: null, p50: null, p99: null, leg_source: null, leg_ingest: null, leg_write: null };
  if (stats.status === "fulfilled") {
    const value = stats.value;
    sample.connections = value.active_connections;
    sample.partial = (value.missing || []).length > 0;
    sample.mps = messagesPerSecond(state.lastStats?.value, value, t - (state.lastStats?.t ?? t));
    state.lastStats = { t, value };
    renderInstances(value);
    summarize(value);
  } else {
    problems.push(`Stats failed: ${stats.reason.describe?.() ?? stats.reason}`);
  }
  if (metrics.status === "fulfilled") {
    const scrape = readScrape(metrics.value);
    const latency = latencyBetween(state.lastScrape, scrape);
    if (latency) Object.assign(sample, { p50: latency.p50, p99: latency.p99 });
    Object.assign(sample, legsBetween(state.lastScrape, scrape));
    state.lastScrape = scrape;
  } else {
    const reason = metrics.reason;
    problems.push(reason instanceof Unauthorized
      ? "The latency chart needs /metrics, which refused the admin token."
      : `/metrics failed: ${reason.describe?.() ?? reason}`);
  }
  showMessage($("#banner"), problems.join(" "), "error");
  state.samples.push(sample);
  drawCharts();
  clients.load();
}

function schedule() {
  clearTimeout(state.timer);
  if (!state.running) return;
  state.timer = setTimeout(async () => {
    try {
      await poll();
    } finally {
      schedule();
    }
  }, POLL_MS);
}

function showDashboard() {
  $("#sign-in").hidden = true;
  $("#dashboard").hidden = false;
  $("#sign-out").hidden = false;
  state.running = true;
  clients.first();
  poll().finally(schedule);
}

function showSignIn(message, kind = "error") {
  state.running = false;
  clearTimeout(state.timer);
  Object.assign(state, { samples: [], lastStats: null, lastScrape: null });
  drawCharts();
  $("#dashboard").hidden = true;
  $("#sign-out").hidden = true;
  $("#server-summary").textContent = "";
  $("#sign-in").hidden = false;
  showMessage($("#sign-in-message"), message, kind);
  const input = $("#token-input");
  input.value = "";
  input.focus();
}

function setUpSignIn() {
  $("#sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const candidate = $("#token-input").value.trim();
    const button = event.target.querySelector("button");
    button.disabled = true;
    try {
      await request("GET", "/api/websocket/stats", { tokenOverride: candidate, quiet401: true });
      token.set(candidate);
      showMessage($("#sign-in-message"), "");
      showDashboard();
    } catch (error) {
      const text = error instanceof Unauthorized
        ? "That admin token was refused (401 unauthorized). Check ADMIN_TOKEN and try again."
        : `Could not check the token: ${error.describe()}`;
      showSignIn(text);
    } finally {
      button.disabled = false;
    }
  });
  $("#sign-out").addEventListener("click", () => {
    token.clear();
    showSignIn("Signed out: the token was removed from this tab.", "");
  });
  onUnauthorized(() => {
    if (!state.running) return;
    token.clear();
    showSignIn("The server refused the stored admin token (401 unauthorized): sign in again.");
  });
}

setUpCharts();
clients = new ClientList();
setUpActions();
setUpSignIn();
if (token.get() === null) showSignIn("");
else showDashboard();

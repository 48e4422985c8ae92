// The live price board at /: wires the SDK's client to the choosers, the table and the
// connection badge. Everything it loads comes from this server (CSP default-src 'self').
import { StockPushClient } from "/sdk/stockpush.js";
import { fetchCatalog, loadCatalog } from "./board-catalog.js";
import { Colours } from "./board-colours.js";
import { MarketStrip } from "./board-markets.js";
import { Pickers } from "./board-pickers.js";
import {
  TYPES, describe, diff, emptySelection, isEmpty, loadPrefs, loadSelection, parseHash, savePrefs, saveSelection,
} from "./board-selection.js";
import { ConnectionView } from "./board-status.js";
import { PriceTable } from "./board-table.js";

const $ = (id) => document.getElementById(id);
const RETRY_REFUSED_MS = 3000;

const prefs = loadPrefs();
let catalog = null;
let selection = loadSelection(); // null until something is chosen (or the default once the catalog is in)
let held = emptySelection(); // what the client has been asked to subscribe to
const acked = new Map(); // "type\ttarget" → the stocks the server said the target covers

const client = new StockPushClient(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`, {
  reconnect: { maxMs: 15000 },
});

const status = new ConnectionView({
  badge: $("conn-state"), detail: $("conn-detail"), retry: $("reconnect-now"),
  age: $("data-age"), rate: $("msg-rate"), onRetry: () => client.connect(),
});

const colours = new Colours($("pick-colours"), $("colours-auto"), prefs.colours, (mode) => {
  prefs.colours = mode;
  savePrefs(prefs);
});

const table = new PriceTable($("board"), {
  info: infoFor,
  phase: (market) => client.markets.get(market)?.status,
  sort: prefs.sort,
  onSort: (sort) => {
    prefs.sort = sort;
    savePrefs(prefs);
  },
});

// The phase of every market on the board; the relative times ("in 42 min") move on their own.
const strip = new MarketStrip($("markets"), (market) => client.markets.get(market));
setInterval(() => strip.render(), 15000);

const pickers = new Pickers(document, {
  onChange: (next) => applySelection(next),
  onError: (message) => notify(message),
});

// The choosers start folded on a phone (the table first); a reload keeps what the user did.
const picker = $("picker");
picker.open = prefs.pickerOpen ?? !matchMedia("(max-width: 40rem)").matches;
picker.addEventListener("toggle", () => {
  prefs.pickerOpen = picker.open;
  savePrefs(prefs);
});

let noticeTimer = null;
function notify(message) {
  const notice = $("notice");
  notice.textContent = message;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.hidden = true;
  }, 8000);
}

/** Name, market, its time zone and currency of a code: from the catalog, else from its quote. */
function infoFor(code) {
  const stock = catalog?.stockByCode.get(code);
  const quote = client.board.get(code);
  const market = stock?.market ?? quote?.market;
  const m = market ? catalog?.marketByCode.get(market) : undefined;
  return { name: stock?.name ?? quote?.name, market, timezone: m?.timezone, currency: m?.currency };
}

/** The stocks one target covers: the server's answer once it came, the catalog's until then. */
function codesOf(type, target) {
  const fromServer = acked.get(`${type}\t${target}`);
  if (fromServer) return fromServer;
  if (type === "stock") return [target];
  if (!catalog) return [];
  if (type === "strategy") return catalog.strategyByName.get(target)?.stocks ?? [];
  return catalog.stocks.filter((s) => s.market === target).map((s) => s.code);
}

/** The rows: every stock the chosen targets cover, and any the stream brings for them. */
function refreshRows() {
  const codes = new Set();
  const current = selection ?? emptySelection();
  for (const type of TYPES) for (const target of current[type]) for (const code of codesOf(type, target)) codes.add(code);
  for (const code of client.board.keys()) codes.add(code);
  table.setCodes([...codes]);
  const markets = [...codes].map((code) => infoFor(code).market);
  colours.setMarkets(markets);
  strip.show([...new Set(markets.filter(Boolean))].sort().map((code) => ({
    code, timeZone: catalog?.marketByCode.get(code)?.timezone,
  })));
  const what = describe(current);
  $("board-caption").textContent = what
    ? `Live prices: ${what} (${codes.size} ${codes.size === 1 ? "stock" : "stocks"})`
    : "Live prices";
  $("board-empty").hidden = codes.size > 0 || !catalog;
}

function recordAcks(acks) {
  for (const ack of [acks].flat()) {
    if (ack?.type === "subscribed") acked.set(`${ack.subscription_type}\t${ack.target}`, ack.stocks ?? []);
  }
  refreshRows();
}

/** A refused subscribe: an unknown target, or one past the server's limit, leaves the selection
 * (with a notice); a refusal for now (not_ready, rate_limited) is tried again shortly. */
function refused(type, error) {
  if (error?.acks) recordAcks(error.acks);
  const drop = { unknown_target: [], too_many_subscriptions: [] };
  let retry = null;
  for (const e of error?.errors ?? [error]) {
    const target = e?.target ?? e?.reply?.target;
    if (target && drop[e?.code]) drop[e.code].push(target);
    else retry = e?.code ?? "error";
    held[type] = target ? held[type].filter((t) => t !== target) : [];
  }
  const gone = [...drop.unknown_target, ...drop.too_many_subscriptions];
  if (gone.length) {
    const why = [];
    if (drop.unknown_target.length) why.push(`unknown ${type} ${drop.unknown_target.join(", ")}`);
    if (drop.too_many_subscriptions.length) {
      why.push(`${drop.too_many_subscriptions.join(", ")}: more than the server allows at once`);
    }
    notify(`Removed from the board: ${why.join("; ")}.`);
    applySelection({ ...selection, [type]: selection[type].filter((t) => !gone.includes(t)) });
  }
  if (retry) {
    notify(`The server cannot take ${type} subscriptions just now (${retry}); trying again.`);
    setTimeout(() => applySelection(selection, { save: false }), RETRY_REFUSED_MS);
  }
}

/** Makes the client hold exactly `next` (subscribing and unsubscribing the difference). */
function applySelection(next, { save = true } = {}) {
  const { add, remove } = diff(held, next);
  selection = next;
  held = { strategy: next.strategy.slice(), market: next.market.slice(), stock: next.stock.slice() };
  if (save) saveSelection(next);
  pickers.show(next);
  for (const [type, targets] of Object.entries(remove)) {
    for (const target of targets) acked.delete(`${type}\t${target}`);
    client.unsubscribe({ type, targets }).catch(() => {}); // offline or no reply: the next connect sends only what is held
  }
  for (const [type, targets] of Object.entries(add)) {
    client.subscribe({ type, targets }).then(recordAcks, (error) => refused(type, error));
  }
  refreshRows();
}

client.on("status", (s) => status.onStatus(s));
client.on("update", (message) => status.onUpdate(message));
client.on("quote", (quote) => {
  if (!table.update(quote) && selection) {
    refreshRows(); // a stock the stream brings that no row shows yet (e.g. a strategy's new member)
    table.update(quote);
  }
});
client.on("market", () => {
  strip.render();
  table.refreshPhases();
});
client.on("subscription_changed", (change) => {
  // The catalog changed under a held target: its rows follow now (the SDK already dropped
  // the quotes no other subscription covers; the added ones come in the snapshot).
  const key = `${change.subscription_type}\t${change.target}`;
  if (acked.has(key)) acked.set(key, change.stocks ?? []);
  refreshRows();
});
client.on("open", ({ reconnected }) => {
  // The server may come back with another catalog (a deploy, an edit while we were away).
  if (reconnected && catalog) fetchCatalog().then((loaded) => useCatalog(loaded, false), () => {});
});
client.on("shutdown", () => notify("The server is restarting; the board reconnects by itself."));
client.connect();

addEventListener("hashchange", () => {
  const fromHash = parseHash(location.hash);
  if (fromHash) applySelection(fromHash);
});
addEventListener("online", () => {
  if (client.state === "reconnecting") client.connect();
});

if (selection && !isEmpty(selection)) applySelection(selection);
else refreshRows();

let catalogTrouble = null; // the notice text while the catalog cannot be loaded
loadCatalog((error, delay) => {
  catalogTrouble = `Could not load the list of strategies and stocks (${error.message}); trying again in ${Math.round(delay / 1000)} s.`;
  notify(catalogTrouble);
}).then((loaded) => {
  // Clears only its own notice: a refused subscribe may have said something since.
  if (catalogTrouble && $("notice").textContent === catalogTrouble) $("notice").hidden = true;
  catalogTrouble = null;
  useCatalog(loaded, true);
});

/** A (new) catalog; the first one also picks the default when nothing is chosen. */
function useCatalog(loaded, first) {
  catalog = loaded;
  pickers.setCatalog(catalog);
  if (first && (!selection || isEmpty(selection))) {
    // Nothing chosen yet: the first strategy, so the board moves from the first second.
    const strategy = catalog.strategies[0]?.name;
    const market = catalog.markets[0]?.code;
    applySelection({ ...emptySelection(), ...(strategy ? { strategy: [strategy] } : market ? { market: [market] } : {}) });
  } else {
    pickers.show(selection);
    refreshRows();
  }
}

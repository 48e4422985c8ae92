// The trading phase of each market on the board: a chip per market in the header
// ("HK · lunch break · reopens 13:00 (in 42 min)", times in the market's own time zone)
// and a word in the market cell of the rows of a market that is not trading. The words
// say it all; colour only repeats them. The functions above MarketStrip use no DOM.

export const PHASES = { pre_open: "pre-open", open: "open", lunch_break: "lunch break", closed: "closed" };
/** What the next change of a phase is called (the server says when, not what comes next). */
const NEXT = { pre_open: "opens", open: "until", lunch_break: "reopens", closed: "pre-open" };
/** The word a row of a market in that phase carries (open rows carry none). */
const ROW_WORD = { pre_open: "pre-open", lunch_break: "lunch", closed: "closed" };
const DAY_MS = 86400000;
const formats = new Map(); // "kind|zone" → Intl.DateTimeFormat

function format(kind, timeZone) {
  const key = `${kind}|${timeZone ?? ""}`;
  if (!formats.has(key)) {
    const options = {
      time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
      weekday: { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
      date: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
      day: { year: "numeric", month: "2-digit", day: "2-digit" },
    }[kind];
    let f;
    try {
      f = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: timeZone || undefined });
    } catch {
      f = new Intl.DateTimeFormat("en-GB", options); // an unknown zone: the browser's own
    }
    formats.set(key, f);
  }
  return formats.get(key);
}

export function phaseName(status) {
  return PHASES[status] ?? String(status ?? "unknown").replace(/_/g, " ");
}

/** "13:00" today, "Mon 09:15" within a week, "14 Dec 09:15" later: in the market's time zone. */
export function localWhen(iso, timeZone, now = Date.now()) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "";
  const day = format("day", timeZone);
  if (day.format(t) === day.format(now)) return format("time", timeZone).format(t);
  return format(Math.abs(t - now) < 6 * DAY_MS ? "weekday" : "date", timeZone).format(t).replace(",", "");
}

/** "in 42 min", "in 3 h 5 min", "in 2 d"; "now" when due or past. */
export function relative(ms) {
  if (!Number.isFinite(ms)) return "";
  const min = Math.round(ms / 60000);
  if (min <= 0) return "now";
  if (min < 60) return `in ${min} min`;
  if (min < 24 * 60) return `in ${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;
  return `in ${Math.round(min / 1440)} d`;
}

/**
 * A market's chip: { text, title, status }. `state` is the SDK's { market, status, since,
 * next_change }; the relative time is in the text only within 6 hours (it is in the title always).
 */
export function describeMarket(state, timeZone, now = Date.now()) {
  const name = phaseName(state.status);
  const parts = [state.market, name];
  const title = [`${state.market}: ${name}`];
  if (state.since) title[0] += ` since ${localWhen(state.since, timeZone, now)}`;
  const next = Date.parse(state.next_change ?? "");
  if (Number.isFinite(next)) {
    const verb = NEXT[state.status] ?? "changes";
    const when = localWhen(state.next_change, timeZone, now);
    const rel = relative(next - now);
    parts.push(next - now < 6 * 3600000 ? `${verb} ${when} (${rel})` : `${verb} ${when}`);
    title.push(`${verb} ${when}, ${rel}`);
  }
  if (timeZone) title.push(`times in ${timeZone}`);
  return { text: parts.join(" · "), title: title.join("; "), status: state.status };
}

/** The word a row carries for its market's phase ("" while open or unknown). */
export function rowWord(status) {
  return ROW_WORD[status] ?? "";
}

/** The market cell: the code, then the phase word of a market that is not trading. */
export function renderMarketCell(cell, market, status) {
  const word = rowWord(status);
  if (cell.dataset.shown === `${market}|${word}`) return;
  cell.dataset.shown = `${market}|${word}`;
  cell.textContent = market ?? "";
  if (word) {
    const span = document.createElement("span");
    span.className = "phase";
    span.textContent = ` ${word}`;
    cell.append(span);
  }
  cell.title = word ? `${market}: ${phaseName(status)}` : "";
  const tr = cell.parentElement;
  if (tr) {
    if (word) tr.dataset.marketStatus = status;
    else delete tr.dataset.marketStatus;
  }
}

/** The chips in the header, one per market on the board, in the order given. */
export class MarketStrip {
  /** @param {HTMLUListElement} list  @param {(market) => state|undefined} stateOf */
  constructor(list, stateOf) {
    this.list = list;
    this.stateOf = stateOf;
    this.markets = []; // [{ code, timeZone }]
  }

  /** Which markets to show, with their time zones. */
  show(markets) {
    this.markets = markets;
    this.render();
  }

  render(now = Date.now()) {
    const chips = [];
    for (const { code, timeZone } of this.markets) {
      const state = this.stateOf(code);
      if (!state) continue; // until the server said: a chip without a phase would say nothing
      const { text, title, status } = describeMarket(state, timeZone, now);
      let li = this.list.querySelector(`li[data-market="${CSS.escape(code)}"]`);
      if (!li) {
        li = document.createElement("li");
        li.className = "market-chip";
        li.dataset.market = code;
      }
      if (li.dataset.status !== status) li.dataset.status = status;
      if (li.textContent !== text) li.textContent = text;
      if (li.title !== title) li.title = title;
      chips.push(li);
    }
    const same = chips.length === this.list.children.length && chips.every((li, i) => this.list.children[i] === li);
    if (!same) this.list.replaceChildren(...chips);
    this.list.hidden = chips.length === 0;
  }
}

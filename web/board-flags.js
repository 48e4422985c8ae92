// What a quote says about itself: stale (its market is open, yet it stopped updating) and
// the daily price limits (SH, SZ). The server sends every quote whole, so a flag missing
// from the newest quote is over; nothing here remembers an earlier one. quoteFlags() uses
// no DOM (unit-tested in Node); renderFlags() puts the badges in a row.
import { clockTime, fixed } from "./board-format.js";

function finite(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** "limit up 1985.94, limit down 1624.86" ("" for a market without limits). */
export function limitsText(quote, decimals = 2) {
  const parts = [];
  const up = finite(quote?.limit_up);
  const down = finite(quote?.limit_down);
  if (up !== null) parts.push(`limit up ${fixed(up, decimals)}`);
  if (down !== null) parts.push(`limit down ${fixed(down, decimals)}`);
  return parts.join(", ");
}

/**
 * { stale, atLimit: "up" | "down" | null, limits, badges: [{ kind, text, title }] } of a quote;
 * `timeZone` is its market's, for the times in the titles.
 */
export function quoteFlags(quote, decimals = 2, timeZone = undefined) {
  const stale = quote?.stale === true;
  const atLimit = quote?.at_limit === "up" || quote?.at_limit === "down" ? quote.at_limit : null;
  const badges = [];
  if (atLimit) {
    const value = finite(atLimit === "up" ? quote.limit_up : quote.limit_down);
    const at = value === null ? "" : ` (${fixed(value, decimals)})`;
    badges.push({ kind: `limit-${atLimit}`, text: `limit ${atLimit}`, title: `At the daily limit ${atLimit}${at}` });
  }
  if (stale) {
    const since = Number.isFinite(Date.parse(quote.quote_time)) ? `; last quoted ${clockTime(quote.quote_time, timeZone)}` : "";
    const market = quote.market ? `${quote.market} is open` : "the market is open";
    badges.push({ kind: "stale", text: "stale", title: `Stale: no new price although ${market}${since}` });
  }
  return { stale, atLimit, limits: limitsText(quote, decimals), badges };
}

/** The badges in `container` and the row's marks (`tr.stale`, `tr[data-at-limit]`), touched only on change. */
export function renderFlags(container, tr, flags) {
  const key = flags.badges.map((b) => `${b.kind}|${b.title}`).join("\n");
  if (container.dataset.flags !== key) {
    container.dataset.flags = key;
    container.replaceChildren(...flags.badges.map((b) => {
      const span = document.createElement("span");
      span.className = `flag flag-${b.kind}`;
      span.textContent = b.text;
      span.title = b.title;
      return span;
    }));
  }
  tr.classList.toggle("stale", flags.stale);
  if (flags.atLimit) tr.dataset.atLimit = flags.atLimit;
  else delete tr.dataset.atLimit;
}

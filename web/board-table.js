// The price table: one <tr data-code> per stock, cells with data-field, updates batched
// into animation frames, a flash on each price change, a sparkline, sortable headers.
import { quoteFlags, renderFlags } from "./board-flags.js";
import { renderMarketCell } from "./board-markets.js";
import { Series, createSparkline, drawSparkline } from "./board-spark.js";
import {
  age, clockTime, compactNumber, decimalsOf, direction, exactNumber, fixed, percent, signed,
} from "./board-format.js";

const FIELDS = ["name", "market", "price", "change", "change_pct", "volume", "turnover", "quote_time"];
const NUMERIC = new Set(["price", "change", "change_pct", "volume", "turnover"]);
const TEXT_COLLATOR = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** The value a column sorts by (undefined: no quote yet, always last). */
function sortValue(row, key) {
  const q = row.quote;
  switch (key) {
    case "code": return row.code;
    case "name": return q?.name ?? row.info.name;
    case "market": return q?.market ?? row.info.market;
    case "change_pct": return q?.change_percent;
    default: return q?.[key];
  }
}

function compare(a, b, key) {
  const x = sortValue(a, key);
  const y = sortValue(b, key);
  if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
  if (y === undefined || y === null) return -1;
  return NUMERIC.has(key) ? x - y : TEXT_COLLATOR.compare(String(x), String(y));
}

export class PriceTable {
  /**
   * @param {HTMLTableElement} table
   * @param {{ info(code): {name, market, timezone, currency}, phase(market): string|undefined, onSort(sort), sort }} options
   */
  constructor(table, options) {
    this.table = table;
    this.body = table.tBodies[0];
    this.options = options;
    this.rows = new Map(); // code → row
    this.order = []; // codes in selection order (the order when not sorted)
    this.dirty = new Set();
    this.frame = null;
    this.sort = options.sort?.key ? { key: options.sort.key, dir: options.sort.dir === "desc" ? "desc" : "asc" } : null;
    this.needsOrder = true;
    for (const th of table.tHead.querySelectorAll("th[data-sort]")) {
      th.querySelector("button").addEventListener("click", () => this.toggleSort(th.dataset.sort));
    }
    this.showSort();
  }

  /** Shows exactly `codes` (selection order), keeping the rows (and sparklines) already there. */
  setCodes(codes) {
    const wanted = new Set(codes);
    for (const [code, row] of this.rows) {
      if (!wanted.has(code)) {
        row.tr.remove();
        this.rows.delete(code);
        this.dirty.delete(code);
      }
    }
    for (const code of codes) {
      const row = this.rows.get(code);
      if (!row) this.rows.set(code, this.createRow(code));
      else if (!row.quote) this.refreshInfo(row);
    }
    this.order = codes.slice();
    this.needsOrder = true;
    this.schedule();
  }

  codes() {
    return [...this.rows.keys()];
  }

  /** A quote arrived (snapshot or update); rows it has none of are ignored. */
  update(quote) {
    const row = this.rows.get(quote.code);
    if (!row) return false;
    row.pending = quote;
    if (row.series.add(quote.price, quote.quote_time)) row.sparkDirty = true;
    this.dirty.add(quote.code);
    this.schedule();
    return true;
  }

  createRow(code) {
    const info = this.options.info(code);
    const tr = document.createElement("tr");
    tr.dataset.code = code;
    const head = document.createElement("th");
    head.scope = "row";
    head.dataset.field = "code";
    head.textContent = code;
    const flags = document.createElement("span");
    flags.className = "flags";
    head.append(flags);
    tr.append(head);
    const cells = {};
    for (const field of FIELDS) {
      const td = document.createElement("td");
      td.dataset.field = field;
      if (NUMERIC.has(field)) td.className = "num";
      td.textContent = "—";
      cells[field] = td;
      tr.append(td);
    }
    cells.name.textContent = info.name ?? "";
    const trend = document.createElement("td");
    trend.className = "trend";
    const svg = createSparkline();
    trend.append(svg);
    tr.append(trend);
    renderMarketCell(cells.market, info.market, this.options.phase?.(info.market));
    return { code, tr, cells, flags, svg, info, quote: null, pending: null, series: new Series(), sparkDirty: false, flip: 0 };
  }

  /** Name and market from the catalog (it may have arrived after the row). */
  refreshInfo(row) {
    row.info = this.options.info(row.code);
    row.cells.name.textContent = row.info.name ?? "";
    renderMarketCell(row.cells.market, row.info.market, this.options.phase?.(row.info.market));
  }

  /** A market's phase changed: the market cells (and the rows' marks) follow. */
  refreshPhases() {
    for (const row of this.rows.values()) {
      const market = row.quote?.market ?? row.info.market;
      renderMarketCell(row.cells.market, market, this.options.phase?.(market));
    }
  }

  schedule() {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Applies what arrived since the last frame, then puts the rows in order. */
  flush() {
    this.frame = null;
    let resort = this.needsOrder;
    for (const code of this.dirty) {
      const row = this.rows.get(code);
      if (!row || !row.pending) continue;
      const before = row.quote;
      row.quote = row.pending;
      row.pending = null;
      this.render(row, before);
      if (this.sort && this.sort.key !== "code") resort = true;
    }
    this.dirty.clear();
    if (resort) this.reorder();
  }

  render(row, before) {
    const q = row.quote;
    const c = row.cells;
    const decimals = decimalsOf(q.price, q.prev_close, q.change, q.limit_up, q.limit_down);
    const info = row.info;
    const trend = direction(q.change);
    c.name.textContent = q.name ?? info.name ?? "";
    c.name.title = c.name.textContent;
    const market = q.market ?? info.market;
    renderMarketCell(c.market, market, this.options.phase?.(market));
    const flags = quoteFlags(q, decimals, info.timezone);
    renderFlags(row.flags, row.tr, flags);
    c.price.textContent = fixed(q.price, decimals);
    const close = typeof q.prev_close === "number" ? `previous close ${fixed(q.prev_close, decimals)}` : "";
    c.price.title = [close, flags.limits].filter(Boolean).join("; ");
    c.change.textContent = signed(q.change, decimals);
    c.change_pct.textContent = percent(q.change_percent);
    c.volume.textContent = compactNumber(q.volume);
    c.volume.title = exactNumber(q.volume);
    c.turnover.textContent = compactNumber(q.turnover);
    c.turnover.title = [exactNumber(q.turnover), info.currency].filter(Boolean).join(" ");
    this.renderTime(c.quote_time, q.quote_time, info.timezone, q.ingest_time);
    for (const field of ["price", "change", "change_pct"]) {
      c[field].classList.toggle("up", trend > 0);
      c[field].classList.toggle("down", trend < 0);
    }
    if (before && typeof before.price === "number" && q.price !== before.price) {
      // Two identical animations, alternated, restart the flash without forcing a layout.
      const way = q.price > before.price ? "up" : "down";
      c.price.classList.remove("flash-up-0", "flash-up-1", "flash-down-0", "flash-down-1");
      row.flip ^= 1;
      c.price.classList.add(`flash-${way}-${row.flip}`);
    }
    if (row.sparkDirty) {
      row.sparkDirty = false;
      drawSparkline(row.svg, row.series, q.prev_close, trend);
    }
  }

  /** The quote time in the market's zone; the title adds how old it is and how long it took to reach the server. */
  renderTime(cell, iso, timeZone, ingested) {
    let time = cell.firstElementChild;
    if (!time) {
      cell.textContent = "";
      time = document.createElement("time");
      cell.append(time);
    }
    time.dateTime = iso ?? "";
    time.textContent = clockTime(iso, timeZone);
    const took = Date.parse(ingested) - Date.parse(iso);
    time.title = [
      timeZone ? `${timeZone}, ${age(Date.now() - Date.parse(iso))} ago` : "",
      Number.isFinite(took) ? `reached the server ${age(took)} later` : "",
    ].filter(Boolean).join("; ");
  }

  /** Puts the rows in sort order (or selection order), moving only the ones out of place. */
  reorder() {
    this.needsOrder = false;
    let rows = this.order.map((code) => this.rows.get(code)).filter(Boolean);
    if (this.sort) {
      const { key, dir } = this.sort;
      const sign = dir === "desc" ? -1 : 1;
      rows = rows
        .map((row, i) => ({ row, i }))
        .sort((a, b) => {
          const x = sortValue(a.row, key);
          const y = sortValue(b.row, key);
          const missing = (x === undefined || x === null) - (y === undefined || y === null);
          return missing || sign * compare(a.row, b.row, key) || a.i - b.i;
        })
        .map((e) => e.row);
    }
    let cursor = this.body.firstElementChild;
    for (const row of rows) {
      if (row.tr === cursor) cursor = cursor.nextElementSibling;
      else this.body.insertBefore(row.tr, cursor);
    }
  }

  toggleSort(key) {
    if (this.sort?.key === key) this.sort = { key, dir: this.sort.dir === "asc" ? "desc" : "asc" };
    else this.sort = { key, dir: NUMERIC.has(key) ? "desc" : "asc" };
    this.showSort();
    this.reorder();
    this.options.onSort?.(this.sort);
  }

  showSort() {
    for (const th of this.table.tHead.querySelectorAll("th[data-sort]")) {
      const active = this.sort?.key === th.dataset.sort;
      if (active) th.setAttribute("aria-sort", this.sort.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }

  /** Whether every shown row has a quote. */
  get complete() {
    for (const row of this.rows.values()) if (!row.quote && !row.pending) return false;
    return true;
  }
}

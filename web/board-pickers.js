// The choosers: strategy and market checkboxes, a stock search with chips.
import { TYPES } from "./board-selection.js";

function copy(selection) {
  const out = {};
  for (const t of TYPES) out[t] = selection[t].slice();
  return out;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

export class Pickers {
  /** @param {{ onChange(selection), onError(message) }} handlers */
  constructor(root, handlers) {
    this.handlers = handlers;
    this.strategies = root.querySelector("#pick-strategies");
    this.markets = root.querySelector("#pick-markets");
    this.chips = root.querySelector("#stock-chips");
    this.input = root.querySelector("#stock-input");
    this.options = root.querySelector("#stock-options");
    this.summary = root.querySelector("#selection-summary");
    this.catalog = null;
    this.selection = { strategy: [], market: [], stock: [] };
    root.querySelector("#stock-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.addStock(this.input.value);
    });
  }

  /** Draws the choices of a (new) catalog. */
  setCatalog(catalog) {
    this.catalog = catalog;
    this.renderList(this.strategies, "strategy", catalog.strategies.map((s) => ({
      value: s.name, label: s.name, hint: s.description, count: s.stocks.length,
    })));
    this.renderList(this.markets, "market", catalog.markets.map((m) => ({
      value: m.code, label: m.code, hint: m.name, count: catalog.stocks.filter((s) => s.market === m.code).length,
    })));
    this.options.replaceChildren(...catalog.stocks.map((s) => el("option", { value: s.code, label: `${s.name} · ${s.market}` })));
    this.show(this.selection);
  }

  renderList(fieldset, type, items) {
    const legend = fieldset.querySelector("legend");
    const list = el("ul", { className: "choices" });
    for (const item of items) {
      const box = el("input", { type: "checkbox", value: item.value, dataset: { type } });
      box.addEventListener("change", () => this.toggle(type, item.value, box.checked));
      const label = el("label", {}, box, " ", el("span", { className: "choice-name" }, item.label),
        el("span", { className: "count muted" }, ` ${item.count}`));
      if (item.hint) label.append(el("span", { className: "hint muted" }, item.hint));
      list.append(el("li", {}, label));
    }
    fieldset.replaceChildren(legend, list);
  }

  /** Reflects a selection in the controls (no event). */
  show(selection) {
    this.selection = copy(selection);
    for (const box of document.querySelectorAll("#pick-strategies input, #pick-markets input")) {
      box.checked = this.selection[box.dataset.type].includes(box.value);
    }
    const stockByCode = this.catalog?.stockByCode;
    this.chips.replaceChildren(...this.selection.stock.map((code) => {
      const stock = stockByCode?.get(code);
      const remove = el("button", { type: "button", className: "chip-remove", textContent: "×" });
      remove.setAttribute("aria-label", `Remove ${code}`);
      remove.addEventListener("click", () => this.toggle("stock", code, false));
      return el("li", { className: "chip", dataset: { code } },
        el("span", {}, stock ? `${code} ${stock.name}` : code), remove);
    }));
    const parts = [...this.selection.strategy, ...this.selection.market, ...this.selection.stock];
    this.summary.textContent = parts.length ? `(${parts.length > 4 ? `${parts.slice(0, 4).join(", ")}, …` : parts.join(", ")})` : "";
  }

  toggle(type, value, on) {
    const next = copy(this.selection);
    next[type] = on ? [...new Set([...next[type], value])] : next[type].filter((v) => v !== value);
    this.show(next);
    this.handlers.onChange(copy(next));
  }

  /** The code typed or picked: an exact code (any case), or the one stock whose name holds the text. */
  resolve(text) {
    const query = text.trim();
    if (!query) return null;
    const stocks = this.catalog?.stocks ?? [];
    const exact = stocks.find((s) => s.code.toLowerCase() === query.toLowerCase());
    if (exact) return exact.code;
    const byName = stocks.filter((s) => s.name.toLowerCase().includes(query.toLowerCase()));
    if (byName.length === 1) return byName[0].code;
    // Without a catalog, trust the code: the server says whether it exists.
    return this.catalog ? null : query;
  }

  addStock(text) {
    const code = this.resolve(text);
    if (!code) {
      this.handlers.onError(`No single stock matches “${text.trim()}”.`);
      return;
    }
    this.input.value = "";
    if (!this.selection.stock.includes(code)) this.toggle("stock", code, true);
  }
}

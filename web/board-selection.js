// What the board watches: strategies, markets and stocks. Kept in the URL hash (a link
// shows the same board) and in localStorage (a plain reload or a new tab does too).

export const TYPES = ["strategy", "market", "stock"];
const STORAGE_KEY = "stockpush.board.selection";
const PREFS_KEY = "stockpush.board.prefs";

export function emptySelection() {
  return { strategy: [], market: [], stock: [] };
}

export function isEmpty(selection) {
  return TYPES.every((t) => selection[t].length === 0);
}

function clean(list) {
  return [...new Set((Array.isArray(list) ? list : []).filter((v) => typeof v === "string" && v !== ""))];
}

function normalize(raw) {
  const selection = emptySelection();
  for (const t of TYPES) selection[t] = clean(raw?.[t]);
  return selection;
}

/** `#strategy=a,b&market=HK&stock=0700` → a selection; null when the hash names none of the types. */
export function parseHash(hash) {
  const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  if (!TYPES.some((t) => params.has(t))) return null;
  const raw = {};
  for (const t of TYPES) raw[t] = (params.get(t) || "").split(",").map((s) => s.trim());
  return normalize(raw);
}

export function toHash(selection) {
  const parts = TYPES.map((t) => `${t}=${selection[t].map(encodeURIComponent).join(",")}`);
  return "#" + parts.join("&");
}

function readJSON(key) {
  try {
    const text = localStorage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null; // storage disabled or a value from elsewhere
  }
}

function writeJSON(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage disabled or full: the URL hash still keeps the selection
  }
}

/** The remembered selection: the URL's first, then localStorage; null when there is none. */
export function loadSelection() {
  const fromHash = parseHash(location.hash);
  if (fromHash) return fromHash;
  const stored = readJSON(STORAGE_KEY);
  return stored && typeof stored === "object" ? normalize(stored) : null;
}

export function saveSelection(selection) {
  writeJSON(STORAGE_KEY, selection);
  const hash = toHash(selection);
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

export function loadPrefs() {
  const prefs = readJSON(PREFS_KEY);
  return prefs && typeof prefs === "object" ? prefs : {};
}

export function savePrefs(prefs) {
  writeJSON(PREFS_KEY, prefs);
}

/** The codes a selection covers, in catalog order: strategies' members, then markets', then single stocks. */
export function expand(selection, catalog) {
  const codes = [];
  const seen = new Set();
  const add = (code) => {
    if (!seen.has(code)) {
      seen.add(code);
      codes.push(code);
    }
  };
  for (const name of selection.strategy) catalog.strategyByName.get(name)?.stocks.forEach(add);
  for (const market of selection.market) for (const s of catalog.stocks) if (s.market === market) add(s.code);
  for (const code of selection.stock) add(code);
  return codes;
}

/** What to subscribe and unsubscribe to go from `before` to `after`: { add: {type: [..]}, remove: {type: [..]} }. */
export function diff(before, after) {
  const add = {};
  const remove = {};
  for (const t of TYPES) {
    const old = new Set(before[t]);
    const now = new Set(after[t]);
    const added = after[t].filter((v) => !old.has(v));
    const removed = before[t].filter((v) => !now.has(v));
    if (added.length) add[t] = added;
    if (removed.length) remove[t] = removed;
  }
  return { add, remove };
}

/** A short description: "volume_wave, HK + 2 stocks". */
export function describe(selection) {
  const parts = [...selection.strategy, ...selection.market];
  const n = selection.stock.length;
  if (n === 1) parts.push(selection.stock[0]);
  else if (n > 1) parts.push(`${n} stocks`);
  return parts.join(", ");
}

// Number and time formatting for the board (no dependencies).

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 2 });
const grouped = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const timeFormats = new Map(); // time zone → Intl.DateTimeFormat

/** Decimals a price is shown with: the tick precision the wire carries (2, or 3 for funds). */
export function decimalsOf(...values) {
  let decimals = 2;
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    const text = String(v);
    const dot = text.indexOf(".");
    if (dot >= 0 && !text.includes("e")) decimals = Math.max(decimals, Math.min(4, text.length - dot - 1));
  }
  return decimals;
}

export function fixed(value, decimals) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(decimals) : "—";
}

/** `+1.23` / `-0.40` / `0.00`: a sign on every non-zero change. */
export function signed(value, decimals) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return (0).toFixed(decimals);
  return (value > 0 ? "+" : "−") + text;
}

export function percent(value) {
  const text = signed(value, 2);
  return text === "—" ? text : text + "%";
}

/** 12.3M, 4.5B (locale-aware); the exact figure goes in the cell's title. */
export function compactNumber(value) {
  return typeof value === "number" && Number.isFinite(value) ? compact.format(value) : "—";
}

export function exactNumber(value) {
  return typeof value === "number" && Number.isFinite(value) ? grouped.format(value) : "";
}

/** HH:MM:SS of an ISO instant in a market's time zone (the browser's when unknown). */
export function clockTime(iso, timeZone) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return "—";
  const key = timeZone || "";
  if (!timeFormats.has(key)) {
    let format;
    try {
      format = new Intl.DateTimeFormat(undefined, {
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone: timeZone || undefined,
      });
    } catch {
      format = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    }
    timeFormats.set(key, format);
  }
  return timeFormats.get(key).format(date);
}

/** 0.4 s, 12 s, 3 min, 2 h: how old something is. */
export function age(ms) {
  if (!Number.isFinite(ms)) return "—";
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** -1, 0 or 1: the direction of a change. */
export function direction(value) {
  return typeof value === "number" && value > 0 ? 1 : typeof value === "number" && value < 0 ? -1 : 0;
}

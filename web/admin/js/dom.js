// Small DOM helpers: building elements without innerHTML (no markup from data) and
// formatting numbers and times for people.

const SVG_NS = "http://www.w3.org/2000/svg";

export const $ = (selector, root = document) => root.querySelector(selector);

/** el("td", {class: "num", title: "x"}, "text", otherNode) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** An SVG element with attributes. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attributes);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
}

/** Shows `text` in a message element (hidden when empty); `kind` is "error", "ok" or "". */
export function showMessage(node, text, kind = "") {
  node.textContent = text || "";
  node.hidden = !text;
  node.classList.toggle("error", kind === "error");
  node.classList.toggle("ok", kind === "ok");
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function formatCount(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Math.abs(value) >= 100 || Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

export function formatBytes(value) {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${decimal.format(value / 1024)} KiB`;
  return `${decimal.format(value / 1024 / 1024)} MiB`;
}

/** Seconds to "850 µs", "12.3 ms", "1.2 s". */
export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "–";
  if (seconds < 0.001) return `${integer.format(seconds * 1e6)} µs`;
  if (seconds < 1) return `${decimal.format(seconds * 1000)} ms`;
  return `${decimal.format(seconds)} s`;
}

/** Milliseconds to "0.41 ms", "12.3 ms", "250 ms" (the round trip of a ping). */
export function formatMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${integer.format(ms)} ms`;
}

/** A duration in seconds as "3 d 4 h", "5 h 2 min", "42 s". */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** "how long ago" for an epoch time in milliseconds. */
export function formatAgo(epochMs, now = Date.now()) {
  if (!epochMs) return "–";
  return `${formatDuration((now - epochMs) / 1000)} ago`;
}

export function formatClock(date) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatDateTime(date) {
  if (Number.isNaN(date.getTime())) return "–";
  return `${date.toLocaleDateString()} ${formatClock(date)}`;
}

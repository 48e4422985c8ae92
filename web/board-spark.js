// Sparklines: the prices one stock had during this session, as a small inline SVG.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 100;
const HEIGHT = 28;
const PAD = 2;
export const MAX_POINTS = 240;

/** The prices one stock had this session, one point per quote (the newest MAX_POINTS). */
export class Series {
  constructor() {
    this.points = [];
    this.lastTime = null;
  }
  /** Adds a quote's price; a quote seen before (the same quote time, e.g. a snapshot after a reconnect) is skipped. */
  add(price, time) {
    if (typeof price !== "number" || !Number.isFinite(price)) return false;
    if (time && time === this.lastTime && this.points[this.points.length - 1] === price) return false;
    this.lastTime = time ?? null;
    this.points.push(price);
    if (this.points.length > MAX_POINTS) this.points.splice(0, this.points.length - MAX_POINTS);
    return true;
  }
}

/** A fresh <svg> for a table cell; it is decorative (the numbers are in the row). */
export function createSparkline() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "spark");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const base = document.createElementNS(SVG, "line");
  base.setAttribute("class", "spark-base");
  base.setAttribute("x1", "0");
  base.setAttribute("x2", String(WIDTH));
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("class", "spark-line");
  line.setAttribute("vector-effect", "non-scaling-stroke");
  base.setAttribute("vector-effect", "non-scaling-stroke");
  svg.append(base, line);
  return svg;
}

/** The polyline's points for `values`, scaled to the box; `reference` (the previous close) widens the range. */
export function pointsFor(values, reference) {
  if (values.length === 0) return { points: "", baseY: null };
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const hasRef = typeof reference === "number" && Number.isFinite(reference);
  // Keep the previous close in view when it is near, so the line reads as above or below it.
  if (hasRef && reference >= lo - (hi - lo) && reference <= hi + (hi - lo)) {
    lo = Math.min(lo, reference);
    hi = Math.max(hi, reference);
  }
  const span = hi - lo || Math.abs(hi) * 0.001 || 1;
  const y = (v) => (PAD + (HEIGHT - 2 * PAD) * (1 - (v - lo) / span)).toFixed(2);
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const points = values.length === 1
    ? `0,${y(values[0])} ${WIDTH},${y(values[0])}`
    : values.map((v, i) => `${(i * step).toFixed(2)},${y(v)}`).join(" ");
  const baseY = hasRef && reference >= lo && reference <= hi ? y(reference) : null;
  return { points, baseY };
}

/** Redraws `svg` (from createSparkline) with the series; `trend` is -1, 0 or 1 for its colour class. */
export function drawSparkline(svg, series, reference, trend) {
  const [base, line] = svg.childNodes;
  const { points, baseY } = pointsFor(series.points, reference);
  line.setAttribute("points", points);
  if (baseY === null) {
    base.setAttribute("visibility", "hidden");
  } else {
    base.removeAttribute("visibility");
    base.setAttribute("y1", baseY);
    base.setAttribute("y2", baseY);
  }
  svg.setAttribute("class", `spark ${trend > 0 ? "up" : trend < 0 ? "down" : "flat"}`);
}

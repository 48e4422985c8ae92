// A small SVG line chart of the last few minutes: one line per series, a dot per
// sample (gaps where a value is missing), labelled axes, a legend, and a text summary
// (also the SVG's aria-label) for screen readers and for anyone who prefers numbers.

import { el, svg } from "./dom.js";

const HEIGHT = 200;
const MARGIN = { left: 64, right: 14, top: 12, bottom: 28 };
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** The smallest of 1, 2, 5 × 10^n at least `x`. */
export function niceCeil(x) {
  if (!(x > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(x));
  const fraction = x / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** {step, top} of a y axis from 0 holding `max`, about four steps, whole steps if `integer`. */
export function yAxis(max, { integer = false, floor = 1 } = {}) {
  const atLeast = Math.max(max, floor);
  let step = niceCeil(atLeast / 4);
  if (integer) step = Math.max(1, Math.round(step));
  return { step, top: step * Math.ceil(atLeast / step - 1e-9) };
}

export class LineChart {
  /**
   * container: the <figure>; options: {title, series: [{key, label}], format(value),
   * windowSeconds, integer, floor (smallest y top, e.g. 1 connection or 1 ms), note (a line
   * under the title)}. A sample with `partial: true` is drawn as a hollow dot (some
   * instances did not answer, so it counts only the others).
   */
  constructor(container, options) {
    this.options = { windowSeconds: 300, integer: false, floor: 1, ...options };
    this.container = container;
    // The aria-label (set on every update) is the text summary, which names the chart.
    this.svg = svg("svg", { role: "img", class: "chart-svg" });
    this.legend = el("ul", { class: "legend" });
    this.summary = el("p", { class: "summary", "aria-live": "off" });
    this.caption = el("figcaption", {}, el("h2", {}, options.title), this.legend,
      options.note ? el("p", { class: "note muted" }, options.note) : null);
    container.replaceChildren(this.caption, this.svg, this.summary);
    options.series.forEach((series, index) => {
      this.legend.append(el("li", { class: `series-${index}` }, el("span", { class: "swatch", "aria-hidden": "true" }),
        series.label));
    });
    this.update([], Date.now());
    // Drawn at the size shown (in CSS pixels), so labels keep their size on any screen.
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        if (this.svg.clientWidth && Math.abs(this.svg.clientWidth - this.width) > 1) this.update(this.samples, this.now);
      }).observe(this.container);
    }
  }

  /** samples: [{t: epoch ms, <key>: number|null}], oldest first. */
  update(samples, now) {
    this.samples = samples;
    this.now = now;
    const width = Math.max(260, Math.round(this.svg.clientWidth || 640));
    this.width = width;
    this.svg.setAttribute("viewBox", `0 0 ${width} ${HEIGHT}`);
    const plotWidth = width - MARGIN.left - MARGIN.right;
    const { series, windowSeconds, format } = this.options;
    const start = now - windowSeconds * 1000;
    const visible = samples.filter((sample) => sample.t >= start);
    let max = 0;
    for (const sample of visible) {
      for (const { key } of series) if (sample[key] > max) max = sample[key];
    }
    const { step, top } = yAxis(max, this.options);
    const x = (t) => MARGIN.left + ((t - start) / (windowSeconds * 1000)) * plotWidth;
    const y = (value) => MARGIN.top + PLOT_H - (value / top) * PLOT_H;
    const nodes = [];

    // Grid and y labels.
    for (let value = 0; value <= top + step / 2; value += step) {
      const py = y(value).toFixed(1);
      nodes.push(svg("line", { class: "grid", x1: MARGIN.left, x2: width - MARGIN.right, y1: py, y2: py }));
      nodes.push(svg("text", { class: "axis-label", x: MARGIN.left - 6, y: py, "text-anchor": "end",
        "dominant-baseline": "middle" }, format(value)));
    }
    // x labels: a tick per minute (every other one when narrow), "now" at the right.
    const minutes = Math.round(windowSeconds / 60);
    const every = plotWidth / minutes < 80 ? 2 : 1;
    for (let m = minutes; m >= 0; m -= 1) {
      const px = x(now - m * 60000).toFixed(1);
      nodes.push(svg("line", { class: "tick", x1: px, x2: px, y1: MARGIN.top + PLOT_H, y2: MARGIN.top + PLOT_H + 4 }));
      if (m % every !== 0) continue;
      const label = m === 0 ? "now" : `−${m} min`;
      const anchor = m === 0 ? "end" : m === minutes ? "start" : "middle";
      nodes.push(svg("text", { class: "axis-label", x: px, y: HEIGHT - 6, "text-anchor": anchor }, label));
    }
    nodes.push(svg("line", { class: "axis", x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + PLOT_H }));
    nodes.push(svg("line", { class: "axis", x1: MARGIN.left, x2: width - MARGIN.right,
      y1: MARGIN.top + PLOT_H, y2: MARGIN.top + PLOT_H }));

    // One path per series, broken where a value is missing, and a dot per sample.
    series.forEach(({ key }, index) => {
      let d = "";
      let pen = "M";
      const dots = svg("g", { class: `dots series-${index}` });
      for (const sample of visible) {
        const value = sample[key];
        if (value === null || value === undefined || Number.isNaN(value)) {
          pen = "M";
          continue;
        }
        const px = x(sample.t).toFixed(1);
        const py = y(Math.min(value, top)).toFixed(1);
        d += `${pen}${px},${py} `;
        pen = "L";
        dots.append(svg("circle", { cx: px, cy: py, r: sample.partial ? 3 : 2.2, class: sample.partial ? "partial" : null,
          "data-value": value, "data-t": sample.t }));
      }
      const last = [...visible].reverse().find((sample) => sample[key] !== null && sample[key] !== undefined);
      nodes.push(svg("path", { class: `line series-${index}`, d: d.trim(), "data-series": key,
        "data-last": last ? last[key] : "" }));
      nodes.push(dots);
    });
    this.svg.replaceChildren(...nodes);
    this.svg.setAttribute("data-samples", String(visible.length));

    const text = this.describe(visible);
    this.summary.textContent = text;
    this.svg.setAttribute("aria-label", text);
  }

  /** "Connections now 3; lowest 0, highest 3 over the last 5 min." */
  describe(visible) {
    const { series, format, windowSeconds, title } = this.options;
    const parts = series.map(({ key, label }) => {
      const values = visible.map((sample) => sample[key]).filter((v) => v !== null && v !== undefined);
      if (!values.length) return `${label}: no data yet`;
      const now = values[values.length - 1];
      return `${label} now ${format(now)} (lowest ${format(Math.min(...values))}, highest ${format(Math.max(...values))})`;
    });
    const partial = visible.some((sample) => sample.partial) ? " Hollow dots leave out instances that did not answer." : "";
    return `${title}, last ${Math.round(windowSeconds / 60)} min: ${parts.join("; ")}.${partial}`;
  }
}

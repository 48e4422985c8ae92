// The connection badge (live / reconnecting in N s / offline), the age of the data and
// the message rate. #conn-state carries data-state = the SDK's state and is the live
// region: its text changes only when the state does (the countdown is beside it).
import { age } from "./board-format.js";

const RATE_WINDOW_MS = 5000;
const STALE_MS = 10000;

export class ConnectionView {
  constructor({ badge, detail, retry, age: ageEl, rate, onRetry }) {
    Object.assign(this, { badge, detail, retry, ageEl, rateEl: rate });
    this.state = "idle";
    this.retryAt = null; // when the SDK's next attempt is due (reconnecting)
    this.attempt = 0;
    this.error = null;
    this.lastTimestamp = null; // ms: the `timestamp` of the newest price_update
    this.arrivals = []; // ms: when recent price_updates arrived
    this.since = Date.now();
    retry.addEventListener("click", () => onRetry());
    addEventListener("online", () => this.render());
    addEventListener("offline", () => this.render());
    this.render();
    setInterval(() => this.tick(), 250);
  }

  /** The SDK's `status` event: { state, delay?, attempt?, error? }. */
  onStatus({ state, delay, attempt, error }) {
    this.state = state;
    if (typeof attempt === "number") this.attempt = attempt;
    this.retryAt = state === "reconnecting" && typeof delay === "number" ? Date.now() + delay : null;
    this.error = error ?? null;
    if (state === "open") this.attempt = 0;
    this.render();
  }

  /** A price_update arrived. */
  onUpdate(message) {
    const now = Date.now();
    this.arrivals.push(now);
    const t = Date.parse(message.timestamp);
    if (Number.isFinite(t) && (this.lastTimestamp === null || t > this.lastTimestamp)) this.lastTimestamp = t;
  }

  label() {
    const online = navigator.onLine !== false;
    switch (this.state) {
      case "open":
        // The socket may look open for a while after the network went away: say what the browser knows.
        return online ? ["Live", ""] : ["Offline", "no network"];
      case "reconnecting": {
        const left = Math.max(0, Math.ceil((this.retryAt - Date.now()) / 1000));
        const when = this.retryAt === null ? "soon" : left > 0 ? `in ${left} s` : "now";
        return online ? ["Reconnecting", when] : ["Offline", `no network; retrying ${when}`];
      }
      case "connecting":
        if (this.attempt > 0) return online ? ["Reconnecting", "connecting…"] : ["Offline", "no network; connecting…"];
        return ["Connecting…", ""];
      case "failed":
        return ["Offline", this.error?.code ? `refused (${this.error.code})` : "refused"];
      case "closed":
        return ["Offline", "closed"];
      default:
        return ["Connecting…", ""];
    }
  }

  render() {
    const [text, detail] = this.label();
    if (this.badge.dataset.state !== this.state) this.badge.dataset.state = this.state;
    if (this.badge.textContent !== text) this.badge.textContent = text;
    if (this.detail.textContent !== detail) this.detail.textContent = detail;
    const retryable = this.state === "reconnecting" || this.state === "failed" || this.state === "closed";
    if (this.retry.hidden === retryable) this.retry.hidden = !retryable;
    document.body.classList.toggle("stale", this.state !== "open");
  }

  tick() {
    this.render();
    const now = Date.now();
    while (this.arrivals.length && this.arrivals[0] <= now - RATE_WINDOW_MS) this.arrivals.shift();
    const span = Math.min(RATE_WINDOW_MS, Math.max(1000, now - this.since));
    this.rateEl.textContent = (this.arrivals.length / (span / 1000)).toFixed(1);
    if (this.lastTimestamp === null) {
      this.ageEl.textContent = "—";
      return;
    }
    const ms = now - this.lastTimestamp;
    this.ageEl.textContent = age(ms);
    this.ageEl.classList.toggle("stale", ms > STALE_MS || this.state !== "open");
  }
}

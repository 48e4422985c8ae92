// Test doubles for the SDK's unit tests: a scripted WebSocket and a manual clock.

/** A WebSocket whose server side the test plays: `server(msg)` delivers, `sent` records. */
export class FakeSocket {
  static instances = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.closed = null;
    FakeSocket.instances.push(this);
  }
  static reset() {
    FakeSocket.instances = [];
  }
  static last() {
    return FakeSocket.instances[FakeSocket.instances.length - 1];
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code, reason) {
    this.closed = { code, reason };
  }
  // --- the server's side ---
  accept(greeting = {}) {
    this.onopen?.({});
    this.server({ type: "connected", client_id: "c_t_1", heartbeat_interval: 30, ...greeting });
  }
  server(msg) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  refuse(status) {
    this.onerror?.({ message: `Unexpected server response: ${status}` });
    this.onclose?.({ code: 1006, reason: "" });
  }
  drop(code = 1006, reason = "") {
    this.onclose?.({ code, reason });
  }
  /** Answers the last subscribe request: one `subscribed` per target, then a snapshot. */
  ackSubscribe(quotes = [], seq = 1) {
    const req = [...this.sent].reverse().find((m) => m.type === "subscribe");
    for (const target of req.targets) {
      this.server({ type: "subscribed", subscription_type: req.subscription_type, target, stocks: [target], id: req.id });
    }
    if (quotes.length) this.server(prices(seq, quotes, true));
    return req;
  }
}

export function quote(code, price) {
  return { code, name: code, market: "SH", price, prev_close: 10, change: price - 10, change_percent: 0, volume: 1 };
}

export function prices(seq, quotes, snapshot = false) {
  return { type: "price_update", seq, snapshot, count: quotes.length, timestamp: "t", data: quotes };
}

/** setTimeout/clearTimeout/now driven by `advance(ms)`. */
export class ManualClock {
  constructor() {
    this.t = 0;
    this.timers = new Map();
    this.nextId = 1;
    this.setTimeout = (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { fn, at: this.t + ms, ms });
      return id;
    };
    this.clearTimeout = (id) => this.timers.delete(id);
    this.now = () => this.t;
  }
  /** Delays of the timers now pending. */
  pending() {
    return [...this.timers.values()].map((t) => t.ms);
  }
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

/** Lets the client's async steps (getToken) run. */
export const tick = () => new Promise((r) => setImmediate(r));

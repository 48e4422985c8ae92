// StockPush JavaScript client: one ES module, no dependencies, no build step.
// Speaks docs/protocol.md on /ws/stock/prices; runs in browsers and in Node 20
// (pass a WebSocket constructor, e.g. Debian's `ws`, where there is no global one).
// It never gives up on its own: only close(), an auth refusal a retry cannot fix,
// or an operator's disconnect stop it (see README.md, "Reconnect rules").

const TYPES = ["strategy", "stock", "market"];

/** A refusal from the server (`code` is the protocol's error code) or from the client. */
export class StockPushError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = "StockPushError";
    this.code = code;
    Object.assign(this, extra);
  }
}

/** `{ strategy | stock | market: string | string[] }` or `{ type, targets }` → [type, targets]. */
function parseSpec(spec) {
  if (!spec || typeof spec !== "object") throw new TypeError("subscription spec must be an object");
  let type = spec.type ?? spec.subscription_type;
  let targets = spec.targets ?? spec.target;
  for (const t of TYPES) {
    if (spec[t] !== undefined) {
      if (type && type !== t) throw new TypeError("one subscription type per call");
      type = t;
      targets = spec[t];
    }
  }
  if (!TYPES.includes(type)) throw new TypeError(`subscription type must be one of ${TYPES.join(", ")}`);
  targets = [...new Set(Array.isArray(targets) ? targets : [targets])];
  if (targets.length === 0 || targets.some((t) => typeof t !== "string" || t === "")) {
    throw new TypeError("targets must be non-empty strings");
  }
  return [type, targets];
}

/** The HTTP status of a refused handshake, where the WebSocket implementation tells it (ws does, browsers never). */
function handshakeStatus(event) {
  const text = String(event?.message ?? event?.error?.message ?? "");
  const m = /Unexpected server response: (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
}

export class StockPushClient {
  /**
   * @param {string} url ws(s)://host[:port] or the full .../ws/stock/prices URL
   * @param {object} [options] see stockpush.d.ts
   */
  constructor(url, options = {}) {
    this.url = /\/ws\/stock\/prices/.test(url) ? url : url.replace(/\/+$/, "") + "/ws/stock/prices";
    this.options = options;
    this.baseMs = options.reconnect?.baseMs ?? 1000;
    this.maxMs = options.reconnect?.maxMs ?? 30000;
    this.stableMs = options.reconnect?.stableMs ?? 10000;
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (!this.WebSocket) throw new TypeError("no global WebSocket: pass options.WebSocket (e.g. the ws package)");
    this.setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimeout ?? ((t) => clearTimeout(t));
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    /** code → latest quote, from snapshots and updates. */
    this.board = new Map();
    /** market code → its trading phase { market, status, since, next_change, timestamp }, from
     * `market_status` messages and status() replies (which cover every market of the catalog). */
    this.markets = new Map();
    this.state = "idle";
    this.clientId = null;
    this.attempt = 0;
    this._listeners = new Map();
    this._subs = new Map(); // "type\ttarget" → {type, target}: what is resubscribed after a reconnect
    this._covers = new Map(); // same key → the stocks its last ack listed
    this._waiters = new Set(); // pending subscribe() promises, answered across reconnects
    this._requests = new Map(); // id → {kind, type, keys, replies, expect, resolve, reject}
    this._nextId = 1;
    this._ws = null;
    this._timer = null;
    this._watchdog = null;
    this._lastSeq = 0;
    this._resumeToken = null; // the last `connected`'s resume_token: presented after a reconnect
    this._hadConnection = false;
    this._draining = new Map(); // code → unsubscribes in flight that dropped it: its late quotes are ignored
    this._notify = null; // {autoAck} once notifications() was called: taken again after every reconnect
  }

  // --- events -------------------------------------------------------------------
  on(event, fn) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(fn);
    return this;
  }
  off(event, fn) {
    this._listeners.get(event)?.delete(fn);
    return this;
  }
  _emit(event, ...args) {
    for (const fn of [...(this._listeners.get(event) ?? [])]) {
      try {
        fn(...args);
      } catch (e) {
        if (event !== "error") this._emit("error", e);
      }
    }
  }
  _setState(state, extra = {}) {
    this.state = state;
    this._emit("status", { state, ...extra });
  }

  // --- lifecycle ----------------------------------------------------------------
  /** Opens the connection (and keeps it open until close()). */
  connect() {
    if (this.state === "connecting" || this.state === "open") return this;
    this._cancelTimer();
    this._open();
    return this;
  }

  /** Closes for good: no reconnect. Pending requests reject with `closed`. */
  close() {
    this._cancelTimer();
    this._stopWatchdog();
    const ws = this._ws;
    this._ws = null;
    this._failPending(new StockPushError("closed", "client closed"), true);
    this._setState("closed");
    if (ws) {
      this._detach(ws);
      try {
        ws.close(1000, "client closed");
      } catch {}
    }
    this._emit("close", { code: 1000, reason: "client closed", willReconnect: false });
  }

  async _open() {
    this._setState("connecting", { attempt: this.attempt });
    let token = this.options.token;
    try {
      if (this.options.getToken) token = await this.options.getToken();
    } catch (e) {
      this._emit("error", new StockPushError("token_failed", String(e?.message ?? e)));
      return this._scheduleReconnect(null);
    }
    if (this.state !== "connecting") return; // close() while waiting for the token
    this._token = token;
    const url = token ? `${this.url}${this.url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : this.url;
    let ws;
    try {
      ws = new this.WebSocket(url);
    } catch (e) {
      this._emit("error", new StockPushError("connect_failed", String(e?.message ?? e)));
      return this._scheduleReconnect(null);
    }
    this._ws = ws;
    this._openedAt = null;
    this._refusal = null;
    ws.onopen = () => {
      this._openedAt = this.now();
    };
    ws.onmessage = (ev) => this._onMessage(ev.data);
    ws.onerror = (ev) => {
      const status = handshakeStatus(ev);
      if (status) this._refusal = status;
    };
    ws.onclose = (ev) => this._onClose(ws, ev?.code ?? 1006, ev?.reason ?? "");
    this._feedWatchdog(); // a handshake that hangs is given up like a silent connection
  }

  _detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Node's ws emits `error` after close() on a connecting socket; an EventEmitter with no listener would throw.
    ws.onerror = () => {};
  }

  _onClose(ws, code, reason) {
    if (ws !== this._ws) return;
    this._detach(ws);
    this._ws = null;
    this._stopWatchdog();
    this._failPending(new StockPushError("disconnected", `connection closed (${code})`), false);
    const wasOpen = this._openedAt !== null;
    if (wasOpen && this.now() - this._openedAt >= this.stableMs) this.attempt = 0;
    const stop = this._permanentFailure(code, reason);
    this._emit("close", { code, reason, status: this._refusal, willReconnect: !stop });
    if (stop) {
      this._emit("error", stop);
      this._setState("failed", { error: stop });
      for (const w of this._waiters) w.reject(stop);
      this._waiters.clear();
      return;
    }
    const delay = this._shutdownDelay ?? null;
    this._shutdownDelay = null;
    this._scheduleReconnect(delay);
  }

  /** The refusals a retry cannot fix: 401 with the same token, and an operator's disconnect. */
  _permanentFailure(code, reason) {
    if (this._refusal === 401) {
      if (!this.options.getToken) {
        return new StockPushError("unauthorized", "the server refused the token (HTTP 401)", { status: 401 });
      }
      if (this._refusedToken !== undefined && this._refusedToken === this._token) {
        return new StockPushError("unauthorized", "getToken() returned a token the server refused (HTTP 401)", {
          status: 401,
        });
      }
      this._refusedToken = this._token;
      return null;
    }
    if (code === 1008 && /disconnected by admin/.test(reason)) {
      return new StockPushError("disconnected_by_admin", "disconnected by an operator", { closeCode: code });
    }
    return null;
  }

  /** Full jitter: a uniform delay in [0, min(maxMs, baseMs·2^attempt)); or the server's own delay. */
  backoffDelay(attempt = this.attempt) {
    return Math.floor(this.random() * Math.min(this.maxMs, this.baseMs * 2 ** attempt));
  }

  _scheduleReconnect(serverDelay) {
    if (this.state === "closed") return;
    const delay = serverDelay ?? this.backoffDelay();
    if (serverDelay === null) this.attempt += 1;
    const attempt = this.attempt;
    this._setState("reconnecting", { delay, attempt });
    this._emit("reconnecting", { delay, attempt });
    this._timer = this.setTimer(() => {
      this._timer = null;
      this._open();
    }, delay);
  }

  _cancelTimer() {
    if (this._timer !== null) this.clearTimer(this._timer);
    this._timer = null;
  }

  // --- heartbeat watchdog -------------------------------------------------------
  // Browsers cannot see ping frames: silence for one interval → `ping`; for two → reconnect.
  _feedWatchdog() {
    this._stopWatchdog();
    const hb = this.options.heartbeatMs ?? this._serverHeartbeatMs ?? 30000;
    this._watchdog = this.setTimer(() => {
      this._send({ type: "ping", id: `hb${this._nextId++}` });
      this._watchdog = this.setTimer(() => {
        this._watchdog = null;
        this._emit("error", new StockPushError("heartbeat_timeout", `nothing received for ${2 * hb} ms`));
        this._drop(4000, "heartbeat timeout");
      }, hb);
    }, hb);
  }
  _stopWatchdog() {
    if (this._watchdog !== null) this.clearTimer(this._watchdog);
    this._watchdog = null;
  }
  /** Gives up on the current socket and reconnects (the socket's own close may never come). */
  _drop(code, reason) {
    const ws = this._ws;
    if (!ws) return;
    try {
      ws.close(code, reason);
    } catch {}
    this._onClose(ws, code, reason);
  }

  // --- messages -----------------------------------------------------------------
  _send(msg) {
    if (!this._ws || this.state !== "open") return false;
    try {
      this._ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  _onMessage(raw) {
    let msg;
    try {
      msg = JSON.parse(typeof raw === "string" ? raw : String(raw));
    } catch {
      return;
    }
    if (!msg || typeof msg !== "object") return;
    this._feedWatchdog();
    switch (msg.type) {
      case "connected":
        return this._onConnected(msg);
      case "resumed":
        return this._onResumed(msg);
      case "price_update":
        return this._onPrices(msg);
      case "notification":
        return this._onNotification(msg);
      case "subscribed":
      case "unsubscribed":
      case "acked":
      case "error":
      case "status":
      case "pong":
        return this._onReply(msg);
      case "server_shutdown":
        this._shutdownDelay = Math.max(0, Number(msg.reconnect_after_ms) || 0);
        return this._emit("shutdown", msg);
      case "broadcast":
        return this._emit("broadcast", msg.data, msg);
      case "subscription_changed":
        return this._onSubscriptionChanged(msg);
      case "market_status":
        return this._onMarketStatus(msg);
      default:
        return; // unknown types are ignored (protocol: stability)
    }
  }

  _onConnected(msg) {
    this.clientId = msg.client_id;
    if (msg.heartbeat_interval > 0) this._serverHeartbeatMs = msg.heartbeat_interval * 1000;
    this._refusedToken = undefined;
    const reconnected = this._hadConnection;
    this._hadConnection = true;
    const previous = { token: this._resumeToken, seq: this._lastSeq };
    this._resumeToken = typeof msg.resume_token === "string" ? msg.resume_token : null;
    this._lastSeq = 0;
    this._setState("open", { clientId: msg.client_id });
    this._emit("open", { clientId: msg.client_id, reconnected });
    this._feedWatchdog();
    if (this._notify && !(reconnected && previous.token && this._subs.size > 0)) this._takeNotifications();
    if (this._subs.size === 0) return;
    // The server keeps sessions: ask for ours back instead of resubscribing (one snapshot, seq continues).
    if (reconnected && previous.token) return this._resume(previous.token, previous.seq);
    this._resubscribe(reconnected ? "reconnect" : "connect");
  }

  _resume(token, lastSeq) {
    const id = this._nextId++;
    this._requests.set(id, { kind: "resume", reject() {} }); // a drop meanwhile: the next connection starts over
    this._send({ type: "resume", token, last_seq: lastSeq, id });
    this._emit("resync", { reason: "resume" });
  }

  /**
   * The session is back: the subscription list stays as it is. What changed while away is
   * brought in line — targets subscribed meanwhile (or whose subscribe() still waits) are
   * subscribed, targets dropped meanwhile unsubscribed — and `seq` continues from the server's.
   */
  _onResumed(msg) {
    const req = this._requests.get(msg.id);
    if (!req || req.kind !== "resume") return;
    this._requests.delete(msg.id);
    if (typeof msg.seq === "number") this._lastSeq = msg.seq;
    const held = new Set((msg.subscriptions ?? []).map((s) => `${s.subscription_type}\t${s.target}`));
    const waiting = new Set([...this._waiters].flatMap((w) => [...w.keys]));
    const missing = new Map();
    for (const [key, { type, target }] of this._subs) {
      if (held.has(key) && !waiting.has(key)) continue;
      if (!missing.has(type)) missing.set(type, []);
      missing.get(type).push(target);
    }
    for (const [type, targets] of missing) this._sendSubscribe(type, targets);
    const extra = new Map();
    for (const key of held) {
      if (this._subs.has(key)) continue;
      const [type, target] = key.split("\t");
      if (!extra.has(type)) extra.set(type, []);
      extra.get(type).push(target);
    }
    for (const [type, targets] of extra) this.unsubscribe({ type, targets }).catch(() => {});
    if (this._notify) this._takeNotifications(); // idempotent: the session may have brought them back already
    this._emit("resumed", msg);
  }

  /** Refused (expired, used, Redis down…): resubscribe as without resume. */
  _onResumeRefused(id) {
    this._requests.delete(id);
    if (this._notify) this._takeNotifications();
    this._resubscribe("reconnect");
  }

  /** Sends every held subscription again, one `targets` batch per type; the snapshots bring the board up to date. */
  _resubscribe(reason) {
    const byType = new Map();
    for (const { type, target } of this._subs.values()) {
      if (!byType.has(type)) byType.set(type, []);
      byType.get(type).push(target);
    }
    const pending = new Set();
    for (const [type, targets] of byType) pending.add(this._sendSubscribe(type, targets));
    this._resync = { reason, pending, covered: new Set() };
    this._emit("resync", { reason });
  }

  _sendSubscribe(type, targets) {
    const id = this._nextId++;
    const keys = targets.map((t) => `${type}\t${t}`);
    this._requests.set(id, { kind: "subscribe", type, keys, expect: keys.length, replies: 0 });
    this._send({ type: "subscribe", subscription_type: type, targets, id });
    return id;
  }

  _onPrices(msg) {
    if (typeof msg.seq === "number") {
      const gap = this._lastSeq > 0 && msg.seq !== this._lastSeq + 1;
      this._lastSeq = msg.seq;
      if (gap) {
        this._emit("error", new StockPushError("seq_gap", `seq jumped to ${msg.seq}`));
        this._applyQuotes(msg);
        return this._resubscribe("gap");
      }
    }
    this._applyQuotes(msg);
  }

  _applyQuotes(msg) {
    const snapshot = msg.snapshot === true;
    for (const quote of Array.isArray(msg.data) ? msg.data : []) {
      if (!quote || typeof quote.code !== "string") continue;
      if (this._draining.has(quote.code)) continue; // sent before the server read our unsubscribe
      this.board.set(quote.code, quote);
      this._emit("quote", quote, { snapshot });
    }
    this._emit("update", msg);
  }

  /** Keeps the market's phase, then tells the listeners. */
  _onMarketStatus(msg) {
    if (typeof msg.market !== "string") return;
    const { market, status, since = null, next_change = null, timestamp } = msg;
    this.markets.set(market, { market, status, since, next_change, timestamp });
    this._emit("market", msg);
  }

  /**
   * A `status` reply's `markets`: every market of the catalog, so a board also learns the
   * markets it holds no subscription of. Only a market whose phase differs from the one held
   * is emitted (as a `market` event shaped like `market_status`), so a poll is not a change.
   */
  _onStatusMarkets(msg) {
    if (!msg.markets || typeof msg.markets !== "object") return;
    for (const [market, state] of Object.entries(msg.markets)) {
      if (!state || typeof state.status !== "string") continue;
      const known = this.markets.get(market);
      const next = { market, status: state.status, since: state.since ?? null, next_change: state.next_change ?? null };
      if (known && known.status === next.status && known.since === next.since && known.next_change === next.next_change) {
        continue;
      }
      this._onMarketStatus({ type: "market_status", ...next, timestamp: msg.timestamp });
    }
  }

  _onReply(msg) {
    if (msg.type === "status") this._onStatusMarkets(msg);
    const req = msg.id !== undefined ? this._requests.get(msg.id) : undefined;
    if (msg.type === "pong" && !req) return;
    if (!req) {
      if (msg.type === "error") this._emit("error", new StockPushError(msg.code, msg.message, { reply: msg }));
      return;
    }
    if (req.kind === "subscribe") return this._onSubscribeReply(msg.id, req, msg);
    if (req.kind === "resume") return msg.type === "error" ? this._onResumeRefused(msg.id) : undefined;
    if (msg.type === "error" && !req.replies) {
      this._requests.delete(msg.id);
      return req.reject(new StockPushError(msg.code, msg.message, { reply: msg }));
    }
    req.replies += 1;
    req.collected.push(msg);
    if (req.replies >= req.expect) {
      this._requests.delete(msg.id);
      req.resolve(req.expect === 1 ? msg : req.collected);
    }
  }

  _onSubscribeReply(id, req, msg) {
    if (msg.type === "error" && msg.target === undefined) {
      // Refused as a whole (invalid_message, rate_limited, not_ready): every target of the request fails.
      this._requests.delete(id);
      const err = new StockPushError(msg.code, msg.message, { reply: msg });
      for (const key of req.keys) this._settleKey(key, null, err);
      this._resyncDone(id);
      return;
    }
    const key = `${req.type}\t${msg.target}`;
    if (msg.type === "subscribed") {
      this._covers.set(key, Array.isArray(msg.stocks) ? msg.stocks : []);
      this._resync?.covered.add(key);
      this._settleKey(key, msg, null);
    } else if (msg.type === "error") {
      this._settleKey(key, null, new StockPushError(msg.code, msg.message, { target: msg.target, reply: msg }));
    }
    req.replies += 1;
    if (req.replies >= req.expect) {
      this._requests.delete(id);
      this._resyncDone(id);
    }
  }

  /**
   * The catalog changed what a held target covers: its stock list is replaced and the
   * quotes no held subscription covers any more leave the board (the added ones arrive in
   * the snapshot that follows).
   */
  _onSubscriptionChanged(msg) {
    const key = `${msg.subscription_type}\t${msg.target}`;
    if (this._covers.has(key)) this._covers.set(key, Array.isArray(msg.stocks) ? msg.stocks : []);
    const covered = new Set();
    for (const [k, stocks] of this._covers) if (this._subs.has(k)) for (const code of stocks) covered.add(code);
    const dropped = (msg.removed ?? []).filter((code) => !covered.has(code) && this.board.delete(code));
    this._emit("subscription_changed", { ...msg, dropped }, msg);
  }

  /** After a reconnect's resubscribe is answered, drop the quotes no held subscription covers any more. */
  _resyncDone(id) {
    const r = this._resync;
    if (!r || !r.pending.delete(id) || r.pending.size > 0) return;
    this._resync = null;
    const covered = new Set();
    for (const [key, stocks] of this._covers) if (this._subs.has(key)) for (const s of stocks) covered.add(s);
    for (const code of [...this.board.keys()]) if (!covered.has(code)) this.board.delete(code);
  }

  _settleKey(key, ack, err) {
    if (err) {
      this._subs.delete(key);
      this._covers.delete(key);
    }
    for (const w of [...this._waiters]) {
      if (!w.keys.has(key)) continue;
      w.keys.delete(key);
      if (ack) w.acks.push(ack);
      if (err) w.errors.push(err);
      if (w.keys.size > 0) continue;
      this._waiters.delete(w);
      if (w.errors.length === 0) w.resolve(w.single ? w.acks[0] : w.acks);
      else {
        const first = w.errors[0];
        w.reject(
          w.single ? first : new StockPushError(first.code, first.message, { target: first.target, errors: w.errors, acks: w.acks }),
        );
      }
    }
  }

  _failPending(err, all) {
    for (const [id, req] of this._requests) if (req.kind !== "subscribe") req.reject(err);
    this._requests.clear();
    this._resync = null;
    if (all) {
      for (const w of this._waiters) w.reject(err);
      this._waiters.clear();
    }
  }

  // --- requests -----------------------------------------------------------------
  /**
   * Subscribes and keeps the subscription across reconnects. Resolves with the
   * `subscribed` ack (an array of acks for several targets); rejects with the
   * server's `error` (for a batch: the first, with `errors` and `acks`). Before the
   * connection is up, the request waits and goes out with the others on `connected`.
   */
  subscribe(spec) {
    const [type, targets] = parseSpec(spec);
    const keys = targets.map((t) => `${type}\t${t}`);
    const promise = new Promise((resolve, reject) => {
      this._waiters.add({ keys: new Set(keys), acks: [], errors: [], resolve, reject, single: targets.length === 1 });
    });
    for (let i = 0; i < targets.length; i++) this._subs.set(keys[i], { type, target: targets[i] });
    if (this.state === "open") this._sendSubscribe(type, targets);
    return promise;
  }

  /** Drops subscriptions (`{ all: true }` or no argument: every one). Resolves with the replies, or at once when offline. */
  unsubscribe(spec = { all: true }) {
    let msg, expect, removed;
    if (spec.all) {
      removed = [...this._subs.keys()];
      msg = { type: "unsubscribe", all: true };
      expect = 1;
    } else {
      const [type, targets] = parseSpec(spec);
      removed = targets.map((t) => `${type}\t${t}`);
      msg = { type: "unsubscribe", subscription_type: type, targets };
      expect = targets.length;
    }
    for (const key of removed) {
      this._subs.delete(key);
      this._covers.delete(key);
    }
    const dropped = this._dropUncovered(new Set([...this._covers.values()].flat()));
    if (this.state !== "open") return Promise.resolve(null);
    // Until the reply, the server may still send quotes of the dropped codes: they must not come back.
    for (const code of dropped) this._draining.set(code, (this._draining.get(code) ?? 0) + 1);
    return this._request(msg, expect, () => {
      for (const code of dropped) {
        const n = this._draining.get(code) - 1;
        if (n > 0) this._draining.set(code, n);
        else this._draining.delete(code);
      }
    });
  }

  /** Removes the quotes of codes not in `stillCovered`; returns those codes. */
  _dropUncovered(stillCovered) {
    const dropped = [...this.board.keys()].filter((code) => !stillCovered.has(code));
    for (const code of dropped) this.board.delete(code);
    return dropped;
  }

  /** The server's `status` reply for this connection (client id, user, subscriptions, message count, and
   * `markets`: every market's phase, which also updates `markets`). */
  status() {
    return this._request({ type: "get_status" }, 1);
  }

  /** An application-level `ping`; resolves with the `pong`. */
  ping() {
    return this._request({ type: "ping" }, 1);
  }

  /** Sends `msg` with an id; `done` runs once it is answered, times out or fails (before the promise settles). */
  _request(msg, expect, done) {
    if (this.state !== "open") {
      done?.();
      return Promise.reject(new StockPushError("not_connected", "not connected"));
    }
    const id = this._nextId++;
    const ms = this.options.requestTimeoutMs ?? 10000;
    return new Promise((resolve, reject) => {
      // A request the server never answers (e.g. dropped by its rate limit) must not hang the caller.
      const timer = this.setTimer(() => {
        if (this._requests.delete(id)) {
          done?.();
          reject(new StockPushError("timeout", `no reply to ${msg.type} within ${ms} ms`));
        }
      }, ms);
      const settle = (fn) => (value) => {
        this.clearTimer(timer);
        done?.();
        fn(value);
      };
      this._requests.set(id, { kind: msg.type, expect, replies: 0, collected: [], resolve: settle(resolve), reject: settle(reject) });
      this._send({ ...msg, id });
    });
  }

  // --- notifications ------------------------------------------------------------
  /**
   * Takes the user's notifications on this connection, now and after every reconnect:
   * the ones queued while away arrive first, as `notification` events. With `autoAck`
   * (default) each is acknowledged once the listeners ran, one `ack` per notification, so
   * one already acknowledged by another tab of the user costs nothing but that ack.
   */
  notifications({ autoAck = true } = {}) {
    this._notify = { autoAck };
    if (this.state === "open") this._takeNotifications();
    return this;
  }

  /** Acknowledges notifications by id (all or none); resolves with the `acked` reply. */
  ack(ids) {
    return this._request({ type: "ack", ids: Array.isArray(ids) ? ids : [ids] }, 1);
  }

  _takeNotifications() {
    this._send({ type: "subscribe", subscription_type: "notifications" });
  }

  _onNotification(msg) {
    const data = msg.data ?? {};
    this._emit("notification", data, msg);
    if (this._notify?.autoAck && typeof data.id === "string") this.ack([data.id]).catch(() => {});
  }

  /** What is held: [{ type, target }] (resubscribed after every reconnect). */
  subscriptions() {
    return [...this._subs.values()];
  }
}

export default StockPushClient;

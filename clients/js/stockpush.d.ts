// Types of stockpush.js (the StockPush JavaScript client). Wire format: docs/protocol.md.

export type SubscriptionType = "strategy" | "stock" | "market";

/** One of `strategy`, `stock`, `market` (a string or an array), or `{ type, targets }`. */
export type SubscriptionSpec =
  | { strategy: string | string[] }
  | { stock: string | string[] }
  | { market: string | string[] }
  | { type: SubscriptionType; targets: string | string[] };

export interface Quote {
  code: string;
  name: string;
  market: string;
  price: number;
  prev_close: number;
  change: number;
  change_percent: number;
  volume: number;
  turnover: number;
  quote_time: string;
  /** Present (true) only while the quote is stale: its market is open and the quote stopped
   * updating. A later quote without it means it recovered (a quote is replaced whole, never merged). */
  stale?: true;
  /** The daily price limits, at the stock's price precision; only for markets with limits (SH, SZ). */
  limit_up?: number;
  limit_down?: number;
  /** Present only while the price sits at a limit. */
  at_limit?: "up" | "down";
  /** When the quote reached the server's store (ISO 8601, like quote_time). */
  ingest_time?: string;
  [field: string]: unknown;
}

/** A market's trading phase (docs/protocol.md, part 6). */
export type MarketPhase = "pre_open" | "open" | "lunch_break" | "closed";

/** One market's state: from a `market_status` message or a `status` reply's `markets`. */
export interface MarketState {
  market: string;
  status: MarketPhase;
  /** When the phase began; null if more than 31 days back. */
  since: string | null;
  /** The next phase change; null if none within 31 days. */
  next_change: string | null;
  /** When the server said so. */
  timestamp?: string;
}

export interface MarketStatusMessage extends MarketState {
  type: "market_status";
  timestamp: string;
}

export interface PriceUpdate {
  type: "price_update";
  seq: number;
  snapshot: boolean;
  count: number;
  timestamp: string;
  data: Quote[];
}

export interface SubscribedAck {
  type: "subscribed";
  subscription_type: SubscriptionType;
  target: string;
  stocks: string[];
  id?: unknown;
}

/** A held target covers other stocks now (the catalog changed). */
export interface SubscriptionChanged {
  type: "subscription_changed";
  subscription_type: SubscriptionType;
  target: string;
  added: string[];
  removed: string[];
  stocks: string[];
}

export interface StatusReply {
  type: "status";
  client_id: string;
  user: string;
  connected_at: number;
  subscriptions: { subscription_type: SubscriptionType; target: string }[];
  message_count: number;
  /** Every market of the catalog, subscribed or not, by code; `{}` before the catalog loaded. */
  markets: Record<string, { status: MarketPhase; since: string | null; next_change: string | null }>;
  timestamp: string;
  id?: unknown;
}

/** `idle` → `connecting` → `open` ⇄ `reconnecting`; `closed` after close(); `failed` after a refusal a retry cannot fix. */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed" | "failed";

export class StockPushError extends Error {
  /** The server's error code (`unknown_target`, `too_many_subscriptions`, `not_ready`, …) or the client's own:
   * `unauthorized`, `disconnected_by_admin`, `heartbeat_timeout`, `seq_gap`, `closed`, `disconnected`,
   * `not_connected`, `timeout`, `token_failed`, `connect_failed`. */
  code: string;
  /** For one target of a batch. */
  target?: string;
  /** For a batch: every refusal, and the acks of the targets that were accepted. */
  errors?: StockPushError[];
  acks?: SubscribedAck[];
  /** HTTP status of a refused handshake, when the WebSocket implementation exposes it (Node's ws does). */
  status?: number;
  reply?: object;
}

export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
}

export interface StockPushOptions {
  /** A fixed JWT, sent as `?token=`. */
  token?: string;
  /** Asked before every connection attempt (first connect and each reconnect). */
  getToken?: () => string | Promise<string>;
  /** Full-jitter backoff: delay = random × min(maxMs, baseMs × 2^attempt). Defaults 1000 / 30000;
   * the attempt count resets once a connection has lasted stableMs (default 10000). */
  reconnect?: { baseMs?: number; maxMs?: number; stableMs?: number };
  /** Watchdog interval; default: the server's `heartbeat_interval`. Silence for one → `ping`, for two → reconnect. */
  heartbeatMs?: number;
  /** status(), ping() and unsubscribe() reject with `timeout` after this long without a reply (default 10000). */
  requestTimeoutMs?: number;
  /** A WebSocket constructor where there is no global one (Node 20: the `ws` package). */
  WebSocket?: new (url: string) => WebSocketLike;
  /** Injected for tests. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
  random?: () => number;
}

/** The server's answer to a `resume`: the subscriptions held now and the `seq` the stream continues after. */
export interface ResumedMessage {
  type: "resumed";
  subscriptions: { subscription_type: SubscriptionType; target: string }[];
  /** Restored targets the server no longer knows or could not hold (absent when none). */
  dropped?: { subscription_type: SubscriptionType; target: string }[];
  seq: number;
  id?: unknown;
}

/** A notification for the connection's user (protocol.md part 14). */
export interface NotificationData {
  id: string;
  title: string;
  content: string;
  /** The sender's category: info, analysis, alert… */
  type: string;
  link: string | null;
  source: string;
  created_at: string;
  status: "unread" | "read";
}

export interface StockPushEvents {
  quote: (quote: Quote, info: { snapshot: boolean }) => void;
  update: (message: PriceUpdate) => void;
  status: (status: { state: ConnectionState; delay?: number; attempt?: number; clientId?: string; error?: StockPushError }) => void;
  open: (info: { clientId: string; reconnected: boolean }) => void;
  close: (info: { code: number; reason: string; status: number | null; willReconnect: boolean }) => void;
  reconnecting: (info: { delay: number; attempt: number }) => void;
  error: (error: StockPushError) => void;
  shutdown: (message: { type: "server_shutdown"; reconnect_after_ms: number; timestamp: string }) => void;
  broadcast: (data: { message?: string; [key: string]: unknown }, message: object) => void;
  /** A `market_status` message, or a market whose phase a `status` reply shows changed (shaped alike). */
  market: (message: MarketStatusMessage) => void;
  /** `resume`: a reconnect presents the last `resume_token` instead of resubscribing. */
  resync: (info: { reason: "connect" | "reconnect" | "gap" | "resume" }) => void;
  /** The server restored the session after a reconnect; one snapshot of its stocks follows. */
  resumed: (message: ResumedMessage) => void;
  /** After notifications(): the queued ones first (oldest first), then live ones. */
  notification: (data: NotificationData, message: { type: "notification"; data: NotificationData }) => void;
  /** After the board dropped `dropped` (removed codes no other held subscription covers); a snapshot of `added` follows. */
  subscription_changed: (change: SubscriptionChanged & { dropped: string[] }, message: SubscriptionChanged) => void;
}

export class StockPushClient {
  constructor(url: string, options?: StockPushOptions);
  readonly url: string;
  /** code → latest quote, from snapshots and updates. */
  readonly board: Map<string, Quote>;
  /** market code → its phase, from `market_status` messages and status() replies. */
  readonly markets: Map<string, MarketState>;
  readonly state: ConnectionState;
  readonly clientId: string | null;
  readonly attempt: number;
  on<E extends keyof StockPushEvents>(event: E, listener: StockPushEvents[E]): this;
  off<E extends keyof StockPushEvents>(event: E, listener: StockPushEvents[E]): this;
  connect(): this;
  close(): void;
  /** One target: its ack; several: the acks in order. Rejects with the (first) refusal. */
  subscribe(spec: SubscriptionSpec): Promise<SubscribedAck | SubscribedAck[]>;
  /** No argument or `{ all: true }`: every subscription. Drops the codes no longer covered from the board (their
   * quotes still in flight until the reply are ignored). Resolves with null when offline. */
  unsubscribe(spec?: SubscriptionSpec | { all: true }): Promise<object | object[] | null>;
  status(): Promise<StatusReply>;
  ping(): Promise<{ type: "pong"; timestamp: string }>;
  subscriptions(): { type: SubscriptionType; target: string }[];
  /** Takes the user's notifications on this connection, now and after every reconnect. With `autoAck` (default
   * true) each is acknowledged once the `notification` listeners ran. */
  notifications(options?: { autoAck?: boolean }): this;
  /** Acknowledges notifications (all or none): they leave the user's queue. */
  ack(ids: string | string[]): Promise<{ type: "acked"; ids: string[] }>;
  /** The delay the next failed attempt would wait (full jitter within the cap). */
  backoffDelay(attempt?: number): number;
}

export default StockPushClient;

// The admin API over fetch: the token from sessionStorage as `Authorization: Bearer`,
// error bodies (`{"error":code,"message":text}`) turned into ApiError, and a 401 into
// Unauthorized (after telling the page through onUnauthorized).

const TOKEN_KEY = "stockpush.adminToken";

export const token = {
  /** The stored token, or null when signed out ("" is a valid token for a server without ADMIN_TOKEN). */
  get() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** "404 not_found: no client c_x" */
  describe() {
    return this.status ? `${this.status} ${this.code}: ${this.message}` : this.message;
  }
}

export class Unauthorized extends ApiError {
  constructor(message) {
    super(401, "unauthorized", message || "the admin token was refused");
  }
}

let unauthorizedHandler = () => {};

/** `handler(error)` runs on every 401 (the page signs out and asks for the token again). */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/**
 * request("GET", "/api/websocket/stats") → parsed JSON (or text with {text: true}).
 * `tokenOverride` checks a token before it is stored.
 */
export async function request(method, path, { body, text = false, tokenOverride, quiet401 = false } = {}) {
  const headers = { Accept: text ? "text/plain" : "application/json" };
  const credential = tokenOverride ?? token.get();
  if (credential) headers.Authorization = `Bearer ${credential}`;
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: "no-store", credentials: "same-origin" });
  } catch (error) {
    // A token that is not a valid header value fails here too, before any request.
    const reason = error instanceof TypeError && /header/i.test(error.message)
      ? "the token holds characters a header cannot carry"
      : `the server did not answer (${error.message})`;
    throw new ApiError(0, "network", reason);
  }
  const raw = await response.text();
  if (response.status === 401) {
    const error = new Unauthorized(errorBody(raw).message);
    if (!quiet401) unauthorizedHandler(error);
    throw error;
  }
  if (!response.ok) {
    const { code, message } = errorBody(raw);
    throw new ApiError(response.status, code || `http_${response.status}`, message || response.statusText);
  }
  if (text) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(response.status, "bad_json", `${path} did not answer JSON`);
  }
}

function errorBody(raw) {
  try {
    const parsed = JSON.parse(raw);
    return { code: parsed.error, message: parsed.message };
  } catch {
    return { code: undefined, message: raw.trim().slice(0, 200) };
  }
}

export const api = {
  stats: () => request("GET", "/api/websocket/stats"),
  // The admin token goes along: /metrics needs it when METRICS_REQUIRE_AUTH is on. Its
  // 401 alone does not sign out (the stats answer decides).
  metrics: () => request("GET", "/metrics", { text: true, quiet401: true }),
  clients(params) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== "") query.set(name, value);
    }
    return request("GET", `/api/websocket/clients?${query}`);
  },
  disconnect: (clientID) => request("DELETE", `/api/websocket/clients/${encodeURIComponent(clientID)}`),
  broadcast: (message) => request("POST", "/api/websocket/broadcast/test", { body: message ? { message } : {} }),
  /** targets: [["strategy", "volume_wave"], ["stock", "AAPL"], …] */
  push(targets) {
    const query = new URLSearchParams(targets);
    const suffix = targets.length ? `?${query}` : "";
    return request("POST", `/api/websocket/push/prices${suffix}`);
  },
};

// The client list: filters, cursor paging both ways (the cursors of the pages before
// are kept on a stack), and a disconnect button per client.

import { $, el, showMessage, formatAgo, formatBytes, formatCount, formatMs } from "./dom.js";
import { api, Unauthorized } from "./api.js";

const NONE = "—";

/** Last ping, last pong, round trip and missed pongs: is the client answering the server's pings? */
function heartbeatCells(client, now) {
  const when = (epoch) => (epoch ? { title: new Date(epoch * 1000).toISOString() } : {});
  const missed = client.missed_pongs ?? 0;
  return [
    el("td", { "data-field": "last_ping", ...when(client.last_ping) },
      client.last_ping ? formatAgo(client.last_ping * 1000, now) : NONE),
    el("td", { "data-field": "last_pong", ...when(client.last_pong) },
      client.last_pong ? formatAgo(client.last_pong * 1000, now) : NONE),
    el("td", { class: "num", "data-field": "rtt_ms",
      title: client.rtt_ms == null ? "no ping answered yet" : `${client.rtt_ms} ms` },
      client.rtt_ms == null ? NONE : formatMs(client.rtt_ms)),
    el("td", { class: missed > 0 ? "num warn-text" : "num", "data-field": "missed_pongs",
      title: missed > 0 ? `${missed} ping(s) in a row without a pong` : "" }, String(missed)),
  ];
}

export class ClientList {
  constructor() {
    this.filters = { user: "", instance: "", subscription: "", limit: 50 };
    this.cursor = null; // cursor of the page shown (null: the first)
    this.previous = []; // cursors of the pages before it
    this.next = null;
    this.loading = null;
    this.message = $("#clients-message");
    $("#client-filters").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const limit = Math.min(1000, Math.max(1, Number.parseInt(form.get("limit"), 10) || 50));
      this.filters = {
        user: form.get("user").trim(), instance: form.get("instance").trim(),
        subscription: form.get("subscription").trim(), limit,
      };
      this.first();
    });
    $("#clients-refresh").addEventListener("click", () => this.load());
    $("#clients-next").addEventListener("click", () => {
      if (!this.next) return;
      this.previous.push(this.cursor);
      this.cursor = this.next;
      this.load();
    });
    $("#clients-prev").addEventListener("click", () => {
      if (!this.previous.length) return;
      this.cursor = this.previous.pop();
      this.load();
    });
  }

  first() {
    this.cursor = null;
    this.previous = [];
    this.load();
  }

  /** Loads the page shown again (one request at a time; a later call waits for it). */
  async load() {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.fetchPage().finally(() => {
      this.loading = null;
      if (this.again) {
        this.again = false;
        this.load();
      }
    });
    return this.loading;
  }

  async fetchPage() {
    let page;
    try {
      page = await api.clients({ ...this.filters, cursor: this.cursor ?? "" });
    } catch (error) {
      if (!(error instanceof Unauthorized)) this.say(`Could not list clients: ${error.describe()}`, "error", true);
      return;
    }
    // The page shown emptied (its clients left): go back to the first page.
    if (!page.clients.length && this.cursor !== null && page.total > 0) {
      this.cursor = null;
      this.previous = [];
      return this.fetchPage();
    }
    this.next = page.next_cursor;
    this.render(page);
  }

  render(page) {
    const body = $("#clients-table tbody");
    const now = Date.now();
    const rows = page.clients.map((client) => {
      const subscriptions = (client.subscriptions || []).map((s) => `${s.subscription_type}:${s.target}`);
      const shown = subscriptions.slice(0, 4).join(", ") + (subscriptions.length > 4 ? ` +${subscriptions.length - 4}` : "");
      const button = el("button", { type: "button", class: "danger small", "data-client": client.client_id,
        "aria-label": `Disconnect ${client.client_id}` }, "Disconnect");
      button.addEventListener("click", () => this.disconnect(client.client_id, button));
      return el("tr", { "data-client": client.client_id },
        el("td", {}, el("code", {}, client.client_id)),
        el("td", {}, client.user),
        el("td", {}, el("code", {}, client.instance)),
        el("td", {}, client.remote_addr),
        el("td", { title: new Date(client.connected_at * 1000).toISOString() }, formatAgo(client.connected_at * 1000, now)),
        el("td", { class: "wrap", title: subscriptions.join(", ") }, shown || "–"),
        el("td", { class: "num" }, formatCount(client.message_count)),
        el("td", { class: "num" }, formatBytes(client.queued_bytes)),
        el("td", { class: "num" }, formatCount(client.seq)),
        ...heartbeatCells(client, now),
        el("td", {}, button));
    });
    if (!rows.length) {
      rows.push(el("tr", {}, el("td", { colspan: 14, class: "muted" }, "No client matches.")));
    }
    body.replaceChildren(...rows);

    const number = this.previous.length + 1;
    const first = this.previous.length * this.filters.limit + 1;
    const range = page.count ? `clients ${first}–${first + page.count - 1}` : "no clients";
    // Set only when it changes: it is a live region, and the list is refreshed at every poll.
    const status = `Page ${number}: ${range} of ${formatCount(page.total)} matching`;
    if ($("#clients-page").textContent !== status) $("#clients-page").textContent = status;
    $("#clients-prev").disabled = this.previous.length === 0;
    $("#clients-next").disabled = !page.next_cursor;
    const missing = page.missing || [];
    if (missing.length) {
      this.say(`Not listed (did not answer in time): ${missing.join(", ")}`, "error", true);
    } else if (this.transient) {
      this.say("");
    }
  }

  /** A status line; a transient one (a failed listing, missing instances) goes at the next good listing. */
  say(text, kind = "", transient = false) {
    this.transient = transient;
    showMessage(this.message, text, kind);
  }

  async disconnect(clientID, button) {
    if (!window.confirm(`Disconnect ${clientID}? It is closed with 1008 "disconnected by admin".`)) return;
    button.disabled = true;
    try {
      await api.disconnect(clientID);
      this.say(`Disconnected ${clientID}.`, "ok");
    } catch (error) {
      if (!(error instanceof Unauthorized)) this.say(`Could not disconnect ${clientID}: ${error.describe()}`, "error");
      button.disabled = false;
      return;
    }
    await this.load();
  }
}

// The broadcast and manual push forms: each shows how many clients the action reached,
// in total and per instance, or the server's error.

import { $, el, formatCount } from "./dom.js";
import { api, request, Unauthorized } from "./api.js";
import { perInstanceList } from "./instances.js";

/** Splits "a, b c" into ["a", "b", "c"]. */
export function splitList(text) {
  return text.split(/[\s,;]+/).map((part) => part.trim()).filter(Boolean);
}

function showResult(node, { ok, headline, total, details = [] }) {
  node.classList.toggle("error", !ok);
  node.classList.toggle("ok", ok);
  if (total !== undefined) node.setAttribute("data-total", String(total));
  else node.removeAttribute("data-total");
  node.replaceChildren(el("p", { class: "headline" }, headline), ...details);
}

function busy(form, on) {
  for (const control of form.querySelectorAll("button, input, textarea")) control.disabled = on;
}

async function run(form, node, action, describe) {
  busy(form, true);
  node.classList.remove("ok", "error");
  node.replaceChildren(el("p", { class: "muted" }, "Sending…"));
  try {
    const answer = await action();
    showResult(node, { ok: true, ...describe(answer) });
  } catch (error) {
    const text = error instanceof Unauthorized ? "Refused: the admin token is no longer accepted." : `Failed: ${error.describe()}`;
    showResult(node, { ok: false, headline: text });
  } finally {
    busy(form, false);
  }
}

/**
 * Suggestions for the push form from `GET /api/catalog` (markets, strategies, active
 * stocks), asked once, when the form is first used; without it the fields stay free text.
 */
async function loadCatalog() {
  let catalog;
  try {
    catalog = await request("GET", "/api/catalog", { quiet401: true });
  } catch {
    return;
  }
  const options = (id, items) => $(id).replaceChildren(
    ...items.map(([value, label]) => el("option", { value, label: label || value })));
  options("#catalog-strategies", (catalog.strategies || []).map((s) => [s.name, s.description]));
  options("#catalog-stocks", (catalog.stocks || []).map((s) => [s.code, `${s.name} (${s.market})`]));
  options("#catalog-markets", (catalog.markets || []).map((m) => [m.code, m.name]));
}

export function setUpActions() {
  const broadcastForm = $("#broadcast-form");
  broadcastForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = new FormData(broadcastForm).get("message");
    run(broadcastForm, $("#broadcast-result"), () => api.broadcast(message), (answer) => ({
      total: answer.sent,
      headline: `Broadcast sent to ${formatCount(answer.sent)} client${answer.sent === 1 ? "" : "s"}.`,
      details: perInstanceList(answer),
    }));
  });

  const pushForm = $("#push-form");
  let catalogAsked = false;
  pushForm.addEventListener("focusin", () => {
    if (catalogAsked) return;
    catalogAsked = true;
    loadCatalog();
  });
  pushForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(pushForm);
    const targets = [];
    for (const type of ["strategy", "stock", "market"]) {
      for (const target of splitList(form.get(type))) targets.push([type, target]);
    }
    const what = targets.length ? targets.map(([type, target]) => `${type} ${target}`).join(", ") : "every stock";
    run(pushForm, $("#push-result"), () => api.push(targets), (answer) => ({
      total: answer.clients,
      headline: `Pushed ${formatCount(answer.quotes)} quote${answer.quotes === 1 ? "" : "s"} (${what}) to `
        + `${formatCount(answer.clients)} client${answer.clients === 1 ? "" : "s"}.`,
      details: perInstanceList(answer),
    }));
  });
}

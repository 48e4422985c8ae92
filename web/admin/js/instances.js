// The instances table, from the `instances`, `covered` and `missing` of the stats answer.

import { $, el, formatCount, formatDateTime } from "./dom.js";

export function renderInstances(stats) {
  const body = $("#instances-table tbody");
  const missing = new Set(stats.missing || []);
  const rows = (stats.instances || []).map((instance) => {
    const silent = missing.has(instance.id);
    const started = instance.started ? new Date(instance.started) : null;
    return el("tr", { class: silent ? "missing" : "", "data-instance": instance.id },
      el("td", {}, el("code", {}, instance.id), instance.id === stats.instance ? el("span", { class: "badge" }, "this page") : null),
      el("td", {}, instance.address || "–"),
      el("td", { title: instance.started || "" }, started ? formatDateTime(started) : "–"),
      el("td", { class: "num" }, formatCount(instance.connections)),
      el("td", { class: "num" }, formatCount(instance.subscriptions)),
      el("td", { class: "num" }, formatCount(instance.messages_per_second)),
      el("td", {}, instance.leader ? el("span", { class: "badge leader" }, "leader") : "–"),
      el("td", { class: "num" }, instance.last_tick === null || instance.last_tick === undefined
        ? "–" : formatCount(instance.last_tick)),
      el("td", {}, silent
        ? el("span", { class: "badge warn" }, "did not answer (last published figures)")
        : el("span", { class: "badge ok" }, "answered")));
  });
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 9, class: "muted" }, "No instance reported.")));
  body.replaceChildren(...rows);

  const notes = [];
  const count = (stats.instances || []).length;
  notes.push(`${count} live instance${count === 1 ? "" : "s"}; this answer came from ${stats.instance}.`);
  if (missing.size) notes.push(`Did not answer in time: ${[...missing].join(", ")} — totals leave them out.`);
  if (stats.cluster_available === false) {
    notes.push("Redis could not carry the request: this instance answered alone.");
  }
  const note = $("#instances-note");
  note.textContent = notes.join(" ");
  note.classList.toggle("warn-text", missing.size > 0 || stats.cluster_available === false);

  // Offer the instance ids in the client filter.
  $("#instance-ids").replaceChildren(...(stats.instances || []).map((instance) => el("option", { value: instance.id })));
}

/** "Reached 3 clients: a 2, b 1; did not answer: c." for an action's answer. */
export function perInstanceList(answer) {
  const items = Object.entries(answer.per_instance || {}).sort(([a], [b]) => a.localeCompare(b))
    .map(([id, n]) => el("li", { "data-instance": id }, el("code", {}, id), `: ${formatCount(n)}`));
  const list = el("ul", { class: "per-instance" }, ...items);
  const extra = [];
  if ((answer.missing || []).length) {
    extra.push(el("p", { class: "warn-text" }, `Did not answer (not counted): ${answer.missing.join(", ")}`));
  }
  if (answer.cluster_available === false) {
    extra.push(el("p", { class: "warn-text" }, "Redis could not carry the request: only this instance acted."));
  }
  return [list, ...extra];
}

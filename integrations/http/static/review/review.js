/* kbassist review queue: lists drafts (/v1/drafts), shows one with its sources side by side,
 * and saves, approves or rejects it. Text from the API is only ever set as textContent. */
(function () {
  "use strict";
  const STORAGE_KEY = "kbassist.review.apiKey";
  const $ = (id) => document.getElementById(id);
  let current = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function status(text) { $("rv-status").textContent = text; }

  function banner(text) {
    const box = $("rv-banner");
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const key = $("rv-key").value.trim();
    if (key) headers["X-API-Key"] = key;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) {
      const detail = data && data.error ? data.error.detail : `HTTP ${response.status}`;
      throw new Error(detail);
    }
    return data;
  }

  function setEditable(on) {
    for (const id of ["rv-markdown", "rv-save", "rv-approve", "rv-reason", "rv-reject"]) {
      $(id).disabled = !on;
    }
  }

  async function loadList() {
    banner("");
    const state = $("rv-state").value;
    const path = state ? `/v1/drafts?state=${encodeURIComponent(state)}` : "/v1/drafts";
    const drafts = await api("GET", path);
    const list = $("rv-drafts");
    list.replaceChildren();
    for (const d of drafts) {
      const button = el("button", { type: "button", "data-id": d.id, class: "rv-item" });
      button.append(el("span", { class: "rv-item-title" }, d.title));
      button.append(el("span", { class: "rv-muted" }, ` ${d.kind} · ${d.state} · ${d.sources} sources`));
      button.addEventListener("click", () => show(d.id).catch((e) => banner(e.message)));
      const item = el("li");
      item.append(button);
      list.append(item);
    }
    status(drafts.length ? `${drafts.length} draft(s)` : "No drafts.");
  }

  async function show(id) {
    banner("");
    const d = await api("GET", `/v1/drafts/${encodeURIComponent(id)}`);
    current = d;
    $("rv-draft-title").textContent = d.title;
    $("rv-meta").textContent = `${d.id} · ${d.kind} · ${d.state} · visibility ${d.visibility}`;
    $("rv-markdown").value = d.markdown;
    setEditable(d.state === "open");
    const sources = $("rv-source-list");
    sources.replaceChildren();
    for (const s of d.source_texts) {
      const item = el("li", { class: "rv-source", "data-id": s.id });
      item.append(el("h3", {}, `${s.kind} ${s.id}${s.title ? " · " + s.title : ""}`));
      item.append(el("pre", {}, s.text || "(not visible to you)"));
      sources.append(item);
    }
  }

  async function act(kind) {
    if (!current) return;
    banner("");
    const id = encodeURIComponent(current.id);
    let done, message;
    if (kind === "save") {
      done = await api("PUT", `/v1/drafts/${id}`, { markdown: $("rv-markdown").value });
      message = `Saved ${done.id}.`;
    } else if (kind === "approve") {
      done = await api("POST", `/v1/drafts/${id}/approve`, { markdown: $("rv-markdown").value });
      message = `Published ${done.doc_id}.`;
    } else {
      const reason = $("rv-reason").value.trim();
      if (!reason) { banner("Give a reason to reject."); return; }
      done = await api("POST", `/v1/drafts/${id}/reject`, { reason });
      message = `Rejected ${done.id}.`;
    }
    await loadList();
    await show(done.id);
    status(message);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("rv-key").value = sessionStorage.getItem(STORAGE_KEY) || "";
    $("rv-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(STORAGE_KEY, $("rv-key").value.trim());
      loadList().catch((e) => banner(e.message));
    });
    for (const kind of ["save", "approve", "reject"]) {
      $(`rv-${kind}`).addEventListener("click", () => act(kind).catch((e) => banner(e.message)));
    }
    loadList().catch((e) => banner(e.message));
  });
})();

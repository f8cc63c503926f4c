/* kbassist admin dashboard: reads /v1/analytics (by day), /v1/gaps and /v1/flags on this origin
 * and draws them. Charts are SVG made here; text from the API is only ever set as textContent. */
(function () {
  "use strict";
  const STORAGE_KEY = "kbassist.admin.apiKey";
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  const pct = (x) => (x === null || x === undefined ? "n/a" : `${Math.round(x * 100)}%`);

  /** A bar chart (kind "bar") or a line chart with dots ("line") of [{label, value}]. */
  function chart(container, points, kind, max, format) {
    container.replaceChildren();
    const known = points.filter((p) => p.value !== null && p.value !== undefined);
    if (!known.length) {
      container.append(el("p", { class: "ad-muted ad-empty" }, "No data in this window."));
      return;
    }
    const W = 320, H = 140, L = 34, B = 20, T = 8;
    const top = max || Math.max(1, ...known.map((p) => p.value));
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
    svg.append(svgEl("title", {}, `${known.length} days`));
    svg.append(svgEl("line", { class: "axis", x1: L, y1: H - B, x2: W, y2: H - B }));
    svg.append(svgEl("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
    svg.append(svgEl("text", { x: 2, y: T + 8 }, format(top)));
    svg.append(svgEl("text", { x: 2, y: H - B }, format(0)));
    const step = (W - L) / points.length;
    const y = (v) => H - B - (v / top) * (H - B - T);
    const line = [];
    points.forEach((p, i) => {
      const x = L + step * i + step / 2;
      if (p.value !== null && p.value !== undefined) {
        const tip = svgEl("title", {}, `${p.label}: ${format(p.value)}`);
        if (kind === "bar") {
          const bar = svgEl("rect", {
            class: "bar", x: x - step * 0.35, width: step * 0.7,
            y: y(p.value), height: Math.max(1, H - B - y(p.value)),
          });
          bar.append(tip);
          svg.append(bar);
        } else {
          line.push(`${x},${y(p.value)}`);
          const dot = svgEl("circle", { class: "dot", cx: x, cy: y(p.value), r: 3 });
          dot.append(tip);
          svg.append(dot);
        }
      }
      if (i === 0 || i === points.length - 1) {
        const anchor = i === 0 ? "start" : "end";
        svg.append(svgEl("text", { x: i === 0 ? L : W, y: H - 4, "text-anchor": anchor }, p.label));
      }
    });
    if (line.length > 1) svg.insertBefore(svgEl("polyline", { class: "line", points: line.join(" ") }), svg.children[1]);
    container.append(svg);
  }

  function renderUsage(data) {
    const days = data.groups.slice().sort((a, b) => (a.key < b.key ? -1 : 1));
    const t = data.totals;
    $("ad-totals").textContent = `${t.suggestions} suggestions, abstention ${pct(t.abstention_rate)}, ` +
      `decided ${pct(t.decided_share)}: accepted ${pct(t.accept_rate)}, edited ${pct(t.edit_rate)}, ` +
      `overridden ${pct(t.override_rate)}`;
    const series = (field) => days.map((d) => ({ label: d.key, value: d[field] }));
    chart($("chart-volume"), series("suggestions"), "bar", 0, (v) => String(Math.round(v)));
    chart($("chart-abstention"), series("abstention_rate"), "line", 1, pct);
    chart($("chart-acceptance"), series("accept_rate"), "line", 1, pct);
    const docs = data.documents;
    const top = $("ad-top-cited");
    top.replaceChildren(...docs.rows.filter((d) => d.cited > 0).slice(0, 10).map((d) =>
      el("li", {}, `${d.title} (${d.doc_id}) · cited ${d.cited}, accepted ${d.cited_accepted}, ` +
        `rated wrong ${d.rated_wrong}${d.owner ? " · " + d.owner : ""}`)));
    if (!top.children.length) top.append(el("li", { class: "ad-muted" }, "Nothing cited in this window."));
    $("ad-never-count").textContent = `(${docs.never_cited_total}` +
      (docs.never_cited_restricted ? `, ${docs.never_cited_restricted} restricted` : "") + ")";
    $("ad-never-cited").replaceChildren(...docs.never_cited.slice(0, 30).map((d) =>
      el("li", {}, `${d.title} (${d.doc_id})${d.owner ? " · " + d.owner : ""}`)));
  }

  function gapItem(c) {
    const item = el("li", { class: "ad-gap" });
    const panel = el("div", { class: "ad-gap-detail", id: `ad-gap-${c.rank}` });
    panel.hidden = true;
    const toggle = el("button", {
      type: "button", class: "ad-gap-toggle", "aria-expanded": "false", "aria-controls": panel.id,
    });
    toggle.append(
      el("span", { class: "ad-gap-label" }, c.label || `${c.hidden} questions from other teams`),
      document.createTextNode(` · ${c.size} questions, ${c.askers} askers, impact ${c.impact} `),
      el("span", { class: `ad-verdict ${c.verdict}` }, c.verdict === "missing" ? "missing" : "exists but fails"));
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
    });
    const reasons = Object.entries(c.reasons).map(([k, n]) => `${k} ${n}`).join(", ");
    panel.append(el("p", { class: "ad-muted" },
      `Reasons: ${reasons}. Trend: ${c.trend.direction} (${c.trend.earlier} earlier, ${c.trend.recent} recent).` +
      (c.hidden ? ` ${c.hidden} more questions from teams you are not in.` : "")));
    const questions = el("ol", { class: "ad-gap-questions" });
    for (const q of c.questions) questions.append(el("li", {}, q.text));
    panel.append(questions);
    if (c.documents.length) {
      const docs = el("ul", { class: "ad-gap-docs" });
      for (const d of c.documents) {
        docs.append(el("li", {}, `Closest: ${d.title} (${d.doc_id}, similarity ${d.similarity.toFixed(2)}` +
          `${d.owner ? ", owner " + d.owner : ""})`));
      }
      panel.append(docs);
    }
    item.append(toggle, panel);
    return item;
  }

  function renderGaps(report) {
    $("ad-gaps-summary").textContent = `${report.poorly_served} poorly served questions, ` +
      `${report.clustered} in the clusters below (most impact first).`;
    const list = $("ad-gaps");
    list.replaceChildren(...report.clusters.map(gapItem));
    if (!report.clusters.length) list.append(el("li", { class: "ad-muted" }, "No knowledge gaps in this window."));
  }

  function renderFlags(report) {
    $("ad-flags-summary").textContent = `${report.flagged_total} flagged documents` +
      (report.restricted_flagged ? `, ${report.restricted_flagged} more you may not see` : "") + ".";
    const box = $("ad-flags");
    box.replaceChildren();
    for (const owner of report.owners) {
      const section = el("div", { class: "ad-owner" });
      section.append(el("h3", {}, owner.owner));
      const list = el("ul");
      for (const d of owner.documents) {
        list.append(el("li", {}, `${d.title} (${d.doc_id}): ` + d.flags.map((f) => f.detail || f.kind).join("; ")));
      }
      section.append(list);
      box.append(section);
    }
  }

  async function getJson(path) {
    const key = $("ad-key").value.trim();
    const response = await fetch(path, { headers: key ? { "X-API-Key": key } : {} });
    if (response.ok) return response.json();
    let detail = "";
    try { detail = (await response.json()).error.detail; } catch (e) { detail = ""; }
    const reason = response.status === 403 ? "This dashboard needs an admin API key."
      : response.status === 401 ? "Enter an admin API key." : `The server answered ${response.status}.`;
    throw new Error(detail ? `${reason} (${detail})` : reason);
  }

  /** Nothing shown is left from an earlier load (e.g. with another key). */
  function clearAll() {
    for (const id of ["chart-volume", "chart-abstention", "chart-acceptance", "ad-gaps", "ad-flags",
      "ad-top-cited", "ad-never-cited"]) $(id).replaceChildren();
    for (const id of ["ad-totals", "ad-gaps-summary", "ad-flags-summary", "ad-never-count"]) $(id).textContent = "";
  }

  async function load() {
    const since = encodeURIComponent($("ad-since").value);
    const banner = $("ad-banner");
    banner.hidden = true;
    delete document.body.dataset.loaded;
    $("ad-status").textContent = "Loading…";
    try {
      const [usage, gaps, flags] = await Promise.all([
        getJson(`/v1/analytics?group_by=day&since=${since}&limit=200`),
        getJson(`/v1/gaps?since=${since}`),
        getJson(`/v1/flags?since=${since}`),
      ]);
      renderUsage(usage);
      renderGaps(gaps);
      renderFlags(flags);
      $("ad-status").textContent = "Loaded.";
      document.body.dataset.loaded = "true";
    } catch (error) {
      clearAll();
      banner.textContent = error.message;
      banner.hidden = false;
      $("ad-status").textContent = "";
      document.body.dataset.loaded = "error";
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    try { $("ad-key").value = window.localStorage.getItem(STORAGE_KEY) || ""; } catch (e) { /* storage off */ }
    $("ad-key").addEventListener("input", () => {
      try { window.localStorage.setItem(STORAGE_KEY, $("ad-key").value.trim()); } catch (e) { /* ignore */ }
    });
    $("ad-form").addEventListener("submit", (event) => { event.preventDefault(); load(); });
    load();
  });
})();

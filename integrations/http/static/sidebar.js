/* kbassist help-desk sidebar: ask for a suggestion, show it, record the agent's decision.
 *
 * Plain JS, no dependencies. Everything lives in this closure; the only global is the
 * read-only `window.kbassistSidebar` namespace. Server text only ever reaches the page through
 * text nodes (textContent / append(string)), never through innerHTML. Knowledge-base Markdown
 * (the answer, snippets) is rendered by markdown.js, loaded before this file, which builds the
 * few elements it allows itself and puts the source text in text nodes. Where the ticket comes
 * from, how the API is reached and where a reply goes is the host's (host.js, loaded before this
 * file): the page on its own, or a Zendesk Support ticket sidebar.
 */
(function () {
  "use strict";

  const STORAGE_AGENT = "kbassist.sidebar.agent";
  const STORAGE_KEY = "kbassist.sidebar.apiKey";
  const SUGGEST_TIMEOUT_MS = 90000;
  const DECIDE_TIMEOUT_MS = 30000;
  const MAX_FOLLOW_UPS = 5;

  /* ---------------------------------------------------------------- dom helpers */
  const dom = {
    byId(id) {
      return document.getElementById(id);
    },
    /** el("a", {href, className, dataset: {...}}, "text", child) — strings become text nodes. */
    el(tag, props, ...children) {
      const node = document.createElement(tag);
      for (const [name, value] of Object.entries(props || {})) {
        if (value === undefined || value === null || value === false) continue;
        if (name === "className") node.className = value;
        else if (name === "dataset") Object.assign(node.dataset, value);
        else if (name in node && typeof value !== "string") node[name] = value;
        else node.setAttribute(name, String(value));
      }
      node.append(...children.filter((c) => c !== null && c !== undefined && c !== ""));
      return node;
    },
    show(node, visible) {
      node.hidden = !visible;
    },
  };

  let ui = {}; // filled by init(): the page's elements by role
  let host = null; // filled by init(): host.js's adapter for where this page runs
  const markdown = window.kbassistMarkdown || null; // markdown.js (loaded first)
  const { ApiError } = window.kbassistHost; // host.js (loaded first)

  /* ---------------------------------------------------------------- local storage */
  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key) || "";
      } catch (_err) {
        return ""; // storage disabled (e.g. a sandboxed iframe): just don't remember
      }
    },
    set(key, value) {
      try {
        if (value) window.localStorage.setItem(key, value);
        else window.localStorage.removeItem(key);
      } catch (_err) {
        /* not remembered; nothing else depends on it */
      }
    },
  };

  /* ---------------------------------------------------------------- API client */
  const api = {
    TITLES: {
      bad_input: "The request was not accepted",
      not_found: "Not found",
      unauthorized: "Your API key was not accepted",
      forbidden: "Not allowed",
      too_large: "Too long",
      conflict: "Conflict",
      model_unavailable: "The assistant is unavailable",
      store_unavailable: "The knowledge base is unavailable",
      llm_unavailable: "The language model is unavailable",
      config: "The server is misconfigured",
      internal: "Something went wrong on the server",
    },

    /** A readable sentence from an error body; never the raw JSON. */
    message(status, statusText, body) {
      const err = body && typeof body === "object" ? body.error : null;
      if (err && typeof err === "object") {
        const code = typeof err.code === "string" ? err.code : "";
        let detail = typeof err.detail === "string" ? err.detail : "";
        if (code === "bad_input") detail = detail.replace(/\bbody\./g, ""); // "body.question: ..."
        const title = api.TITLES[code] || "The request failed";
        return new ApiError(code || "error", detail ? `${title}: ${detail}` : `${title}.`);
      }
      const label = statusText ? `${status} ${statusText}` : String(status);
      return new ApiError("http", `The server answered ${label}. Try again in a moment.`);
    },

    /** Send through the host and return the parsed JSON; throws ApiError. */
    async request(method, path, body, options) {
      const response = await host.send(method, path, body, options || {});
      if (!response.ok) throw api.message(response.status, response.statusText, response.data);
      const data = response.data;
      if (!data || typeof data !== "object") {
        throw new ApiError("unreadable", "The server sent an answer the sidebar cannot read.");
      }
      return data;
    },

    suggest(body, signal) {
      return api.request("POST", "v1/suggestions", body, { signal, timeoutMs: SUGGEST_TIMEOUT_MS });
    },

    decide(suggestionId, decision) {
      const path = `v1/suggestions/${encodeURIComponent(suggestionId)}/decision`;
      return api.request("POST", path, decision, { timeoutMs: DECIDE_TIMEOUT_MS });
    },
  };

  /* ---------------------------------------------------------------- feedback */
  const feedback = {
    announce(text, busy) {
      ui.status.textContent = text;
      ui.status.classList.toggle("is-busy", Boolean(busy));
    },
    error(text) {
      ui.bannerText.textContent = text;
      dom.show(ui.banner, true);
    },
    clearError() {
      ui.bannerText.textContent = "";
      dom.show(ui.banner, false);
    },
    decision(text, isError) {
      ui.decisionStatus.textContent = text;
      ui.decisionStatus.classList.toggle("is-error", Boolean(isError));
    },
  };

  /** "no passage matches" -> "No passage matches." */
  function sentence(text) {
    const t = String(text).trim();
    if (!t) return "";
    return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".");
  }

  /** A citation's section below its title: "Title > Steps" -> "Steps" (as Citation.subsection). */
  function subsection(c) {
    const section = String(c.section || "");
    const title = String(c.title || "");
    if (title && section.startsWith(title)) return section.slice(title.length).replace(/^[\s>]+/, "");
    return section;
  }

  /* ---------------------------------------------------------------- rendering */
  const render = {
    /** An http(s) link target, or null for anything else (javascript:, data:, garbage). */
    safeUrl(url) {
      if (typeof url !== "string" || !url.trim()) return null;
      try {
        const parsed = new URL(url, document.baseURI);
        return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
      } catch (_err) {
        return null;
      }
    },

    marker(citation) {
      return dom.el(
        "a",
        {
          className: "kb-marker",
          href: `#kb-cite-${citation.index}`,
          dataset: { cite: String(citation.index) },
          "aria-label": `source ${citation.index}: ${citation.title}`,
        },
        String(citation.index),
      );
    },

    /** Markdown as HTML, with [n] markers turned into links to the citations that exist. */
    markdown(container, text, citations) {
      const byIndex = new Map((citations || []).map((c) => [c.index, c]));
      const cite = (n) => (byIndex.has(n) ? render.marker(byIndex.get(n)) : null);
      if (markdown) markdown.render(container, text, { cite });
      else container.replaceChildren(text); // markdown.js missing: the raw text, still inert
    },

    /** The reply draft as plain text (the server sends it plain; this is a second line). */
    plain(text) {
      return markdown ? markdown.plain(text) : text;
    },

    meter(confidence) {
      const value = Math.max(0, Math.min(1, Number(confidence) || 0));
      const percent = Math.round(value * 100);
      const level = value >= 0.7 ? "high" : value >= 0.4 ? "medium" : "low";
      ui.meter.classList.remove("is-high", "is-medium", "is-low");
      ui.meter.classList.add(`is-${level}`);
      ui.meter.setAttribute("aria-valuenow", String(percent));
      ui.meter.setAttribute("aria-valuetext", `${percent}%, ${level}`);
      ui.meterFill.style.width = `${percent}%`;
      return { percent, level };
    },

    citation(c) {
      const url = render.safeUrl(c.url);
      const where = subsection(c);
      const title = url
        ? dom.el(
            "a",
            { href: url, target: "_blank", rel: "noopener noreferrer" },
            c.title || c.doc_id,
            dom.el("span", { className: "kb-visually-hidden" }, " (opens in a new tab)"),
          )
        : dom.el("span", {}, c.title || c.doc_id);
      const meta = dom.el(
        "div",
        { className: "kb-citation-meta" },
        dom.el("span", { className: "kb-badge" }, c.source_type || "source"),
        c.stale
          ? dom.el(
              "span",
              { className: "kb-badge kb-badge-stale", title: "Past its review date: check it" },
              "stale",
            )
          : null,
        where ? dom.el("span", {}, where) : null,
      );
      return dom.el(
        "li",
        {
          id: `kb-cite-${c.index}`,
          className: "kb-citation",
          tabIndex: -1,
          dataset: { index: String(c.index), docId: c.doc_id },
        },
        dom.el("span", { className: "kb-citation-num", "aria-hidden": "true" }, `[${c.index}]`),
        dom.el("div", { className: "kb-citation-title" }, title),
        meta,
        c.snippet ? render.snippet(c.snippet) : null,
      );
    },

    snippet(text) {
      const node = dom.el("div", { className: "kb-citation-snippet kb-md" });
      render.markdown(node, text, []);
      return node;
    },

    /** "500" -> "500.00", "1250.5" -> "1,250.50" (as the Slack app writes amounts). */
    amount(value) {
      const n = Number(value);
      if (!Number.isFinite(n)) return String(value);
      return n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    },

    /** What an action asks for, beyond its label: team, limit, what to request, macro, link. */
    actionDetails(a) {
      const d = a.details && typeof a.details === "object" ? a.details : {};
      const text = (value) => (typeof value === "string" || typeof value === "number" ? String(value).trim() : "");
      const out = [];
      if (a.kind === "escalate" && text(d.team)) {
        out.push(`Escalate to ${text(d.team)}` + (text(d.within) ? ` within ${text(d.within)}` : ""));
        if (text(d.when)) out.push(`When: ${text(d.when)}`);
      } else if (a.kind === "refund" && text(d.max_amount)) {
        out.push(`Limit: up to ${render.amount(d.max_amount)} ${text(d.currency)}`.trim());
      } else if (a.kind === "request_info" && text(d.what)) {
        out.push(`Ask the customer for: ${text(d.what)}`);
      } else if (a.kind === "macro" && text(d.name)) {
        out.push(`Macro: ${text(d.name)}`);
      } else if ((a.kind === "link" || a.kind === "form") && text(d.url)) {
        const url = render.safeUrl(text(d.url));
        const shown = text(d.name) || render.plain(a.label || "") || text(d.url);
        if (url) {
          out.push(
            dom.el(
              "a",
              { className: "kb-action-link", href: url, target: "_blank", rel: "noopener noreferrer" },
              a.kind === "form" ? `Open form: ${shown}` : `Open: ${shown}`,
              dom.el("span", { className: "kb-visually-hidden" }, " (opens in a new tab)"),
            ),
          );
        } else {
          out.push(`${shown} (no web address to open)`);
        }
      }
      const label = render.plain(a.label || "").trim().toLowerCase();
      return out.filter((item) => typeof item !== "string" || item.toLowerCase() !== label);
    },

    /** One next action: a checkbox (ticked = done, sent with the decision) and its details. */
    action(a, i, citations) {
      const id = `kb-action-${i}`;
      const cited = citations.find((c) => c.index === a.citation);
      const details = render.actionDetails(a);
      return dom.el(
        "li",
        { className: "kb-action", dataset: { kind: a.kind || "other" } },
        dom.el("input", { type: "checkbox", id, dataset: { index: String(i + 1) } }),
        dom.el("label", { for: id }, render.plain(a.label || a.kind || "Action")),
        details.length
          ? dom.el("div", { className: "kb-action-details" }, ...details.map((d) => dom.el("span", {}, d)))
          : null,
        dom.el(
          "div",
          { className: "kb-action-meta" },
          dom.el("span", { className: `kb-badge kb-badge-${a.kind}` }, a.kind),
          a.step ? dom.el("span", {}, `step ${a.step} of ${a.playbook_id}`) : dom.el("span", {}, a.playbook_id),
          cited ? render.marker(cited) : null,
        ),
      );
    },

    /** The 1-based indexes of the ticked actions (the API's ``actions_done``). */
    ticked() {
      return Array.from(ui.actions.querySelectorAll("input[type=checkbox]:checked"), (box) =>
        Number(box.dataset.index),
      ).filter((n) => Number.isInteger(n) && n > 0);
    },

    notes(s) {
      const notes = [];
      if (s.fallback_reason) {
        notes.push(`The language model was not used (${s.fallback_reason}); the answer is quoted from the sources.`);
      }
      if (s.stale_sources && s.stale_sources.length) {
        notes.push(`Past their review date, check before relying on them: ${s.stale_sources.join(", ")}.`);
      }
      for (const w of s.warnings || []) notes.push(String(w));
      if (!s.abstained && !s.reply_draft) {
        notes.push("No reply draft: no current public article says this; write the reply yourself."); // NO_REPLY_DRAFT
      }
      ui.notes.replaceChildren(...notes.map((n) => dom.el("li", {}, n)));
      dom.show(ui.notes, notes.length > 0);
    },

    suggestion(s) {
      const citations = Array.isArray(s.citations) ? s.citations : [];
      const actions = Array.isArray(s.next_actions) ? s.next_actions : [];
      const answer = typeof s.answer === "string" ? s.answer : "";
      const reply = typeof s.reply_draft === "string" ? s.reply_draft : "";

      const { percent, level } = render.meter(s.confidence);
      ui.meterLabel.textContent = `Confidence ${percent}% · ${level}` + (s.answerer ? ` · ${s.answerer}` : "");

      dom.show(ui.abstain, Boolean(s.abstained));
      ui.abstainReason.textContent = s.abstained ? sentence(s.reason || "no source matches this closely enough") : "";
      render.notes(s);

      render.markdown(ui.answer, answer, citations);
      dom.show(ui.answerTitle, !s.abstained);
      dom.show(ui.answer, !s.abstained);

      ui.citations.replaceChildren(...citations.map(render.citation));
      dom.show(ui.citationsBlock, citations.length > 0);
      ui.actions.replaceChildren(...actions.map((a, i) => render.action(a, i, citations)));
      dom.show(ui.actionsBlock, actions.length > 0);

      ui.reply.value = render.plain(reply);
      dom.show(ui.replyBlock, Boolean(reply));
      ui.copyStatus.textContent = "";
      dom.show(ui.edit, !s.abstained);

      ui.result.dataset.suggestionId = s.id || "";
      ui.result.dataset.state = s.abstained ? "abstained" : "ready";
      dom.show(ui.result, true);
      return { percent, citations: citations.length, actions: actions.length };
    },

    highlight(index) {
      const target = dom.byId(`kb-cite-${index}`);
      if (!target) return;
      for (const li of ui.citations.querySelectorAll(".kb-citation")) {
        const on = li === target;
        li.classList.toggle("is-highlighted", on);
        if (on) li.setAttribute("aria-current", "true");
        else li.removeAttribute("aria-current");
      }
      const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      target.scrollIntoView({ block: "nearest", behavior: smooth ? "smooth" : "auto" });
      target.focus({ preventScroll: true });
    },
  };

  /* ---------------------------------------------------------------- state */
  const state = {
    suggestion: null, // the last suggestion shown (server JSON)
    saved: { answer: "", reply: "" }, // what the panel shows when no edit is open
    editing: false,
    deciding: false,
    followUps: [], // quick questions asked about the current ticket
    inflight: null, // AbortController of the running suggestion request
  };

  /* ---------------------------------------------------------------- asking */
  const ask = {
    ticket() {
      const subject = ui.subject.value.trim();
      const description = ui.description.value.trim();
      if (!subject && !description) return null;
      const ticket = { subject, description };
      const product = ui.product.value.trim();
      const tier = ui.tier.value.trim();
      if (product) ticket.product = product;
      if (tier) ticket.customer_tier = tier;
      return ticket;
    },

    /** The request body, or null when there is nothing to ask. */
    body() {
      const ticket = ask.ticket();
      const question = ui.question.value.trim();
      const agent = ui.agent.value.trim();
      const asker = agent ? { asker: agent } : {};
      if (!question) return ticket ? { ticket, ...asker } : null;
      // A quick question is asked about the ticket: the ticket and earlier questions are history.
      const history = [];
      if (ticket) history.push({ role: "user", text: `${ticket.subject}\n${ticket.description}`.trim() });
      for (const q of state.followUps.slice(-MAX_FOLLOW_UPS)) {
        if (q !== question) history.push({ role: "user", text: q });
      }
      return history.length ? { question, history, ...asker } : { question, ...asker };
    },

    async run() {
      const body = ask.body();
      if (!body) {
        feedback.error("Type the ticket's subject or description, or a quick question.");
        ui.subject.focus();
        return;
      }
      if (state.inflight) state.inflight.abort();
      const controller = new AbortController();
      state.inflight = controller;
      feedback.clearError();
      decide.reset();
      state.suggestion = null; // nothing to decide on until the new one is shown
      dom.show(ui.result, false);
      ui.suggest.setAttribute("aria-disabled", "true");
      feedback.announce("Looking in the knowledge base…", true);
      try {
        const suggestion = await api.suggest(body, controller.signal);
        if (body.question && !state.followUps.includes(body.question)) state.followUps.push(body.question);
        state.suggestion = suggestion;
        state.saved = { answer: suggestion.answer || "", reply: render.plain(suggestion.reply_draft || "") };
        const shown = render.suggestion(suggestion);
        feedback.announce(
          suggestion.abstained
            ? `The knowledge base does not cover this. ${sentence(suggestion.reason || "")}`.trim()
            : `Suggestion ready: ${shown.citations} sources, ${shown.actions} next actions, confidence ${shown.percent}%.`,
        );
        ui.resultTitle.focus();
      } catch (err) {
        if (err.code === "cancelled") return;
        feedback.error(err.message); // the banner is role="alert": it is announced itself
        feedback.announce("No suggestion.");
      } finally {
        if (state.inflight === controller) {
          state.inflight = null;
          ui.suggest.removeAttribute("aria-disabled");
        }
        host.fit();
      }
    },
  };

  /* ---------------------------------------------------------------- decisions */
  const CONFIRM = { accept: "Accepted ✓", edit: "Edit saved ✓", override: "Override recorded ✓" };

  const decide = {
    requestId() {
      const bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    },

    /** Record a decision; true when the server stored it. */
    async send(action, extra) {
      if (!state.suggestion || state.deciding) return false;
      const agent = ui.agent.value.trim();
      if (!agent) {
        ui.identity.open = true;
        ui.agent.focus();
        feedback.error("Enter your agent name first, so the decision is recorded under it.");
        return false;
      }
      state.deciding = true;
      decide.setButtonsDisabled(true);
      feedback.decision("Saving…");
      const hasActions = (state.suggestion.next_actions || []).length > 0;
      const done = hasActions ? { actions_done: render.ticked() } : {}; // ticked = done
      try {
        const body = { action, agent, ...extra, ...done, request_id: decide.requestId() };
        await api.decide(state.suggestion.id, body);
        feedback.clearError();
        const count = body.actions_done ? body.actions_done.length : 0;
        const also = count ? ` · ${count} action${count === 1 ? "" : "s"} done` : "";
        feedback.decision(CONFIRM[action] + also);
        feedback.announce(CONFIRM[action].replace(" ✓", ""));
        return true;
      } catch (err) {
        feedback.decision("Not recorded.", true);
        feedback.error(err.message);
        feedback.announce("Not recorded.");
        return false;
      } finally {
        state.deciding = false;
        decide.setButtonsDisabled(false);
      }
    },

    /** aria-disabled, not disabled: a disabled button would drop the keyboard focus. */
    setButtonsDisabled(disabled) {
      for (const b of [ui.accept, ui.edit, ui.override, ui.save, ui.overrideSubmit]) {
        if (disabled) b.setAttribute("aria-disabled", "true");
        else b.removeAttribute("aria-disabled");
      }
    },

    accept() {
      if (state.editing) {
        feedback.announce("Save or cancel the edit first.");
        return;
      }
      decide.closeOverride(false);
      decide.send("accept", {});
    },

    startEdit(moveFocus = true) {
      if (!state.suggestion || state.editing) return;
      if (state.suggestion.abstained) {
        feedback.announce("There is no answer to edit; use Override to record your own.");
        return;
      }
      decide.closeOverride(false);
      state.editing = true;
      ui.answerEdit.value = state.saved.answer;
      dom.show(ui.answer, false);
      dom.show(ui.answerEdit, true);
      dom.show(ui.decideMain, false);
      dom.show(ui.decideEdit, true);
      ui.result.classList.add("is-editing");
      feedback.decision("");
      feedback.announce("Editing: change the answer or the reply, then Save edit (Ctrl+Enter) or Escape to cancel.");
      if (moveFocus) ui.answerEdit.focus();
    },

    endEdit(focusButton) {
      state.editing = false;
      dom.show(ui.answerEdit, false);
      dom.show(ui.answer, true);
      dom.show(ui.decideEdit, false);
      dom.show(ui.decideMain, true);
      ui.result.classList.remove("is-editing");
      if (focusButton) ui.edit.focus();
    },

    cancelEdit() {
      if (!state.editing) return;
      ui.reply.value = state.saved.reply;
      decide.endEdit(true);
      feedback.announce("Edit cancelled.");
    },

    async saveEdit() {
      if (!state.editing) return;
      const answer = ui.answerEdit.value;
      const reply = ui.reply.value;
      const answerChanged = answer.trim() !== state.saved.answer.trim();
      const replyChanged = reply.trim() !== state.saved.reply.trim();
      if (!answerChanged && !replyChanged) {
        feedback.decision("Nothing changed yet: edit the answer or the reply first.", true);
        return;
      }
      // Each text is sent only when it changed; each is diffed against its own original.
      const edited = {};
      if (answerChanged) edited.text = answer;
      if (replyChanged) edited.reply_text = reply;
      const ok = await decide.send("edit", edited);
      if (!ok) return;
      state.saved = { answer, reply };
      render.markdown(ui.answer, answer, state.suggestion.citations || []);
      decide.endEdit(true);
    },

    openOverride() {
      if (!state.suggestion) return;
      if (state.editing) decide.cancelEdit();
      dom.show(ui.overrideForm, true);
      ui.decide.classList.add("is-open"); // a form this tall must not stick over the page
      ui.override.setAttribute("aria-expanded", "true");
      feedback.decision("");
      ui.overrideText.focus();
    },

    closeOverride(focusButton) {
      if (ui.overrideForm.hidden) return;
      dom.show(ui.overrideForm, false);
      ui.decide.classList.remove("is-open");
      ui.override.setAttribute("aria-expanded", "false");
      if (focusButton) ui.override.focus();
    },

    async submitOverride() {
      const text = ui.overrideText.value.trim();
      const reason = ui.overrideReason.value.trim();
      ui.overrideText.setAttribute("aria-invalid", String(!text));
      ui.overrideReason.setAttribute("aria-invalid", String(!reason));
      if (!text || !reason) {
        feedback.decision("Write your own answer and the reason for the override.", true);
        (text ? ui.overrideReason : ui.overrideText).focus();
        return;
      }
      const ok = await decide.send("override", { text, reason });
      if (!ok) return;
      decide.closeOverride(false);
      ui.overrideText.value = "";
      ui.overrideReason.value = "";
      ui.override.focus();
    },

    /** A new suggestion: forget the open edit / override and the last confirmation. */
    reset() {
      if (state.editing) decide.endEdit(false);
      decide.closeOverride(false);
      feedback.decision("");
    },
  };

  /* ---------------------------------------------------------------- clipboard */
  async function copyReply() {
    const text = ui.reply.value;
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch (_err) {
      ok = false;
    }
    if (!ok) {
      ui.reply.select();
      try {
        ok = document.execCommand("copy");
      } catch (_err) {
        ok = false;
      }
    }
    ui.copyStatus.textContent = ok ? "Copied ✓" : "Selected: press Ctrl+C to copy";
    feedback.announce(ok ? "Reply copied." : "Reply selected; press Ctrl+C to copy.");
  }

  /** Put the reply draft, as it stands, into the ticket's comment box (a help-desk host only). */
  async function insertReply() {
    const text = ui.reply.value;
    if (!text.trim()) return;
    try {
      await host.insertReply(text);
      ui.copyStatus.textContent = "Inserted ✓";
      feedback.announce("Reply inserted into the ticket's comment box.");
    } catch (err) {
      const reason = err && err.message ? err.message : "the help desk did not take it";
      ui.copyStatus.textContent = "";
      feedback.error(`The reply was not inserted: ${reason}`);
    }
  }

  /* ---------------------------------------------------------------- keyboard */
  function onKeyDown(event) {
    const inside = (node) => node && node.contains(document.activeElement);
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      if (!ui.overrideForm.hidden && inside(ui.overrideForm)) decide.submitOverride();
      else if (state.editing && inside(ui.result)) decide.saveEdit();
      else ui.form.requestSubmit();
      return;
    }
    if (event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && state.suggestion) {
      // event.code, not event.key: Option+A on a Mac types "å"
      const shortcut = { KeyA: decide.accept, KeyE: decide.startEdit, KeyO: decide.openOverride }[event.code];
      if (shortcut) {
        event.preventDefault();
        shortcut();
      }
      return;
    }
    if (event.key === "Escape") {
      if (!ui.overrideForm.hidden) decide.closeOverride(true);
      else if (state.editing) decide.cancelEdit();
      else if (!ui.banner.hidden) feedback.clearError();
      else return;
      event.preventDefault();
    }
  }

  /** Keep the focused element clear of the sticky decision bar (focus is never hidden). */
  function keepFocusVisible(event) {
    const target = event.target;
    if (ui.result.hidden || ui.decide.contains(target) || !ui.result.contains(target)) return;
    const bar = ui.decide.getBoundingClientRect();
    const box = target.getBoundingClientRect();
    if (box.bottom > bar.top && box.top < bar.bottom) window.scrollBy(0, box.bottom - bar.top + 8);
  }

  /* ---------------------------------------------------------------- setup */
  function collect() {
    const id = dom.byId;
    return {
      form: id("kb-form"),
      identity: id("kb-identity"),
      agentSummary: id("kb-agent-summary"),
      agent: id("kb-agent"),
      key: id("kb-key"),
      subject: id("kb-subject"),
      description: id("kb-description"),
      product: id("kb-product"),
      tier: id("kb-tier"),
      question: id("kb-question"),
      suggest: id("kb-suggest"),
      banner: id("kb-banner"),
      bannerText: id("kb-banner-text"),
      bannerClose: id("kb-banner-close"),
      status: id("kb-status"),
      result: id("kb-result"),
      resultTitle: id("kb-result-title"),
      meter: id("kb-meter"),
      meterFill: id("kb-meter-fill"),
      meterLabel: id("kb-meter-label"),
      abstain: id("kb-abstain"),
      abstainReason: id("kb-abstain-reason"),
      notes: id("kb-notes"),
      answerTitle: id("kb-answer-title"),
      answer: id("kb-answer"),
      answerEdit: id("kb-answer-edit"),
      citationsBlock: id("kb-citations-block"),
      citations: id("kb-citations"),
      actionsBlock: id("kb-actions-block"),
      actions: id("kb-actions"),
      replyBlock: id("kb-reply-block"),
      reply: id("kb-reply"),
      copy: id("kb-copy"),
      insert: id("kb-insert"),
      keyField: id("kb-key-field"),
      identityNote: id("kb-identity-note"),
      copyStatus: id("kb-copy-status"),
      decide: id("kb-decide"),
      decideMain: id("kb-decide-main"),
      decideEdit: id("kb-decide-edit"),
      accept: id("kb-accept"),
      edit: id("kb-edit"),
      override: id("kb-override"),
      save: id("kb-save"),
      cancelEdit: id("kb-cancel-edit"),
      overrideForm: id("kb-override-form"),
      overrideText: id("kb-override-text"),
      overrideReason: id("kb-override-reason"),
      overrideSubmit: id("kb-override-submit"),
      overrideCancel: id("kb-override-cancel"),
      decisionStatus: id("kb-decision-status"),
    };
  }

  function syncAgentSummary() {
    ui.agentSummary.textContent = ui.agent.value.trim() || "not set";
  }

  /** Fill the ticket fields the host gave (the URL, or the open Zendesk ticket). */
  function applyFields(fields) {
    const inputs = { subject: ui.subject, description: ui.description, product: ui.product, tier: ui.tier, question: ui.question };
    for (const [name, input] of Object.entries(inputs)) {
      if (fields[name]) input.value = fields[name];
    }
  }

  /** The host's ticket and agent; true when there is something to ask right away. */
  function applyContext(context) {
    applyFields(context.fields || {});
    if (context.agent) {
      ui.agent.value = context.agent;
      if (!context.agentFixed) storage.set(STORAGE_AGENT, ui.agent.value.trim());
    }
    // In a help desk the agent is who is signed in, and the key is the app's secure setting.
    dom.show(ui.keyField, host.usesKey);
    dom.show(ui.identityNote, host.usesKey);
    dom.show(ui.identity, !context.agentFixed);
    dom.show(ui.insert, host.canInsert);
    return Boolean(context.askNow);
  }

  async function ticketChanged() {
    try {
      const context = await host.context();
      state.followUps = []; // another ticket, or a changed one: earlier questions are no longer context
      applyFields(context.fields || {});
      feedback.announce("The ticket changed: Suggest again to use what it says now.");
    } catch (err) {
      feedback.error(err.message);
    }
  }

  function bind() {
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      ask.run();
    });
    ui.agent.addEventListener("input", () => {
      storage.set(STORAGE_AGENT, ui.agent.value.trim());
      syncAgentSummary();
    });
    ui.key.addEventListener("input", () => storage.set(STORAGE_KEY, ui.key.value.trim()));
    for (const input of [ui.subject, ui.description, ui.product, ui.tier]) {
      input.addEventListener("input", () => {
        state.followUps = []; // another ticket: earlier questions are no longer context
      });
    }
    ui.bannerClose.addEventListener("click", feedback.clearError);
    ui.result.addEventListener("click", (event) => {
      const marker = event.target.closest("a.kb-marker");
      if (!marker) return;
      event.preventDefault();
      render.highlight(marker.dataset.cite);
      feedback.announce(`Source ${marker.dataset.cite} highlighted.`);
    });
    ui.reply.addEventListener("input", () => {
      if (!state.editing) decide.startEdit(false);
    });
    ui.copy.addEventListener("click", copyReply);
    ui.insert.addEventListener("click", insertReply);
    ui.accept.addEventListener("click", decide.accept);
    ui.edit.addEventListener("click", () => decide.startEdit());
    ui.save.addEventListener("click", decide.saveEdit);
    ui.cancelEdit.addEventListener("click", decide.cancelEdit);
    ui.override.addEventListener("click", () =>
      ui.overrideForm.hidden ? decide.openOverride() : decide.closeOverride(true),
    );
    ui.overrideForm.addEventListener("submit", (event) => {
      event.preventDefault();
      decide.submitOverride();
    });
    ui.overrideCancel.addEventListener("click", () => decide.closeOverride(true));
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("focusin", keepFocusVisible);
  }

  async function init() {
    ui = collect();
    host = window.kbassistHost.connect({ apiKey: () => ui.key.value.trim() });
    ui.agent.value = storage.get(STORAGE_AGENT);
    if (host.usesKey) ui.key.value = storage.get(STORAGE_KEY);
    bind();
    let askNow = false;
    try {
      askNow = applyContext(await host.context());
    } catch (err) {
      feedback.error(err.message);
      return;
    } finally {
      syncAgentSummary();
      ui.identity.open = !ui.agent.value.trim();
      host.fit();
    }
    host.onTicketChange(ticketChanged);
    if (askNow) await ask.run();
  }

  window.kbassistSidebar = Object.freeze({
    suggest: () => ask.run(),
    get suggestion() {
      return state.suggestion;
    },
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

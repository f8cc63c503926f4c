/* kbassist sidebar hosts: where the ticket comes from, how the API is reached, where a reply goes.
 *
 * sidebar.js asks `window.kbassistHost.connect({ apiKey })` for one host, and only ever calls:
 *   host.context()            -> Promise<{ fields, agent, agentFixed, askNow }>: the open ticket
 *   host.send(method, path, body, { signal, timeoutMs })
 *                             -> Promise<{ ok, status, statusText, data }> (data: parsed JSON or null);
 *                                rejects with ApiError("network" | "timeout" | "cancelled")
 *   host.insertReply(text)    -> Promise: the text appended to the ticket's comment box
 *   host.onTicketChange(fn)   -> fn() when the open ticket changed under the page
 *   host.fit()                -> let the host size the panel to the page
 *   host.kind ("standalone" | "zendesk"), host.canInsert, host.usesKey
 *
 * standalone: the page's own fields and query string; fetch() on the page's origin with the API
 *   key the agent typed (never from the URL).
 * zendesk: inside a Zendesk Support ticket sidebar (iframe.html loads the vendored ZAF SDK). The
 *   ticket is read through the ZAF client: subject, description and the latest public comments,
 *   never the requester or an e-mail address. Calls to kbassist go through client.request, so
 *   Zendesk's proxy puts the `secure` api_key setting into the header: the key never reaches the
 *   page, and the page itself makes no network call (its CSP says connect-src 'none').
 */
(function () {
  "use strict";

  const CHANNEL_HEADER = "X-Kbassist-Channel";
  const KEY_PLACEHOLDER = "{{setting.api_key}}"; // filled in by Zendesk's proxy, never here
  const LATEST_COMMENTS = 3;
  const MAX_COMMENT_CHARS = 2000;
  const MAX_DESCRIPTION_CHARS = 20000; // the API's limit on ticket.description
  const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[A-Za-z]{2,}/g;
  const NETWORK = "Could not reach the kbassist server. Check the connection and try again.";
  const TIMEOUT = "The server took too long to answer. Try again.";

  class ApiError extends Error {
    constructor(code, message) {
      super(message);
      this.code = code;
    }
  }

  function parseJson(text) {
    try {
      return text ? JSON.parse(text) : null;
    } catch (_err) {
      return null;
    }
  }

  /* ---------------------------------------------------------------- standalone */
  function standalone(apiKey) {
    return {
      kind: "standalone",
      canInsert: false,
      usesKey: true,

      /** Ticket context a help desk passes in the URL (never the API key: URLs end up in logs). */
      async context() {
        const params = new URLSearchParams(window.location.search);
        const get = (name) => (params.get(name) || "").trim();
        const fields = {
          subject: get("subject"),
          description: get("description"),
          product: get("product"),
          tier: get("tier") || get("customer_tier"),
          question: get("question"),
        };
        const askNow = Boolean(fields.subject || fields.description || fields.question);
        return { fields, agent: get("agent"), agentFixed: false, askNow };
      },

      async send(method, path, body, { signal, timeoutMs } = {}) {
        const controller = new AbortController();
        const timer = window.setTimeout(() => controller.abort("timeout"), timeoutMs || 30000);
        if (signal) signal.addEventListener("abort", () => controller.abort("cancelled"));
        const headers = { Accept: "application/json", [CHANNEL_HEADER]: "sidebar" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        const key = apiKey();
        if (key) headers.Authorization = `Bearer ${key}`;
        let response;
        try {
          response = await fetch(new URL(path, document.baseURI), {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            credentials: "same-origin",
            signal: controller.signal,
          });
        } catch (_err) {
          if (controller.signal.reason === "cancelled") throw new ApiError("cancelled", "Cancelled.");
          if (controller.signal.reason === "timeout") throw new ApiError("timeout", TIMEOUT);
          throw new ApiError("network", NETWORK);
        } finally {
          window.clearTimeout(timer);
        }
        const data = parseJson(await response.text());
        return { ok: response.ok, status: response.status, statusText: response.statusText, data };
      },

      insertReply() {
        return Promise.reject(new ApiError("unsupported", "This page is not inside a help desk."));
      },
      onTicketChange() {},
      fit() {},
    };
  }

  /* ---------------------------------------------------------------- zendesk */
  /** A comment's HTML as plain text (parsed in an inert document: nothing loads or runs). */
  function htmlText(html) {
    const marked = String(html || "")
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<\/(p|div|li|h[1-6]|blockquote|pre|tr)>/gi, "$&\n");
    const doc = new DOMParser().parseFromString(marked, "text/html");
    return (doc.body.textContent || "").replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  }

  function squash(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  function scrub(text) {
    return String(text || "").replace(EMAIL, "[email]");
  }

  function isPublic(comment) {
    return comment.public === true || comment.isPublic === true; // internal notes are left out
  }

  function commentTime(comment) {
    const when = Date.parse(comment.created_at || comment.createdAt || "");
    return Number.isNaN(when) ? Number(comment.id) || 0 : when; // comment ids only ever grow
  }

  /** The description, then the latest public comments that are not the description itself. */
  function ticketText(description, comments) {
    const first = htmlText(description);
    const latest = (Array.isArray(comments) ? comments : [])
      .filter((c) => c && typeof c === "object" && isPublic(c))
      .sort((a, b) => commentTime(a) - commentTime(b))
      .map((c) => htmlText(c.value || c.body || "").slice(0, MAX_COMMENT_CHARS))
      .filter((text) => text && squash(text) !== squash(first))
      .slice(-LATEST_COMMENTS);
    return scrub([first, ...latest].filter(Boolean).join("\n\n")).slice(0, MAX_DESCRIPTION_CHARS);
  }

  /** The kbassist URL app setting, checked: an admin sets it when installing the app. */
  function baseUrl(settings) {
    const raw = String((settings && settings.kbassist_url) || "").trim();
    let url = null;
    try {
      url = raw ? new URL(raw) : null;
    } catch (_err) {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol)) {
      throw new ApiError(
        "config",
        "The app's kbassist_url setting is not a web address: ask a Zendesk admin to set it (Apps > kbassist).",
      );
    }
    return url.href.replace(/\/+$/, "");
  }

  /** ZAF's request rejects with the response (status, responseJSON/responseText), as jQuery did. */
  function failure(err) {
    const status = Number(err && err.status) || 0;
    if (!status) throw new ApiError("network", NETWORK);
    const data = err.responseJSON && typeof err.responseJSON === "object"
      ? err.responseJSON
      : parseJson(err.responseText);
    return { ok: false, status, statusText: String(err.statusText || ""), data };
  }

  /** The promise, or ApiError("timeout" | "cancelled") first (a ZAF request cannot be aborted). */
  function guarded(promise, signal, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => reject(new ApiError("timeout", TIMEOUT)), timeoutMs || 30000);
      const cancel = () => reject(new ApiError("cancelled", "Cancelled."));
      if (signal) signal.addEventListener("abort", cancel, { once: true });
      promise.then(resolve, reject).finally(() => {
        window.clearTimeout(timer);
        if (signal) signal.removeEventListener("abort", cancel);
      });
    });
  }

  function zendesk(client) {
    let base = null;
    return {
      kind: "zendesk",
      canInsert: true,
      usesKey: false,

      async context() {
        const [meta, data] = await Promise.all([
          client.metadata(),
          client.get(["ticket.subject", "ticket.description", "ticket.comments", "currentUser.name"]),
        ]);
        base = baseUrl(meta && meta.settings);
        const fields = {
          subject: scrub(data["ticket.subject"] || "").slice(0, 1000),
          description: ticketText(data["ticket.description"], data["ticket.comments"]),
          product: "",
          tier: "",
          question: "",
        };
        const agent = String(data["currentUser.name"] || "").trim();
        return { fields, agent, agentFixed: Boolean(agent), askNow: Boolean(fields.subject || fields.description) };
      },

      async send(method, path, body, { signal, timeoutMs } = {}) {
        if (!base) base = baseUrl((await client.metadata()).settings);
        const options = {
          url: `${base}/${path}`,
          type: method,
          dataType: "json",
          cors: false, // through Zendesk's proxy, which alone knows the secure setting
          secure: true,
          timeout: timeoutMs || 30000,
          headers: {
            Accept: "application/json",
            Authorization: `Bearer ${KEY_PLACEHOLDER}`,
            [CHANNEL_HEADER]: "zendesk",
          },
        };
        if (body !== undefined) {
          options.contentType = "application/json";
          options.data = JSON.stringify(body);
        }
        let data;
        try {
          data = await guarded(Promise.resolve(client.request(options)), signal, timeoutMs);
        } catch (err) {
          if (err instanceof ApiError) throw err;
          return failure(err);
        }
        if (typeof data === "string") data = parseJson(data);
        return { ok: true, status: 200, statusText: "OK", data };
      },

      insertReply(text) {
        return client.invoke("ticket.comment.appendText", String(text));
      },

      onTicketChange(handler) {
        for (const event of ["ticket.subject.changed", "ticket.updated"]) client.on(event, handler);
      },

      fit() {
        const height = Math.min(Math.max(document.documentElement.scrollHeight, 300), 2000);
        Promise.resolve(client.invoke("resize", { width: "100%", height: `${height}px` })).catch(() => {});
      },
    };
  }

  /** The app page outside Zendesk: the SDK is there but no ticket sidebar framed it. */
  function detached() {
    const outside = () =>
      Promise.reject(new ApiError("not_in_zendesk", "This is the kbassist Zendesk app: open a ticket in Zendesk Support to use it."));
    return {
      kind: "zendesk",
      canInsert: false,
      usesKey: false,
      context: outside,
      send: outside,
      insertReply: outside,
      onTicketChange() {},
      fit() {},
    };
  }

  function connect({ apiKey } = {}) {
    const sdk = window.ZAFClient;
    if (!sdk || typeof sdk.init !== "function") return standalone(apiKey || (() => ""));
    const client = sdk.init(); // false when the page was not framed by Zendesk
    return client ? zendesk(client) : detached();
  }

  window.kbassistHost = Object.freeze({ connect, ApiError });
})();

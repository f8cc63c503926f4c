/* A stand-in for the ZAF SDK in the browser tests. ZAFClient.init() returns false unless Zendesk
 * framed the page (origin and app_guid in the URL), like the real one; its client sends get,
 * metadata, invoke, on and request to the framing page by postMessage and runs the on() handlers
 * when that page fires an event. */
(function () {
  "use strict";

  function init() {
    const params = new URLSearchParams(window.location.search);
    const origin = params.get("origin");
    if (window.parent === window || !origin || !params.get("app_guid")) return false;
    const pending = new Map();
    const handlers = {};
    let next = 0;
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent || event.origin !== origin) return;
      const message = event.data || {};
      if (message.zafEvent) {
        for (const handler of handlers[message.zafEvent] || []) handler(message.data);
        return;
      }
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if ("error" in message) waiting.reject(message.error);
      else waiting.resolve(message.result);
    });
    const call = (zafCall, ...args) =>
      new Promise((resolve, reject) => {
        next += 1;
        pending.set(next, { resolve, reject });
        window.parent.postMessage({ id: next, zafCall, args }, origin);
      });
    return {
      get: (paths) => call("get", Array.isArray(paths) ? paths : [paths]),
      metadata: () => call("metadata"),
      invoke: (name, ...args) => call("invoke", name, ...args),
      request: (options) => call("request", options),
      on(event, handler) {
        (handlers[event] = handlers[event] || []).push(handler);
        call("on", event);
      },
    };
  }

  window.ZAFClient = { init };
})();

/* kbassist sidebar: knowledge-base Markdown as safe HTML, or as plain text.
 *
 * The subset assistant/formatting.py reads: bold, italic, strike, code, links, line breaks, lists,
 * quotes, headings and code blocks. Source text only ever becomes text nodes: the elements are
 * the few created here, and the one attribute taken from the source is a link's href, kept only
 * for http, https and mailto. HTML tags in the source are dropped (script and style with their
 * content); any other angle bracket stays text.
 *
 * window.kbassistMarkdown.render(container, text, {cite}) fills container; cite(n) returns the
 * node for a citation marker [n] (or null to leave "[n]" as text).
 * window.kbassistMarkdown.plain(text) is customer-ready plain text, as to_plain() in Python.
 */
(function () {
  "use strict";

  const TAGS = new Set(
    ("a abbr b big blockquote br button center cite code col dd del details div dl dt em embed " +
      "figure font form h1 h2 h3 h4 h5 h6 hr i iframe img input ins kbd label li link mark meta " +
      "object ol option p pre q s select small source span strike strong sub summary sup svg table " +
      "tbody td textarea tfoot th thead tr tt u ul video audio").split(" "),
  );
  const DROPPED = /<(script|style|template|noscript|iframe|object|svg|math)\b[\s\S]*?(?:<\/\1\s*>|$)/gi;
  const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
  const FENCE = /^ {0,3}(`{3,}|~{3,})/;
  const HEADING = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/;
  const RULE = /^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+\s*)$/;
  const LIST = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
  const QUOTE = /^ {0,3}(?:>[ \t]?)+(.*)$/;
  const DEFINITION = /^ {0,3}\[[^\]]+\]:\s+\S/;
  const ENTITY = /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;
  const NAMED = {
    amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", copy: "©", reg: "®",
    trade: "™", hellip: "…", mdash: "—", ndash: "–", lsquo: "‘", rsquo: "’", ldquo: "“",
    rdquo: "”", euro: "€", pound: "£", times: "×", rarr: "→", larr: "←",
  };
  // Emphasis spans at most 400 characters and code 1000, as in Python: bounded work per line.
  const INLINE = new RegExp(
    [
      String.raw`(?<ticks>` + "`+" + String.raw`)(?<code>.{1,1000}?)\k<ticks>`,
      String.raw`\\(?<escaped>[!-\/:-@\[-` + "`" + String.raw`{-~])`,
      String.raw`(?<image>!)?\[(?<label>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?(?<url>[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)`,
      String.raw`<(?<autolink>(?:https?|mailto):[^\s<>]+)>`,
      String.raw`<(?<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>`,
      String.raw`(?<tag><\/?(?<tagName>[A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?\/?>)`,
      String.raw`(?<cite>[ \t]{0,8}\[\d{1,3}(?:\s*,\s*\d{1,3})*\])`,
      String.raw`\*\*\*(?=\S)(?<strongEm>.{1,400}?)(?<=\S)\*\*\*`,
      String.raw`\*\*(?=\S)(?<strong>.{1,400}?)(?<=\S)\*\*`,
      String.raw`(?<!\w)__(?=\S)(?<strongU>.{1,400}?)(?<=\S)__(?!\w)`,
      String.raw`~~(?=\S)(?<strike>.{1,400}?)(?<=\S)~~`,
      String.raw`(?<![\w*])\*(?=[^\s*])(?<em>.{1,400}?)(?<=[^\s*])\*(?![\w*])`,
      String.raw`(?<![\w_])_(?=[^\s_])(?<emU>.{1,400}?)(?<=[^\s_])_(?![\w_])`,
    ].join("|"),
    "g",
  );

  function decode(text) {
    return text.replace(ENTITY, (whole, name) => {
      if (name[0] !== "#") return Object.prototype.hasOwnProperty.call(NAMED, name) ? NAMED[name] : whole;
      const code = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    });
  }

  /** An absolute http(s) or mailto URL, or null (javascript:, data:, relative paths, garbage). */
  function safeUrl(url) {
    if (typeof url !== "string" || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url.trim())) return null;
    try {
      const parsed = new URL(url.trim());
      if (parsed.protocol === "mailto:") return url.includes("@") ? parsed.href : null;
      return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname ? parsed.href : null;
    } catch (_err) {
      return null;
    }
  }

  function shown(url) {
    return /^mailto:/i.test(url) ? url.slice("mailto:".length) : url;
  }

  /* ------------------------------------------------------------ inline: text -> token tree */
  function inline(text) {
    const tokens = [];
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      if (m.index > last) tokens.push({ kind: "text", text: decode(text.slice(last, m.index)) });
      last = m.index + m[0].length;
      tokens.push(token(m.groups, m[0]));
    }
    if (last < text.length) tokens.push({ kind: "text", text: decode(text.slice(last)) });
    return tokens;
  }

  function token(g, whole) {
    if (g.code !== undefined) return { kind: "code", text: g.code.trim() };
    if (g.escaped !== undefined) return { kind: "text", text: g.escaped };
    if (g.label !== undefined) return { kind: "link", url: safeUrl(g.url), children: inline(g.label) };
    if (g.autolink !== undefined || g.email !== undefined) {
      const address = g.autolink || `mailto:${g.email}`;
      const url = safeUrl(address);
      return { kind: "link", url, children: [{ kind: "text", text: shown(address) }] };
    }
    if (g.tag !== undefined) {
      const name = g.tagName.toLowerCase();
      if (name === "br") return { kind: "br" };
      return { kind: "text", text: TAGS.has(name) ? "" : g.tag };
    }
    if (g.cite !== undefined) return { kind: "cite", text: g.cite };
    if (g.strongEm !== undefined) {
      return { kind: "strong", children: [{ kind: "em", children: inline(g.strongEm) }] };
    }
    for (const [kind, names] of [["strong", ["strong", "strongU"]], ["del", ["strike"]], ["em", ["em", "emU"]]]) {
      for (const name of names) if (g[name] !== undefined) return { kind, children: inline(g[name]) };
    }
    return { kind: "text", text: whole };
  }

  /* ------------------------------------------------------------ lines and fences */
  /** Call onLine for every line outside code fences (HTML elements and comments removed first)
   * and onFence with the lines of each fenced block. */
  function walk(text, onLine, onFence) {
    const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
    let prose = [];
    const flush = () => {
      if (!prose.length) return;
      const cleaned = prose.join("\n").replace(DROPPED, "").replace(COMMENT, "");
      for (const line of cleaned.split("\n")) if (!DEFINITION.test(line)) onLine(line);
      prose = [];
    };
    for (let i = 0; i < lines.length; i += 1) {
      const opened = FENCE.exec(lines[i]);
      if (!opened) {
        prose.push(lines[i]);
        continue;
      }
      flush();
      const body = [];
      for (i += 1; i < lines.length && !lines[i].trim().startsWith(opened[1]); i += 1) body.push(lines[i]);
      onFence(body);
    }
    flush();
  }

  /* ------------------------------------------------------------ plain text */
  function plainInline(tokens) {
    return tokens
      .map((t) => {
        if (t.kind === "text" || t.kind === "code") return t.text;
        if (t.kind === "br") return "\n";
        if (t.kind === "cite") return "";
        if (t.kind !== "link") return plainInline(t.children);
        const label = plainInline(t.children).trim();
        if (!t.url) return label;
        const target = shown(t.url);
        return !label || label === target || label === t.url ? target : `${label} (${target})`;
      })
      .join("");
  }

  function plainLine(line) {
    const text = (s) => plainInline(inline(s)).trim();
    if (RULE.test(line)) return "";
    const heading = HEADING.exec(line);
    if (heading) return text(heading[1] || "");
    const quote = QUOTE.exec(line);
    if (quote) return plainLine(quote[1]);
    const item = LIST.exec(line);
    if (item) return `${item[1]}${/\d/.test(item[2][0]) ? item[2] : "-"} ${text(item[3])}`;
    return text(line);
  }

  function plain(text) {
    const out = [];
    walk(text, (line) => out.push(plainLine(line).replace(/(?<=\S) {2,}/g, " ")), (body) => out.push(body.join("\n")));
    return out.map((l) => l.trimEnd()).join("\n").replace(/\n{3,}/g, "\n\n").replace(/^\n+|\n+$/g, "");
  }

  /* ------------------------------------------------------------ HTML (DOM nodes) */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) node.setAttribute(name, value);
    node.append(...(children || []));
    return node;
  }

  function nodes(tokens, cite) {
    const out = [];
    for (const t of tokens) {
      if (t.kind === "text" || (t.kind === "cite" && !cite)) out.push(t.text);
      else if (t.kind === "code") out.push(el("code", {}, [t.text]));
      else if (t.kind === "br") out.push(el("br"));
      else if (t.kind === "cite") out.push(...markers(t.text, cite));
      else if (t.kind === "link") out.push(link(t));
      else out.push(el(t.kind, {}, nodes(t.children, cite)));
    }
    return out;
  }

  /** " [1, 2]" -> the space and a marker per citation that exists; the text when none does. */
  function markers(text, cite) {
    const found = (text.match(/\d+/g) || []).map((n) => cite(Number(n))).filter(Boolean);
    return found.length ? [text.slice(0, text.indexOf("[")), ...found] : [text];
  }

  function link(t) {
    const label = plainInline(t.children).trim() || (t.url ? shown(t.url) : "");
    if (!t.url) return label;
    const attrs = { href: t.url, class: "kb-link", rel: "noopener noreferrer" };
    if (!/^mailto:/i.test(t.url)) attrs.target = "_blank";
    return el("a", attrs, [label]);
  }

  /** Fill container with the rendered text; cite(n) gives the node of marker [n] (or null). */
  function render(container, text, options) {
    const cite = options && options.cite;
    const blocks = [];
    let open = null; // the paragraph, list or quote lines are added to
    const line = (s) => nodes(inline(s), cite);
    const start = (node, kind) => {
      blocks.push(node);
      open = { node, kind };
      return node;
    };
    walk(
      String(text || ""),
      (raw) => {
        const trimmed = raw.trim();
        if (!trimmed || RULE.test(raw)) {
          open = null;
          return;
        }
        const heading = HEADING.exec(raw);
        if (heading) {
          blocks.push(el("p", { class: "kb-md-heading" }, [el("strong", {}, line(heading[1] || ""))]));
          open = null;
          return;
        }
        const quote = QUOTE.exec(raw);
        const item = quote ? null : LIST.exec(raw);
        if (quote) {
          if (open && open.kind === "quote") open.node.append(el("br"), ...line(quote[1]));
          else start(el("blockquote", {}, line(quote[1])), "quote");
        } else if (item) {
          const ordered = /\d/.test(item[2][0]);
          const kind = ordered ? "ol" : "ul";
          if (!open || open.kind !== kind) {
            start(el(kind, ordered && parseInt(item[2], 10) !== 1 ? { start: parseInt(item[2], 10) } : {}), kind);
          }
          open.node.append(el("li", {}, line(item[3])));
        } else if (open && open.kind === "p") {
          open.node.append(el("br"), ...line(trimmed));
        } else {
          start(el("p", {}, line(trimmed)), "p");
        }
      },
      (body) => {
        blocks.push(el("pre", {}, [el("code", {}, [body.join("\n")])]));
        open = null;
      },
    );
    container.replaceChildren(...blocks);
  }

  window.kbassistMarkdown = Object.freeze({ render, plain, safeUrl });
})();

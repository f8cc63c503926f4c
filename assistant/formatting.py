"""Knowledge-base Markdown for each channel: customer-ready plain text, or Slack mrkdwn.

Pure functions. The source is the Markdown that articles and playbooks are written in (emphasis,
code, links, headings, lists, quotes, fences), with the odd inline HTML tag. Both outputs treat
hostile input the same way:

- a link keeps its target only for http, https and mailto URLs; anything else (``javascript:``,
  ``data:``, relative paths) is reduced to its text;
- HTML tags are dropped (``<br>`` becomes a line break) and ``<script>``/``<style>`` elements go
  with their content; other angle brackets stay text, which Slack output escapes.

The sidebar renders the same subset in the browser (``integrations/http/static/sidebar.js``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_TAG_NAMES = (
    "a abbr b big blockquote br button center cite code col dd del details div dl dt em embed "
    "figure font form h1 h2 h3 h4 h5 h6 hr i iframe img input ins kbd label li link mark meta "
    "object ol option p pre q s select small source span strike strong sub summary sup svg table "
    "tbody td textarea tfoot th thead tr tt u ul video audio"
)
_HTML_TAGS = frozenset(_TAG_NAMES.split())
_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|template|noscript|iframe|object|svg|math)\b.*?(?:</\1\s*>|\Z)", re.I | re.S
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+\s*)$")
_LIST = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+(.*)$")  # nested quotes read as one
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S")  # a reference link's target line
_SPACES = re.compile(r"(?<=\S) {2,}")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MENTION = re.compile(r"@(channel|here|everyone)\b", re.I)

_LINK_URL = r"<?(?P<url>[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)>?"
# Emphasis spans at most 400 characters, code 1000: that bounds the work on a long line full of
# marks that never close.
_INLINE = re.compile(
    r"(?P<ticks>`+)(?P<code>.{1,1000}?)(?P=ticks)"
    r"|\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|(?P<image>!)?\[(?P<label>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*"
    + _LINK_URL
    + r"""(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)"""
    r"|<(?P<autolink>(?:https?|mailto):[^\s<>]+)>"
    r"|<(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>"
    r"|(?P<tag></?(?P<tag_name>[A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>)"
    r"|(?P<cite>[ \t]{0,8}\[\d{1,3}(?:\s*,\s*\d{1,3})*\])"
    r"|\*\*\*(?=\S)(?P<strong_em>.{1,400}?)(?<=\S)\*\*\*"
    r"|\*\*(?=\S)(?P<strong>.{1,400}?)(?<=\S)\*\*"
    r"|(?<!\w)__(?=\S)(?P<strong_u>.{1,400}?)(?<=\S)__(?!\w)"
    r"|~~(?=\S)(?P<strike>.{1,400}?)(?<=\S)~~"
    r"|(?<![\w*])\*(?=[^\s*])(?P<em>.{1,400}?)(?<=[^\s*])\*(?![\w*])"
    r"|(?<![\w_])_(?=[^\s_])(?P<em_u>.{1,400}?)(?<=[^\s_])_(?![\w_])"
)


@dataclass(frozen=True)
class _Node:
    """One inline piece: text, code, strong, em, strike, link (url None: unsafe), cite, br."""

    kind: str
    text: str = ""
    children: tuple[_Node, ...] = field(default_factory=tuple)
    url: str | None = None


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http(s) or mailto URL, else None."""
    url = url.strip()
    if not url or any(ord(c) <= 0x20 or c in '<>"`\\' for c in url):
        return None
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    if not match or match.group(1).lower() not in SAFE_SCHEMES:
        return None
    if match.group(1).lower() == "mailto":
        return url if "@" in url else None
    return url if urlsplit(url).hostname else None


def _inline(text: str) -> tuple[_Node, ...]:
    nodes: list[_Node] = []
    last = 0
    for m in _INLINE.finditer(text):
        if m.start() > last:
            nodes.append(_Node("text", _unescape(text[last : m.start()])))
        last = m.end()
        nodes.append(_node(m))
    if last < len(text):
        nodes.append(_Node("text", _unescape(text[last:])))
    return tuple(nodes)


def _unescape(text: str) -> str:
    """Character references (``&amp;``, ``&#39;``) decoded; a bare ``&`` stays as it is."""
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


def _node(m: re.Match[str]) -> _Node:
    if m.group("code") is not None:
        return _Node("code", m.group("code").strip())
    if m.group("escaped") is not None:
        return _Node("text", m.group("escaped"))
    if m.group("label") is not None:
        return _Node("link", children=_inline(m.group("label")), url=safe_url(m.group("url")))
    if m.group("autolink") is not None or m.group("email") is not None:
        address = m.group("autolink") or f"mailto:{m.group('email')}"
        url = safe_url(address)
        return _Node("link", children=(_Node("text", _shown(url or address)),), url=url)
    if m.group("tag") is not None:
        name = m.group("tag_name").lower()
        if name in _HTML_TAGS:
            return _Node("br") if name == "br" else _Node("text", "")
        return _Node("text", m.group("tag"))
    if m.group("cite") is not None:
        return _Node("cite", m.group("cite"))
    if m.group("strong_em") is not None:
        return _Node("strong", children=(_Node("em", children=_inline(m.group("strong_em"))),))
    for kind, names in (("strong", "strong strong_u"), ("strike", "strike"), ("em", "em em_u")):
        for name in names.split():
            if m.group(name) is not None:
                return _Node(kind, children=_inline(m.group(name)))
    raise AssertionError(f"unhandled inline match {m.group()!r}")  # pragma: no cover


def _shown(url: str) -> str:
    return url[len("mailto:") :] if url.lower().startswith("mailto:") else url


def _blocks(markdown: str, line: Callable[[str], str], fence: Callable[[list[str]], str]) -> str:
    """Walk the lines: fenced code goes to ``fence``, every other line to ``line``."""
    out: list[str] = []
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    prose: list[str] = []

    def flush() -> None:
        if prose:
            text = _COMMENT.sub("", _DROPPED_ELEMENTS.sub("", "\n".join(prose)))
            kept = (x for x in text.split("\n") if not _DEFINITION.match(x))
            out.extend(_SPACES.sub(" ", line(x)) for x in kept)
            prose.clear()

    i = 0
    while i < len(lines):
        opened = _FENCE.match(lines[i])
        if not opened:
            prose.append(lines[i])
            i += 1
            continue
        flush()
        mark = opened.group(1)
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(mark):
            body.append(lines[i])
            i += 1
        out.append(fence(body))
        i += 1
    flush()
    text = "\n".join(x.rstrip() for x in out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# -- plain text -----------------------------------------------------------------------------------


def _plain_inline(nodes: tuple[_Node, ...]) -> str:
    parts: list[str] = []
    for node in nodes:
        if node.kind in ("text", "code"):
            parts.append(node.text)
        elif node.kind == "br":
            parts.append("\n")
        elif node.kind == "link":
            parts.append(_plain_link(node))
        elif node.kind != "cite":
            parts.append(_plain_inline(node.children))
    return "".join(parts)


def _plain_link(node: _Node) -> str:
    label = _plain_inline(node.children).strip()
    if node.url is None:
        return label
    shown = _shown(node.url)
    return shown if not label or label in (shown, node.url) else f"{label} ({shown})"


def _line(line: str, inline: Callable[[str], str], heading: str, bullet: str, quote: str) -> str:
    """One line outside code: a rule vanishes, a heading is wrapped in ``heading`` marks, a quote
    gets ``quote`` in front, a bullet becomes ``bullet`` (numbers stay), the rest is inline."""
    if _RULE.match(line):
        return ""
    if match := _HEADING.match(line):
        title = inline(match.group(1) or "")
        return f"{heading}{title}{heading}" if title else ""
    if match := _QUOTE.match(line):
        inner = _line(match.group(1), inline, heading, bullet, quote)
        return f"{quote}{inner}" if inner else ""
    if match := _LIST.match(line):
        indent, mark, rest = match.groups()
        return f"{indent}{mark if mark[0].isdigit() else bullet} {inline(rest)}"
    return inline(line)


def _plain_line(line: str) -> str:
    return _line(line, lambda text: _plain_inline(_inline(text)).strip(), "", "-", "")


def to_plain(markdown: str) -> str:
    """Customer-ready plain text: no emphasis marks, backticks, heading marks, HTML or citation
    markers; ``[text](url)`` becomes ``text (url)`` (the bare address for mailto), a link to
    anything but http, https or mailto keeps only its text, list items start with ``-`` or
    their number."""
    return _blocks(markdown, _plain_line, "\n".join)


# -- Slack mrkdwn ---------------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Slack's three control characters escaped, and @channel/@here/@everyone made inert (a word
    joiner after the @), so knowledge-base text can never ping anybody."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@\u2060\\1", text)


def slack_link(url: str, label: str) -> str:
    """``<url|label>`` for a safe URL; the escaped label (or URL) alone otherwise."""
    shown = slack_escape(label or _shown(url)).replace("|", "¦")
    if safe_url(url) is None:
        return shown
    target = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"<{target}|{shown}>"


def _mrkdwn_inline(nodes: tuple[_Node, ...], bold: bool = True) -> str:
    parts: list[str] = []
    for node in nodes:
        if node.kind in ("text", "cite"):
            parts.append(slack_escape(node.text))
        elif node.kind == "code":
            code = slack_escape(node.text.replace("`", "'"))
            parts.append(f"`{code}`")
        elif node.kind == "br":
            parts.append("\n")
        elif node.kind == "link":
            label = _plain_inline(node.children).strip()
            parts.append(slack_link(node.url, label) if node.url else slack_escape(label))
        else:
            inner = _mrkdwn_inline(node.children, bold and node.kind != "strong")
            mark = {"strong": "*" if bold else "", "em": "_", "strike": "~"}[node.kind]
            parts.append(f"{mark}{inner}{mark}")
    return "".join(parts)


def _mrkdwn_line(line: str) -> str:
    if _HEADING.match(line):  # bold already: bold inside it stays plain
        return _line(
            line, lambda text: _mrkdwn_inline(_inline(text), bold=False).strip(), "*", "", ""
        )
    return _line(line, lambda text: _mrkdwn_inline(_inline(text)).strip(), "", "•", ">")


def to_mrkdwn(markdown: str) -> str:
    """Slack mrkdwn: ``**b**`` -> ``*b*``, ``*i*``/``_i_`` -> ``_i_``, code kept, ``[t](url)`` ->
    ``<url|t>`` (http, https, mailto only), headings bold, bullets "•", &, < and > escaped, and
    ``<!channel>``, ``<@U…>``, @here and the like left inert."""

    def fence(body: list[str]) -> str:
        return "```\n" + slack_escape("\n".join(body).replace("```", "'''")) + "\n```"

    return _blocks(markdown, _mrkdwn_line, fence)

"""Cleaning a docs-site page's Markdown before chunking: what the site generator would have
rendered is reduced to its text, and what only it understands is removed.

- Hugo shortcodes (``{{< >}}``, ``{{% %}}``): code shortcodes (``code-toggle``, ``highlight``,
  ``code``) become code fences; ``new-in``/``deprecated-in`` become "New in vX"; a figure keeps
  its caption or alt text; any other shortcode tag is removed, the text between a pair kept.
  Escaped shortcodes shown as examples (``{{</* x */>}}``) read as Hugo renders them.
- Liquid tags (``{% ... %}``; ``highlight`` becomes a fence), MDX ``import``/``export`` lines,
  ``{/* */}`` comments and JSX components (capitalised tags; their inner text kept), and HTML
  comments are removed.
- GitHub alerts (``> [!NOTE]``), Docusaurus and VitePress admonitions (``:::tip Title`` ...
  ``:::``) and MkDocs ones (``!!! note "Title"`` over an indented body) become text ("Note:
  ...", "Tip: Title").
- Definition lists (a term's line, then ``: definition`` lines) become one line per definition,
  ``term: definition``, so a definition is never quoted without what it defines.
- Reference-style links are resolved (``[text][ref]``, ``[text][]``, ``[ref]``) and their
  definitions removed; a site-relative link is made absolute against the page's URL.
- Code blocks are kept whole: their blank lines are dropped, so that a block is one paragraph
  and the chunker never cuts one that fits in a chunk.
Fenced code and inline code spans are left as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SHORTCODE = re.compile(r"\{\{([<%])\s*(/)?\s*([\w.-]+)(.*?)\s*(/)?\s*[>%]\}\}", re.DOTALL)
_ESCAPED = re.compile(r"\{\{([<%])/\*\s*(.*?)\s*\*/([>%])\}\}", re.DOTALL)
_CODE_SHORTCODES = ("code-toggle", "highlight", "code")
_VERSION_SHORTCODES = {"new-in": "New in", "deprecated-in": "Deprecated in"}
_TEXT_ARGS = re.compile(r"\b(?:caption|alt|title)\s*=\s*\"([^\"]*)\"")
_LIQUID = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
_MDX_LINE = re.compile(
    r"^(?:import\s.+\sfrom\s+['\"].+['\"];?|import\s+['\"].+['\"];?|export\s.+)$"
)
_MDX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
_JSX_TAG = re.compile(r"</?[A-Z][\w.]*(?:\s[^<>]*?)?/?>")
_ALERT = re.compile(r"^(\s*)>\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*(.*)$", re.IGNORECASE)
_QUOTE = re.compile(r"^(\s*)>\s?(.*)$")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]*)>?(?:\s+[\"'(].*[\"')])?\s*$")
_REF_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])+)\](?:\[([^\]]*)\])?(?![(:])")
_INLINE_LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)((?:\s+\"[^\"]*\")?)\)")
_HEADING = re.compile(r"^ {0,3}#[ \t]+(.+?)[ \t#]*$")
# ":::tip Title", ":::warning[Title]", and the closing ":::" (Docusaurus, VitePress)
_FENCED_ADMONITION = re.compile(
    r"^ {0,3}:{3,}[ \t]*(?:([A-Za-z]+)(?:\[([^\]]*)\]|[ \t]+(.*?))?)?[ \t]*$"
)
# '!!! note "Title"' or '??? note' over a body indented by four spaces (MkDocs)
_MKDOCS_ADMONITION = re.compile(
    r"^ {0,3}(?:!!!|\?{3}\+?)[ \t]+([A-Za-z]+)(?:[ \t]+\"([^\"]*)\")?[ \t]*$"
)
_MKDOCS_TAB = re.compile(r"^ {0,3}===\+?[ \t]+\"([^\"]+)\"[ \t]*$")  # '=== "Python"' (MkDocs)
_DEFINES = re.compile(r"^ {0,3}:[ \t]+(\S.*)$")  # a definition list's ": definition" line
_EXTRA_BLANKS = re.compile(r"\n(?:[ \t]*\n){2,}")


def first_heading(body: str) -> str:
    """The text of the first ``#`` heading outside code, or ""."""
    for is_code, block in _segments(body):
        if is_code:
            continue
        for line in block.split("\n"):
            found = _HEADING.match(line)
            if found:
                return found.group(1).strip()
    return ""


def clean_markdown(body: str, base_url: str = "") -> str:
    """The page body as text to index (see the module docstring)."""
    text = _in_prose(body, lambda s: _SHORTCODE.sub(_shortcode, _HTML_COMMENT.sub("", s)))
    text = _in_prose(text, _liquid_and_mdx)
    definitions = _definitions(text)
    text = _in_prose(text, lambda s: _links(s, definitions, base_url), spans=False)
    text = _in_prose(text, _alerts)
    text = _in_prose(text, _admonitions)
    text = _in_prose(text, _definition_lists)
    parts = [_code(block) if code else block for code, block in _segments(text)]
    text = _ESCAPED.sub(r"{{\1 \2 \3}}", "\n".join(parts))
    return _EXTRA_BLANKS.sub("\n\n", text).strip("\n")


def _segments(text: str) -> list[tuple[bool, str]]:
    """The text as (is fenced code, lines) blocks, in order."""
    blocks: list[tuple[bool, list[str]]] = []
    fence = ""
    for line in text.split("\n"):
        opening = None if fence else _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            blocks.append((True, [line]))
            continue
        if fence:
            blocks[-1][1].append(line)
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if not blocks or blocks[-1][0]:
            blocks.append((False, []))
        blocks[-1][1].append(line)
    return [(code, "\n".join(lines)) for code, lines in blocks]


def _in_prose(text: str, change: Callable[[str], str], spans: bool = True) -> str:
    """``change`` applied to the text outside fenced code (and inline code spans, unless
    ``spans`` is false)."""
    out: list[str] = []
    for code, block in _segments(text):
        if code or not spans:
            out.append(block if code else change(block))
            continue
        out.append(_outside_spans(block, change))
    return "\n".join(out)


def _outside_spans(block: str, change: Callable[[str], str]) -> str:
    """``change`` applied to ``block`` with its inline code spans held back."""
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\x00{len(spans) - 1}\x00"

    changed = change(_INLINE_CODE.sub(hold, block))
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], changed)


def _shortcode(match: re.Match[str]) -> str:
    closing, name, args = match.group(2), match.group(3).lower(), match.group(4)
    if name in _CODE_SHORTCODES:
        if closing:
            return "```"
        if match.group(5):  # self-closing: shows configuration the reader cannot see here
            return ""
        language = args.split()[0].strip("\"'") if name == "highlight" and args.split() else ""
        return f"\n```{language}"
    if name in _VERSION_SHORTCODES and not closing:
        version = args.split()[0].strip("\"'v") if args.split() else ""
        return f"{_VERSION_SHORTCODES[name]} v{version}." if version else ""
    return " ".join(_TEXT_ARGS.findall(args)) if not closing else ""


def _liquid_and_mdx(text: str) -> str:
    def tag(match: re.Match[str]) -> str:
        name, args = match.group(1).lower(), match.group(2).split()
        if name == "highlight":
            return f"```{args[0] if args else ''}"
        return "```" if name == "endhighlight" else ""

    text = _LIQUID.sub(tag, _MDX_COMMENT.sub("", text))
    lines = [line for line in text.split("\n") if not _MDX_LINE.match(line.strip())]
    return _JSX_TAG.sub("", "\n".join(lines))


def _label(text: str) -> str:
    return " ".join(text.lower().split())


def _definitions(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for code, block in _segments(text):
        for line in [] if code else block.split("\n"):
            match = _DEFINITION.match(line)
            if match and not match.group(1).startswith("^"):
                found.setdefault(_label(match.group(1)), match.group(2))
    return found


def _links(text: str, definitions: dict[str, str], base_url: str) -> str:
    def absolute(url: str) -> str:
        if not base_url or not url or url.startswith("#") or re.match(r"^[a-z][\w+.-]*:", url):
            return url
        return urljoin(base_url, url)

    def reference(match: re.Match[str]) -> str:
        bang, shown, ref = match.group(1), match.group(2), match.group(3)
        url = definitions.get(_label(ref or shown))
        if url is None:
            return match.group(0)
        if not url:
            return shown if not bang else ""
        return f"{bang}[{shown}]({absolute(url)})"

    lines = [line for line in text.split("\n") if not _DEFINITION.match(line)]
    text = _REF_LINK.sub(reference, "\n".join(lines))
    return _INLINE_LINK.sub(lambda m: f"{m.group(1)}({absolute(m.group(2))}{m.group(3)})", text)


def _alerts(text: str) -> str:
    out: list[str] = []
    in_alert = False
    for line in text.split("\n"):
        alert = _ALERT.match(line)
        quote = _QUOTE.match(line)
        if alert:
            in_alert = True
            rest = alert.group(3)
            out.append(
                f"{alert.group(1)}{alert.group(2).capitalize()}:{' ' + rest if rest else ''}"
            )
        elif in_alert and quote:
            out.append(quote.group(1) + quote.group(2))
        else:
            in_alert = False
            out.append(line)
    return "\n".join(out)


def _admonitions(text: str) -> str:
    """``:::kind Title`` ... ``:::`` and ``!!! kind "Title"`` (its body indented) as "Kind:
    Title." over the body, a content tab ``=== "Title"`` as "Title:"; the closing ``:::`` and
    the bodies' indentation removed."""
    out: list[str] = []
    indented = False  # reading the indented body of a MkDocs admonition
    for line in text.split("\n"):
        if indented and (line.startswith(("    ", "\t")) or not line.strip()):
            out.append(line[4:] if line.startswith("    ") else line.lstrip("\t"))
            continue
        indented = False
        fenced, mkdocs = _FENCED_ADMONITION.match(line), _MKDOCS_ADMONITION.match(line)
        found = fenced or mkdocs
        tab = _MKDOCS_TAB.match(line)
        if tab:  # a content tab: its title introduces its indented body
            out.append(f"{tab.group(1).strip()}:")
            indented = True
        elif found is None:
            out.append(line)
        elif found.group(1):
            title = next((g.strip() for g in found.groups()[1:] if g and g.strip()), "")
            if title and not title.endswith((".", "!", "?", ":")):
                title += "."  # a sentence of its own: the body does not run on from it
            out.append(f"{found.group(1).capitalize()}:{' ' + title if title else ''}")
            indented = mkdocs is not None
    return "\n".join(out)


def _definition_lists(text: str) -> str:
    """``term`` then ``: definition`` lines (Goldmark, PHP Markdown Extra, Pandoc) as
    ``term: definition``, one line per definition; a definition with no term above it loses
    its marker."""
    out: list[str] = []
    term = ""  # the term the definitions being read belong to
    for line in text.split("\n"):
        found = _DEFINES.match(line)
        if not found:
            term = ""
            out.append(line)
            continue
        if not term and out and out[-1].strip() and not _HEADING.match(out[-1]):
            term = out.pop().strip()
        out.append(f"{term}: {found.group(1)}" if term else found.group(1))
    return "\n".join(out)


def _code(block: str) -> str:
    return "\n".join(line for line in block.split("\n") if line.strip())

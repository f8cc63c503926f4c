"""The role a passage plays in an answer, read from its source type's flags, and the sentences
of it that may be quoted.

- ``agent``: written for agents to answer from (articles, playbook steps); may lead the answer;
- ``record``: a resolved case (a ticket's resolution); only its general clauses are used, never
  the case's own details (invoice numbers, amounts, names, dates, greetings);
- ``internal``: notes for agents; may add to an answer, never open it or reach a reply draft;
- ``excluded``: the customer's own words, and a playbook's "when to use" (when it applies, not
  what to do): they may match a question but never answer it.

Link-only sentences ("See [X](…)"), questions and table rules are never quoted; a table row is
quoted with its column headers ("Plan: Growth; Requests per minute: 120."). Typographic HTML
entities are read as their characters ("&nbsp;" as a space).
"""

from __future__ import annotations

import re

from assistant.answerers.confidence import stems
from assistant.retrieval import RetrievedChunk
from assistant.text import (
    is_about_the_page,
    is_link_only,
    is_question,
    label_fragments,
    linear_tables,
    plain_entities,
    split_sentences,
    unwrap,
)
from ingest.sources.playbooks import WHEN_TO_USE
from ingest.sources.registry import flags_of

AGENT, RECORD, INTERNAL, EXCLUDED = "agent", "record", "internal", "excluded"
LEADS = {AGENT: 1.0, RECORD: 0.6}  # roles that may open an answer, and their weight
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# The details of one case: a record's clause holding one is not a fact of the answer.
_CASE_DETAIL = re.compile(
    r"\[(?:NAME|EMAIL|PHONE|CARD|IBAN|IP)\]"  # redacted personal data
    r"|\b[A-Z]{2,}-\d+\b|\b[A-Z]+\d+-\d+\b|\b\d{4}-\d{2,}\b"  # INV-2291, Q2-117, 2026-118
    r"|(?:[$€£]\s?\d)|\b\d[\d,.]*\s?(?:usd|eur|gbp|cad|aud|nzd|dollars?|euros?)\b"  # amounts
    # a bare amount after a money verb ("Refund 300 from Payments"), not a count or a period
    r"|\b(?:refund(?:ed|ing)?|charg(?:e|ed|ing)|paid|credit(?:ed)?|bill(?:ed)?|owe[sd]?)\s+"
    r"(?:of\s+)?\d[\d,.]*\b(?!\s*(?:%|percent|times?|days?|business|hours?|minutes?|weeks?|"
    r"months?|years?|seats?|users?|requests?|invoices?|payments?))"
    r"|\b(?:invoices?|orders?|tickets?|receipts?|payments?)\s+(?:no\.?\s*|number\s+|#)?\d{3,}"
    r"|\(\d{3,}(?:,\s*\d{3,})+\)"  # (1201, 1204, 1209)
    rf"|\b(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})[a-z]*\b"  # Nov 1, 1 Oct
    rf"|\b(?:since|on|last|this|next)\s+(?:{_DAYS})\b|\b(?:yesterday|last night|today)\b"
    # what was done in the case, told in the past: "Billing refunded the 4 extra seats"
    r"|^\s*(?:(?:billing|support|engineering|security|tier\s?\d)\s+)?[a-z]+ed\s+"
    r"(?:the|both|one|their|his|her|its|all)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|thanks|thank you|best|regards|cheers|kind regards)\b", re.I
)
_CLAUSE = re.compile(r"(?<=;)\s+|\s+(?=\()")


def role_of(chunk: RetrievedChunk) -> str:
    flags = flags_of(chunk.source_type)
    section = chunk.section
    if flags.customer_sections and section.endswith(flags.customer_sections):
        return EXCLUDED
    if flags.expand_steps and section.endswith(WHEN_TO_USE):
        return EXCLUDED
    if flags.internal_sections and section.endswith(flags.internal_sections):
        return INTERNAL
    return AGENT if flags.agent_facing else RECORD


def general_part(sentence: str) -> str:
    """What a case record's sentence says in general: its clauses without the case's details
    (an amount, an invoice number, a name, a date); empty when nothing general is left."""
    if _GREETING.match(sentence) or sentence.lstrip().startswith(("I ", "I'", "We ", "We'")):
        return ""
    kept = [c for c in _CLAUSE.split(sentence) if c.strip() and not _CASE_DETAIL.search(c)]
    if len(kept) == len(_CLAUSE.split(sentence)):
        return sentence
    text = " ".join(kept).strip().rstrip(";,")
    if not text or len(stems(text)) < 3 or text.startswith("("):
        return ""
    first = text.split()[0]
    if first.isalpha() and first.islower():  # a later clause now opens it ("refunds take...")
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


_CODE_BLOCK = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n(.*?)(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_CODE_LINES, _CODE_CHARS = 4, 200  # a longer block is quoted only by lines that read as text
_PLAIN_WORD = re.compile(r"(?<![\w.$/=-])[A-Za-z]{2,}(?![\w.(/=-])")
_PROSE_WORDS = 5


def _reads(line: str) -> bool:
    """A line of a long code block that says something on its own (a command-line option with
    its description, a comment): at least ``_PROSE_WORDS`` plain words."""
    return "`" not in line and len(_PLAIN_WORD.findall(line)) >= _PROSE_WORDS


def _units(text: str) -> list[str]:
    """The passage's sentences, each fenced code block one unit: short blocks as inline code
    (``hugo --templateMetrics``), fence lines as "" (never quoted); a longer block line by line,
    only its lines that read as text (``-p, --port int  port the server listens on``) quotable.
    Prose lines wrapped inside a sentence are joined first (``text.unwrap``), tables read row by
    row with their headers (``text.linear_tables``)."""
    out: list[str] = []
    at = 0
    for block in _CODE_BLOCK.finditer(text):
        out += split_sentences(unwrap(linear_tables(text[at : block.start()])))
        lines = [line.strip() for line in block.group(2).splitlines() if line.strip()]
        short = 0 < len(lines) <= _CODE_LINES and sum(map(len, lines)) <= _CODE_CHARS
        if short:
            out.append(" ".join(f"`{line}`" for line in lines if "`" not in line))
        else:
            out += [f"`{' '.join(line.split())}`" if _reads(line) else "" for line in lines]
        at = block.end()
    return out + split_sentences(unwrap(linear_tables(text[at:])))


def sentences_of(chunk: RetrievedChunk, role: str) -> list[str]:
    """The sentences of a passage that may be quoted (positions kept: a dropped one is "")."""
    return read(chunk.text, passage_text(chunk), role)[0]


def read(text: str, labelled: str, role: str) -> tuple[list[str], list[str]]:
    """A passage's quotable sentences as shown, from its ``labelled`` text (``passage_text``),
    and the same sentences as scored, from its plain ``text``: a lead-in repeated on every item
    of a list would otherwise count as each item's own words. Should the two readings not line
    up, both are the plain one."""
    plain = quotable(text, role)
    shown = quotable(labelled, role) if labelled != text else plain
    return (shown if len(shown) == len(plain) else plain), plain


def passage_text(chunk: RetrievedChunk) -> str:
    """A passage's text as its sentences are read: list items that are not sentences carry
    what introduces their list, its lead-in line or the section's heading
    (``text.label_fragments``), so that "Monthly plan charges" is quoted as "What is not
    covered: Monthly plan charges"."""
    return label_fragments(chunk.text, chunk.section.rsplit(" > ", 1)[-1])


def quotable(text: str, role: str) -> list[str]:
    """``sentences_of`` a passage's text in the given role."""
    out = []
    for sentence in _units(text):
        if (
            not sentence
            or is_link_only(sentence)
            or is_about_the_page(sentence)
            or is_question(sentence)
            or set(sentence) <= set("|-: ")
        ):
            out.append("")
        elif role in (RECORD, INTERNAL):
            out.append(general_part(plain_entities(sentence)))
        else:
            out.append(plain_entities(sentence))
    return out

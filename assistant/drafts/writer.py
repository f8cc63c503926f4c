"""The extractive draft: sentences taken from the group's tickets, each keeping its ticket.

*Symptoms* are the problem sentences closest to the group's centre, *Cause* the sentences that
state one ("because", "caused by", "opened it first"...), and *Resolution* the steps several
tickets' resolutions agree on, in the order the agents gave them. Sentences holding a redaction
placeholder (``[EMAIL]``, ``[PHONE]``...) or a greeting are never used.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import yaml

from assistant.drafts.grouping import TicketCase
from assistant.embedding import Embedder
from assistant.text import is_question, split_sentences

REVIEW_DAYS = 90
_PLACEHOLDER = re.compile(r"\[[A-Z_]{2,}\]")
_GREETING = re.compile(
    r"^(hi|hello|hey|dear|thanks|thank you|best|regards|cheers|sorry|please let)\b", re.I
)
_CAUSE = re.compile(
    r"\b(because|caused by|due to|happens when|this happens|the reason|opened (it|the link)|"
    r"was (already )?used|first, which|so (it|the link) (was|is|no longer))\b",
    re.I,
)
_SAME_STEP = 0.6  # cosine similarity at which two resolution sentences are one step
_SAME_SYMPTOM = 0.85


@dataclass
class Line:
    """One sentence of a draft and the tickets it came from."""

    text: str
    tickets: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        refs = ", ".join(self.tickets)
        return f"{self.text} [{refs}]"


@dataclass
class DraftText:
    """What a writer produces; ``render`` turns it into the article's Markdown."""

    title: str
    symptoms: list[Line]
    cause: list[Line]
    steps: list[Line]
    writer: str = "extractive"
    fallback_reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Sentence:
    text: str
    ticket: str
    position: float  # 0..1 within its ticket's section
    vector: np.ndarray | None = None


def has_placeholder(text: str) -> bool:
    """Whether ``text`` holds a redaction placeholder (``[EMAIL]``, ``[PHONE]``...)."""
    return bool(_PLACEHOLDER.search(text))


def usable(sentence: str) -> bool:
    words = sentence.split()
    return (
        len(words) >= 4
        and not _PLACEHOLDER.search(sentence)
        and not _GREETING.match(sentence)
        and not is_question(sentence)
    )


def _sentences(cases: list[TicketCase], part: str) -> list[_Sentence]:
    found = []
    for case in cases:
        texts = split_sentences("\n".join(getattr(case, part)))
        for i, text in enumerate(texts):
            if usable(text):
                found.append(_Sentence(text, case.doc_id, i / max(1, len(texts) - 1)))
    return found


class ExtractiveWriter:
    """Writes a draft from a group of tickets with nothing but their own sentences."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def write(self, cases: list[TicketCase]) -> DraftText:
        problem = _sentences(cases, "problem")
        resolution = _sentences(cases, "resolution")
        everything = problem + resolution
        if everything:
            vectors = np.asarray(self.embedder.embed_documents([s.text for s in everything]))
            for sentence, vector in zip(everything, vectors, strict=True):
                sentence.vector = vector / (np.linalg.norm(vector) or 1.0)
        cause = _pick_cause(resolution + problem)
        steps = _steps([s for s in resolution if not _CAUSE.search(s.text)], len(cases))
        return DraftText(_title(cases), _symptoms(problem), cause, steps)


def _central(sentences: list[_Sentence]) -> list[_Sentence]:
    """Sentences ordered by similarity to their mean, most central first."""
    if not sentences:
        return []
    matrix = np.stack([s.vector for s in sentences if s.vector is not None])
    centre = matrix.mean(axis=0)
    order = np.argsort(-(matrix @ centre), kind="stable")
    return [sentences[i] for i in order]


def _symptoms(problem: list[_Sentence], limit: int = 3) -> list[Line]:
    picked: list[_Sentence] = []
    for sentence in _central(problem):
        if all(float(sentence.vector @ p.vector) < _SAME_SYMPTOM for p in picked):  # type: ignore[operator]
            picked.append(sentence)
        if len(picked) == limit:
            break
    return [Line(s.text, [s.ticket]) for s in picked]


def _pick_cause(sentences: list[_Sentence]) -> list[Line]:
    stated = [s for s in sentences if _CAUSE.search(s.text)]
    if not stated:
        return []
    best = _central(stated)[0]
    same = sorted({s.ticket for s in stated if float(s.vector @ best.vector) >= _SAME_STEP})  # type: ignore[operator]
    return [Line(best.text, same or [best.ticket])]


def _steps(resolution: list[_Sentence], tickets: int, limit: int = 6) -> list[Line]:
    """Near-duplicate resolution sentences merged into steps; steps several tickets share come
    first, then are put in the order the agents gave them."""
    steps: list[list[_Sentence]] = []
    for sentence in resolution:
        home = next(
            (
                step
                for step in steps
                if float(sentence.vector @ step[0].vector) >= _SAME_STEP  # type: ignore[operator]
            ),
            None,
        )
        if home is None:
            steps.append([sentence])
        else:
            home.append(sentence)
    needed = 2 if tickets >= 2 else 1
    shared = [s for s in steps if len({x.ticket for x in s}) >= needed] or steps
    shared = sorted(shared, key=lambda s: -len({x.ticket for x in s}))[:limit]
    shared.sort(key=lambda s: float(np.mean([x.position for x in s])))
    lines = []
    for step in shared:
        text = _central(step)[0].text
        lines.append(Line(text, sorted({x.ticket for x in step})))
    return lines


def _title(cases: list[TicketCase]) -> str:
    """The subject of the ticket closest to the group's centre, tidied."""
    centre = np.mean([c.vector for c in cases], axis=0)
    best = max(cases, key=lambda c: float(c.vector @ centre))
    title = re.sub(r"\s+", " ", best.title).strip(" -:!?.")
    return title[:1].upper() + title[1:] if title else "Untitled draft"


def most_common(values: list[str]) -> str:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else ""


def front_matter(
    doc_id: str, title: str, cases: list[TicketCase], visibility: str, today: date
) -> dict[str, object]:
    tags = Counter(tag for case in cases for tag in case.tags)
    return {
        "id": doc_id,
        "title": title,
        "product": most_common([c.product for c in cases]),
        "tags": [tag for tag, _ in tags.most_common(5)],
        "owner": most_common([c.owner for c in cases]),
        "updated_at": today.isoformat(),
        "review_by": (today + timedelta(days=REVIEW_DAYS)).isoformat(),
        "visibility": visibility,
        "source_tickets": [c.doc_id for c in cases],
    }


def render(meta: dict[str, object], text: DraftText, cases: list[TicketCase]) -> str:
    """The draft as Markdown with the project's front matter."""
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip()
    parts = [f"---\n{head}\n---", f"# {text.title}"]
    if text.symptoms:
        parts += ["## Symptoms", "\n".join(f"- {line.markdown()}" for line in text.symptoms)]
    if text.cause:
        parts += ["## Cause", " ".join(line.markdown() for line in text.cause)]
    if text.steps:
        steps = "\n".join(f"{i}. {line.markdown()}" for i, line in enumerate(text.steps, 1))
        parts += ["## Resolution", steps]
    sources = "\n".join(f"- {c.doc_id}: {c.title}" for c in cases)
    parts += ["## Source tickets", sources]
    return "\n\n".join(parts) + "\n"

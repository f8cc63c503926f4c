"""Training pairs for tuning the embedding model, from the knowledge base's own structure and
from agents' decisions, never from evaluation questions.

From the chunks in the store:
- ``title``: the title and section path -> the section's text;
- ``cloze``: one sentence -> the rest of its passage (inverse cloze);
- ``ticket``: a ticket's problem -> its resolution;
- ``playbook``: a playbook's *when to use* -> its steps.

From the suggestion store (``DecisionSource``): ``decision``: the question of an accepted answer
-> each passage it cited, and of a citation rated helpful -> that passage; a citation rated wrong
is that question's negative. Suggestions made by ``kbassist eval`` (channel ``eval``) or a replay
are skipped: their questions are evaluation questions.

Any pair whose anchor is one of the ``excluded`` texts (the questions of a gold set given to
``kbassist tune``) is dropped, whatever its source.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol

from llama_index.core.schema import MetadataMode, TextNode

from assistant.retrieval import Query
from assistant.retrieval.lexical import LexicalIndex
from assistant.types import Audience
from ingest.chunking import EMBEDDED_KEYS

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
STEP_RANGE = re.compile(r"\s+\d+(\s*[-–]\s*\d+)?$")
MIN_WORDS = 4  # a shorter anchor (a heading "Steps", "Note.") says too little
Row = tuple[str, str, dict[str, Any]]  # chunk id, text, metadata (ChunkStore.iter_rows)


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    kind: str
    doc_id: str
    negative: str | None = None


@dataclass(frozen=True)
class DecidedPassage:
    """A question and a passage an agent judged: ``good`` (accepted or rated helpful) or not."""

    question: str
    passage_chunk_id: str
    good: bool


class DecisionSource(Protocol):
    def decided_passages(self) -> list[DecidedPassage]: ...


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def embed_text(text: str, metadata: dict[str, Any]) -> str:
    """The text a chunk was embedded as (its title and section, then its text)."""
    node = TextNode(text=text, metadata={k: metadata[k] for k in EMBEDDED_KEYS if k in metadata})
    return node.get_content(metadata_mode=MetadataMode.EMBED)


def _words(text: str) -> int:
    return len(text.split())


def _clozes(text: str, rng: random.Random, per_passage: int = 1) -> list[tuple[str, str]]:
    """Up to ``per_passage`` (sentence, the rest of the passage) pairs, sentences picked at
    random (the first pick as with one per passage)."""
    sentences = [s.strip() for s in SENTENCE.split(text) if s.strip()]
    if len(sentences) < 3:
        return []
    picks = [rng.randrange(len(sentences))]
    if per_passage > 1:
        others = [i for i in range(len(sentences)) if i != picks[0]]
        picks += rng.sample(others, min(per_passage - 1, len(others)))
    return [
        (sentences[pick], " ".join(sentences[:pick] + sentences[pick + 1 :]))
        for pick in picks
        if _words(sentences[pick]) >= MIN_WORDS
    ]


def kb_pairs(rows: Iterable[Row], seed: int = 13, cloze: int = 1) -> Iterator[Pair]:
    """Pairs from the chunks' structure (see the module's docstring)."""
    rng = random.Random(seed)
    by_doc: dict[str, dict[str, list[str]]] = {}
    for _, text, meta in rows:
        doc_id, source_type = str(meta.get("doc_id", "")), str(meta.get("source_type", ""))
        section, title = str(meta.get("section") or ""), str(meta.get("title") or "")
        if not text.strip() or not doc_id:
            continue
        if source_type in ("ticket", "playbook"):
            part = STEP_RANGE.sub("", section.split(" > ")[-1])  # "Steps 1-3" -> "Steps"
            by_doc.setdefault(doc_id, {}).setdefault(part, []).append(text)
            continue
        heading = section if section.startswith(title) else f"{title} > {section}".strip(" >")
        if _words(heading) >= 2:
            yield Pair(heading, text, "title", doc_id)
        for sentence, rest in _clozes(text, rng, cloze):
            yield Pair(sentence, rest, "cloze", doc_id)
    for doc_id, sections in by_doc.items():
        for kind, (ask, answer) in (
            ("ticket", ("Problem", "Resolution")),
            ("playbook", ("When to use", "Steps")),
        ):
            if sections.get(ask) and sections.get(answer):
                anchor, positive = "\n".join(sections[ask]), "\n".join(sections[answer])
                if _words(anchor) >= MIN_WORDS:
                    yield Pair(anchor[:2000], positive[:4000], kind, doc_id)


def decision_pairs(decided: Iterable[DecidedPassage], texts: dict[str, Row]) -> Iterator[Pair]:
    """(question, passage) for passages judged good; a passage judged wrong for the same question
    becomes that pair's negative."""
    wrong: dict[str, str] = {}
    good: list[DecidedPassage] = []
    for item in decided:
        if item.passage_chunk_id not in texts or _words(item.question) < 2:
            continue
        if item.good:
            good.append(item)
        else:
            wrong.setdefault(normalised(item.question), item.passage_chunk_id)
    for item in good:
        _, text, meta = texts[item.passage_chunk_id]
        negative_id = wrong.get(normalised(item.question))
        negative = embed_text(*texts[negative_id][1:]) if negative_id else None
        yield Pair(
            item.question, embed_text(text, meta), "decision", str(meta.get("doc_id")), negative
        )


def build_pairs(
    rows: list[Row],
    decided: Iterable[DecidedPassage] = (),
    excluded: Iterable[str] = (),
    seed: int = 13,
    cloze: int = 1,
) -> list[Pair]:
    """Every pair, with any anchor among ``excluded`` (evaluation questions) dropped, shuffled."""
    banned = {normalised(text) for text in excluded if text}
    texts = {row[0]: row for row in rows}
    pairs = [
        pair
        for pair in [*kb_pairs(rows, seed, cloze), *decision_pairs(decided, texts)]
        if normalised(pair.anchor) not in banned
    ]
    random.Random(seed).shuffle(pairs)
    return pairs


Search = Callable[[str], list[tuple[str, str]]]  # query -> [(doc id, text)], best first


def with_hard_negatives(pairs: list[Pair], search: Search) -> list[Pair]:
    """Each pair without a negative gets the best BM25 match from another document: close in
    words, and not the answer."""
    out = []
    for pair in pairs:
        if pair.negative is None:
            other = next((text for doc, text in search(pair.anchor) if doc != pair.doc_id), None)
            pair = replace(pair, negative=other) if other else pair
        out.append(pair)
    return out


def counts(pairs: Iterable[Pair]) -> dict[str, int]:
    return dict(sorted(Counter(p.kind for p in pairs).items()))


def held_out(pairs: list[Pair], share: float = 0.1) -> tuple[list[Pair], list[Pair]]:
    """(train, held-out) by document, so no held-out document's text is trained on."""
    docs = sorted({p.doc_id for p in pairs})
    keep = {
        d for i, d in enumerate(random.Random(7).sample(docs, len(docs))) if i < len(docs) * share
    }
    return [p for p in pairs if p.doc_id not in keep], [p for p in pairs if p.doc_id in keep]


def bm25_search(index: LexicalIndex, k: int = 5) -> Search:
    """BM25 over the store's chunks as a ``Search``, over what an agent of no team may see."""

    def search(text: str) -> list[tuple[str, str]]:
        hits = index.retrieve(Query(text, Audience.agent(), k=k))
        return [(hit.doc_id, hit.text) for hit in hits]

    return search

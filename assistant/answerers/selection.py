"""Which sentences answer a question.

The answer (``Selector.choose``): the most relevant sentences of the top sources (a few per
source), led by the best-placed source that covers the question well enough, an agent-facing
source being moved ahead of case records; internal notes never lead; the same fact is not said
twice (an agent-facing wording replaces a record's). Figures that conflict between sources are
settled first (``conflicts``). The reply draft (``Selector.select``): the best contiguous span of
the best source, and a second source only for what the first lacks. Passage roles and quotable
sentences come from ``roles``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answerers.confidence import stems
from assistant.answerers.conflicts import claims, find_conflicts
from assistant.answerers.leading import LeadRule, opening
from assistant.answerers.roles import (
    AGENT,
    EXCLUDED,
    INTERNAL,
    LEADS,
    passage_text,
    read,
    role_of,
)
from assistant.embedding.similarity import Similarity
from assistant.retrieval import RetrievedChunk


@dataclass(frozen=True)
class Pick:
    passage: int  # index in the passages
    position: int  # index among the passage's sentences
    text: str


@dataclass(frozen=True)
class Choice:
    """The answer's sentences, the sentences that lost a conflict (never to be used, in the
    answer or the reply draft) and the warnings naming the conflicting sources."""

    picks: list[Pick]
    dropped: frozenset[tuple[int, int]]
    warnings: list[str]


@dataclass
class _Source:
    index: int
    rank: int  # rank of its document in the retrieval
    role: str
    sentences: list[str]
    stems: list[frozenset[str]]
    score: float = 0.0  # its document's fused retrieval score
    dense: float = 0.0  # its document's dense similarity to the question


@dataclass(frozen=True)
class Selector:
    max_span: int = 3  # sentences of the best source
    max_extra: int = 2  # sentences a second source may add
    rank_decay: float = 0.35  # the n-th document's weight is 1 / (1 + decay * n)
    span_cost: float = 0.03  # coverage a longer span must gain per extra sentence
    min_gain: float = 0.15  # share of the question a second source must add
    cover_ratio: float = 0.5  # a lower-ranked source leads only when it covers more than this
    agent_lead: float = 2.0  # places an agent-facing source is moved ahead of case records
    extra_sources: int = 1  # other sources that may add what the lead span lacks
    per_source: int = 3  # sentences one source may give the answer
    max_sentences: int = 5  # sentences of an answer (chosen on the dev items)
    greedy: bool = True
    max_docs: int = 5  # documents (in retrieval order) an answer may draw on
    # A sentence scoring below this share of the answer's best sentence is left out: it shares a
    # word or two with the question but is about something else. The largest floor that keeps
    # the dev items' fact recall (0.699 from 0 to 0.4, 0.677 at 0.45) less one 0.1 step of margin;
    # dev answer token F1 0.319 -> 0.339.
    floor: float = 0.3
    # A document whose dense similarity to the question is below this share of the best
    # document's is not quoted: it shares a word or two with the question ("instead of waiting",
    # "Stripe import") but is about something else. The first-ranked document and the best
    # agent-facing one, which may lead, are kept whatever their similarity. Chosen on the sample
    # gold set's dev items: the middle of the bars from 0.6 to 0.8, which keep dev fact recall
    # at 0.532 (0.537 with no bar, 0.504 at 0.85); dev answer token F1 0.275 -> 0.303, citation
    # precision 0.637 -> 0.744.
    relevance: float = 0.7
    # A passage's first sentence (a resolution's fix, a section's lead) scores this much more,
    # when it shares at least ``opening_words`` of the question's words: one shared word is
    # chance ("invoices" in a sentence about VAT IDs, for a question on which role may send
    # invoices). Two, among 1 (before), 2, 3, 4 and no bonus at all, on the sample gold set's
    # dev items: fact recall 0.549 -> 0.549, answer token F1 0.292 -> 0.308, citation precision
    # 0.746 -> 0.764 (3: 0.554 / 0.314 / 0.786; no bonus: 0.567 / 0.310 / 0.805), the smallest
    # change that keeps dev fact recall; the other sets hold or gain (docs/evaluation.md).
    opening: float = 0.15
    opening_words: int = 2
    lead: LeadRule = field(default_factory=LeadRule)  # which source opens the answer (``leading``)
    # A word of the answer that the question lacks weighs this share of a question word when the
    # reply draft's sentences are chosen (``select``'s ``context``): the draft then tells the
    # customer what the answer tells the agent, from the sendable passages. Chosen on the sample
    # gold set's dev items among 1, 0.5 and 0.25: draft token F1 0.280 -> 0.281 / 0.287 / 0.287,
    # facts of the answer (``must_contain``) in the draft 0.257 -> 0.284 / 0.291 / 0.277.
    context_weight: float = 0.5
    similarity: Similarity | None = None  # sentences' meaning, weighed with their words
    meaning: float = 0.0  # the weight of ``similarity`` in a sentence's score
    min_similarity: float = 0.0  # a sentence less similar than this is left out
    candidates: int = 0  # with a similarity, only this many sentences (best by words) weighed

    @classmethod
    def with_meaning(cls, similarity: Similarity) -> Selector:
        """The answer's sentences picked by their words and their meaning: a sentence scores
        0.7 x its share of the question's words (plus the opening bonus) + 0.3 x its similarity
        in meaning to the question, and one less similar than 0.3 is left out. Chosen on the
        sample gold set's dev items as the floor was: the largest bar that keeps their fact
        recall (0.709 up to 0.35, 0.699 at 0.4) less a step of margin; the floor keeps its 0.3
        (0.709 up to 0.4). Dev answer token F1 0.337 -> 0.355, ROUGE-L 0.243 -> 0.264, fact
        recall 0.699 -> 0.709. Only the 12 best sentences by words are weighed (on dev the same
        answers as weighing all of them; from 8 down they differ), which bounds the time a
        question spends embedding sentences not seen before. Still, that is ~100 ms on one
        thread, past the query latency budget on a large store, so it is opt-in
        (``KBASSIST_SENTENCE_MEANING=true``); fewer or shorter sentences lose its gain on dev."""
        return cls(similarity=similarity, meaning=0.3, min_similarity=0.3, candidates=12)

    def choose(self, question: str, passages: Sequence[RetrievedChunk]) -> Choice:
        """The answer's sentences, after settling quantity conflicts between the sentences
        that bear on the question for the fresher source."""
        wanted = stems(question)
        candidates = [
            claim
            for source in self.sources(passages)
            for claim in claims(source.index, source.sentences)
            if wanted & source.stems[claim.position]
        ]
        conflicts = find_conflicts(passages, candidates)
        dropped = frozenset((c.dropped.passage, c.dropped.position) for c in conflicts)
        if self.greedy:
            picks = self.gather(question, passages, dropped)
        else:
            picks = self.select(question, passages, dropped)
        return Choice(picks, dropped, [c.warning for c in conflicts])

    def select(
        self,
        question: str,
        passages: Sequence[RetrievedChunk],
        dropped: Collection[tuple[int, int]] = (),
        context: str = "",
    ) -> list[Pick]:
        """The answer's sentences, in answer order; ``dropped`` (passage, position) pairs are
        never used (a stale side of a conflict). The words of ``context`` (what the answer
        already says, for a reply draft) count beside the question's, at ``context_weight``."""
        sources = self.sources(passages, dropped)
        weights = _weights(stems(question), sources)
        if context and self.context_weight:
            added = _weights(stems(context) - weights.keys(), sources)
            weights |= {stem: self.context_weight * w for stem, w in added.items()}
        total = math.fsum(weights.values())
        if not total:
            return self._fallback(sources)
        spans = []
        for source in sources:
            lead = LEADS.get(source.role)
            if lead is None:
                continue
            start, end, covered = self._span(source, weights)
            if end > start:
                spans.append((lead * covered / total, source, start, end))
        best: tuple[float, _Source, int, int] | None = None
        if spans:
            # the best-ranked source whose span covers nearly as much as the best one
            top = max(score for score, *_ in spans)
            for span in sorted(spans, key=lambda x: (self._place(x[1]), -x[0])):
                if span[0] >= self.cover_ratio * top:
                    best = span
                    break
        if best is None:
            return self._fallback(sources)
        _, lead_source, start, end = best
        picks = _picks(lead_source, start, end)
        said = frozenset().union(*(lead_source.stems[i] for i in range(start, end)))
        used = {lead_source.index}
        for _ in range(self.extra_sources):
            more = self._extra(sources, used, weights, said, total, picks)
            if not more:
                break
            picks += more
            used.add(more[0].passage)
            said |= frozenset().union(*(stems(p.text) for p in more))
        return _unabsorbed(picks)

    def gather(
        self,
        question: str,
        passages: Sequence[RetrievedChunk],
        dropped: Collection[tuple[int, int]] = (),
    ) -> list[Pick]:
        """The most relevant sentences of the top sources (at most ``per_source`` each), the
        lead source's first: the best-placed source that covers the question well enough."""
        sources = self.sources(passages, dropped)
        wanted = stems(question)
        found: list[tuple[float, _Source, int]] = []  # sentences sharing the question's words
        for source in sources:
            for pos, sentence_stems in enumerate(source.stems):
                shared = len(wanted & sentence_stems)
                overlap = shared / max(1, len(wanted))
                if source.sentences[pos] and overlap:
                    bonus = self.opening if pos == 0 and shared >= self.opening_words else 0.0
                    found.append((overlap + bonus, source, pos))
        if self.similarity is not None and self.candidates:  # only the best by words are embedded
            found.sort(key=lambda x: x[0] * self._prior(x[1]), reverse=True)
            del found[self.candidates :]
        meaning = self._meaning(question, [source.sentences[pos] for _, source, pos in found])
        scored: list[tuple[float, _Source, int]] = []
        for n, (value, source, pos) in enumerate(found):
            if meaning:
                if meaning[n] < self.min_similarity:
                    continue
                value = (1 - self.meaning) * value + self.meaning * max(0.0, meaning[n])
            scored.append((value * self._prior(source), source, pos))
        scored.sort(key=lambda x: x[0], reverse=True)
        if scored and self.floor:
            scored = [x for x in scored if x[0] >= self.floor * scored[0][0]]
        chosen: list[tuple[float, _Source, int]] = []
        per: Counter[int] = Counter()
        for score, source, pos in scored:
            if per[source.index] >= self.per_source:
                continue
            twins = [
                n
                for n, (_, c, p) in enumerate(chosen)
                if _duplicate(source.sentences[pos], c.sentences[p])
            ]
            if twins:  # said already: an agent-facing source's wording replaces another's
                n = twins[0]
                if source.role == AGENT and chosen[n][1].role != AGENT:
                    per[chosen[n][1].index] -= 1
                    per[source.index] += 1
                    chosen[n] = (score, source, pos)
                continue
            per[source.index] += 1
            chosen.append((score, source, pos))
            if len(chosen) >= self.max_sentences:
                break
        if not chosen:
            return self._fallback(sources)
        best = _best_by_source(chosen)
        lead = self.lead.choose(sources, LEADS, (AGENT,), best, wanted)
        if lead is not None and lead.index not in best:  # it leads with its best sentence
            first = opening(lead, wanted)
            # what it opens with is not said again by another source
            chosen = [
                c for c in chosen if not _duplicate(lead.sentences[first], c[1].sentences[c[2]])
            ]
            del chosen[self.max_sentences - 1 :]
            chosen.append((0.0, lead, first))
            best = _best_by_source(chosen)
        chosen += _announced(chosen)
        chosen = _introduced(chosen)
        by_index = {source.index: source for _, source, _ in chosen}
        order = sorted(
            (i for i in best if i in by_index),
            key=lambda i: (
                i != (lead.index if lead else None),
                by_index[i].role == INTERNAL,
                by_index[i].rank,
                i,
            ),
        )
        return _unabsorbed(
            _said_already(
                [
                    Pick(source.index, pos, source.sentences[pos])
                    for i in order
                    for _, source, pos in sorted(
                        (c for c in chosen if c[1].index == i), key=lambda c: c[2]
                    )
                ],
                wanted,
                {(s.index, _opener(s)) for s in by_index.values()},
            )
        )

    def _meaning(self, question: str, sentences: list[str]) -> list[float]:
        """Each sentence's similarity in meaning to the question (one batch), when a
        ``similarity`` is given; none otherwise."""
        if self.similarity is None or not (self.meaning or self.min_similarity) or not sentences:
            return []
        return [float(score) for score in self.similarity(question, sentences)]

    def _prior(self, source: _Source) -> float:
        """A source's weight by its document's rank: 1 / (1 + decay x rank)."""
        return 1 / (1 + self.rank_decay * source.rank)

    def _place(self, source: _Source) -> float:
        """Where a source stands in line to lead: its document's rank, an agent-facing source
        moved ``agent_lead`` places ahead of case records."""
        return source.rank - (self.agent_lead if source.role == AGENT else 0.0)

    def sources(
        self, passages: Sequence[RetrievedChunk], dropped: Collection[tuple[int, int]] = ()
    ) -> list[_Source]:
        ranks = {doc: n for n, doc in enumerate(dict.fromkeys(p.doc_id for p in passages))}
        out: list[_Source] = []
        for index, chunk in enumerate(passages):
            role = role_of(chunk)
            if role == EXCLUDED or ranks[chunk.doc_id] >= self.max_docs:
                continue
            parsed, parsed_stems = _parsed(chunk.text, passage_text(chunk), role)
            sentences, sentence_stems = list(parsed), list(parsed_stems)
            for at, pos in dropped:
                if at == index and pos < len(sentences):
                    sentences[pos], sentence_stems[pos] = "", frozenset()
            out.append(
                _Source(
                    index,
                    ranks[chunk.doc_id],
                    role,
                    sentences,
                    sentence_stems,
                    chunk.score,
                    chunk.signals.get("dense", 0.0),
                )
            )
        return self._relevant(out)

    def _relevant(self, sources: list[_Source]) -> list[_Source]:
        """The sources whose document is similar enough to the question (``relevance``), with
        the first-ranked document and the best agent-facing one kept whatever their
        similarity."""
        if not self.relevance or not sources:
            return sources
        bar = self.relevance * max(source.dense for source in sources)
        kept = {0}
        agents = [s for s in sources if s.role == AGENT]
        if agents:
            kept.add(max(agents, key=lambda s: (self.lead.value(s, (AGENT,)), -s.rank)).rank)
        return [s for s in sources if s.rank in kept or s.dense >= bar]

    def _span(self, source: _Source, weights: dict[str, float]) -> tuple[int, int, float]:
        """The contiguous sentences (start, end) covering most of the question, and the weight
        they cover; a longer span must cover ``span_cost`` more per extra sentence."""
        best = (0, 0, 0.0, 0.0)  # start, end, covered, value
        total = math.fsum(weights.values()) or 1.0
        n = len(source.sentences)
        for start in range(n):
            if not source.sentences[start]:
                continue
            seen: set[str] = set()
            for end in range(start + 1, min(n, start + self.max_span) + 1):
                if not source.sentences[end - 1]:
                    break
                seen |= source.stems[end - 1]
                covered = math.fsum(weights.get(s, 0.0) for s in seen)
                value = covered / total - self.span_cost * (end - start - 1)
                if covered and value > best[3]:
                    best = (start, end, covered, value)
        start, end, covered, _ = best
        # a sentence that announces a list ("...:") brings the list's first item
        while end and end < n and source.sentences[end - 1].endswith(":") and source.sentences[end]:
            end += 1
            if end - start >= self.max_span + 1:
                break
        return start, end, covered

    def _extra(
        self,
        sources: list[_Source],
        used: set[int],
        weights: dict[str, float],
        covered: frozenset[str],
        total: float,
        picks: list[Pick],
    ) -> list[Pick]:
        """Sentences of one other source that cover what the lead span leaves out."""
        missing = {s: w for s, w in weights.items() if s not in covered}
        if not missing:
            return []
        chosen = [p.text for p in picks]
        best: tuple[float, _Source, int, int] | None = None
        for source in sources:
            if source.index in used:
                continue
            prior = self._prior(source)
            start, end, gained = self._span(source, missing)
            if end - start > self.max_extra:
                end = start + self.max_extra
            texts = source.sentences[start:end]
            if not gained or any(_duplicate(t, c) for t in texts for c in chosen):
                continue
            score = prior * gained / total
            if gained / total >= self.min_gain and (best is None or score > best[0]):
                best = (score, source, start, end)
        if best is None:
            return []
        return _picks(best[1], best[2], best[3])

    @staticmethod
    def _fallback(sources: list[_Source]) -> list[Pick]:
        """Nothing matches the question's words: the top agent-facing passage's first sentence."""
        for source in sorted(sources, key=lambda s: (s.role not in LEADS, s.rank, s.index)):
            if source.role not in LEADS:
                break
            for position, text in enumerate(source.sentences):
                if text:
                    return [Pick(source.index, position, text)]
        return []


_FOLLOWING = re.compile(r"\b(?:following|these|this command|as follows)\b", re.I)


SHORT_LINE = 6  # words: an opening line this short that tells no number is a caption


def _opener(source: _Source) -> int:
    """The position of a source's first quotable sentence (-1 when it has none)."""
    return next((pos for pos, sentence in enumerate(source.sentences) if sentence), -1)


def _said_already(
    picks: list[Pick], wanted: Collection[str], openers: Collection[tuple[int, int]]
) -> list[Pick]:
    """The picks without another passage's caption that brings no question word the answer has
    not already said. A caption is the short line a passage opens with (``openers``: at most
    ``SHORT_LINE`` words, no number or code), such as another page's one-line description
    ("Install Hugo on macOS.", "Create new content"): it is picked for the words it shares with
    the question, and says nothing the answer lacks."""
    if not picks:
        return picks
    asked = set(wanted)
    said: set[str] = set()
    out: list[Pick] = []
    for pick in picks:
        mine = stems(pick.text) & asked
        caption = (
            (pick.passage, pick.position) in openers
            and len(pick.text.split()) <= SHORT_LINE
            and not any(ch.isdigit() for ch in pick.text)
            and "`" not in pick.text
        )
        if pick.passage != picks[0].passage and caption and mine <= said:
            continue
        said |= mine
        out.append(pick)
    return out


def _unabsorbed(picks: list[Pick]) -> list[Pick]:
    """The picks without a lead-in ("Every API response includes:") that a list item picked
    beside it already carries ("Every API response includes: `X-RateLimit-Limit`: ..."),
    so that it is not said twice (``roles.passage_text``)."""
    return [
        pick
        for pick in picks
        if not (
            pick.text.endswith(":")
            and any(
                other.passage == pick.passage
                and other is not pick
                and other.text.startswith(pick.text)
                for other in picks
            )
        )
    ]


def weighable(chunk: RetrievedChunk) -> list[str]:
    """The sentences of a chunk that a ``Selector`` may weigh by meaning, as it reads them
    (``Selector.sources``): what sentence vectors are computed for at ingest
    (``answerers.sentence_index``)."""
    role = role_of(chunk)
    if role == EXCLUDED:
        return []
    shown, _ = read(chunk.text, passage_text(chunk), role)  # as ``_parsed``, without its cache
    return [s for s in shown if s]


@lru_cache(maxsize=4096)
def _parsed(
    text: str, labelled: str, role: str
) -> tuple[tuple[str, ...], tuple[frozenset[str], ...]]:
    """A passage's quotable sentences as shown and the stems they are scored by (``roles.read``).
    A passage is read several times for one suggestion (its conflicts, the answer, the reply
    draft) and comes back question after question, so the reading is kept (at most 4,096
    passages)."""
    shown, plain = read(text, labelled, role)
    return tuple(shown), tuple(frozenset(stems(s)) if s else frozenset() for s in plain)


def _announced(chosen: list[tuple[float, _Source, int]]) -> list[tuple[float, _Source, int]]:
    """What a chosen sentence that announces something ("Run this command:", "run either of the
    following commands.") announces: the sentence or code after it (the command, the setting, the
    list's first item), unless already chosen."""
    have = {(source.index, pos) for _, source, pos in chosen}
    out = []
    for score, source, pos in chosen:
        follow = pos + 1
        if follow >= len(source.sentences) or (source.index, follow) in have:
            continue
        after = source.sentences[follow]
        text = source.sentences[pos].rstrip()
        if after and (text.endswith(":") or (after.startswith("`") and _FOLLOWING.search(text))):
            have.add((source.index, follow))
            out.append((score, source, follow))
    return out


def _introduced(chosen: list[tuple[float, _Source, int]]) -> list[tuple[float, _Source, int]]:
    """The chosen sentences without a lead-in ("... may look like this:") whose next sentence,
    what it introduces, is not chosen (a code block too long to quote, an item left out): it
    would end the answer, or stand before another sentence, pointing at nothing. Kept when it is
    all there is."""
    have = {(source.index, pos) for _, source, pos in chosen}
    kept = [
        c
        for c in chosen
        if not c[1].sentences[c[2]].rstrip().endswith(":") or (c[1].index, c[2] + 1) in have
    ]
    return kept or chosen


def _best_by_source(chosen: list[tuple[float, _Source, int]]) -> dict[int, float]:
    """Each chosen source's best sentence score, by the source's index."""
    best: dict[int, float] = {}
    for score, source, _ in chosen:
        best[source.index] = max(best.get(source.index, 0.0), score)
    return best


def _picks(source: _Source, start: int, end: int) -> list[Pick]:
    return [
        Pick(source.index, pos, source.sentences[pos])
        for pos in range(start, end)
        if source.sentences[pos]
    ]


def _weights(wanted: set[str], sources: list[_Source]) -> dict[str, float]:
    """Each question stem weighted by how rare it is among the candidate sentences."""
    df: Counter[str] = Counter()
    n = 0
    for source in sources:
        for sentence_stems in source.stems:
            if sentence_stems:
                n += 1
                df.update(sentence_stems & wanted)
    return {s: math.log(1 + n / df[s]) for s in wanted if df[s]}


def _duplicate(a: str, b: str, share: float = 0.7) -> bool:
    """Two sentences that say the same (most of the shorter one's stems are in the other)."""
    sa, sb = stems(a), stems(b)
    if not sa or not sb:
        return a.strip() == b.strip()
    return len(sa & sb) / min(len(sa), len(sb)) >= share

"""What the LLM answerer keeps of the model's reply: parsed, every cited sentence checked.

The model's word is never taken for a citation: indices outside 1..n are dropped, and every fact
of a sentence (numbers, durations, amounts, negations, opposites, names: ``facts.check``) must be
in the passages it cites, which must also share a few of its words. The reply draft keeps only
sentences backed by passages a customer may read, framed by ``ReplyWriter``'s greeting and closing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from assistant.answerers import AnswererError
from assistant.answerers.common import citation_for, next_actions, snippet
from assistant.answerers.facts import FactCheck, check
from assistant.answerers.reply import ReplyWriter, sendable
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Suggestion
from assistant.text import split_sentences

COURTESY_MAX_WORDS = 12  # an uncited line up to this long is taken for a greeting or closing
MIN_OVERLAP = 0.3  # of a sentence's content words in its passages: a floor against fabrication
NO_COVERAGE = "The knowledge base does not cover this question."
UNSUPPORTED = "llm answer not supported by its passages"
_MARKER = re.compile(r"\s*\[(\d+)\]")
_MARKERS_AFTER_END = re.compile(r"([.!?])((?:\s*\[\d+\])+)")
_TRAILING_PUNCT = re.compile(r"^(.*?)([.!?:;]*)$", re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class LLMSentence(BaseModel):
    text: str
    citations: list[int]


class LLMOutput(BaseModel):
    abstain: bool
    abstain_reason: str | None
    answer: list[LLMSentence]
    reply_draft: list[LLMSentence]
    confidence: float


def parse_output(content: str | None) -> LLMOutput:
    """The model's JSON reply; ``AnswererError("llm returned invalid JSON")`` if it is not one."""
    text = (content or "").strip()
    fenced = _FENCE.match(text)
    try:
        return LLMOutput.model_validate(json.loads(fenced.group(1) if fenced else text))
    except (json.JSONDecodeError, ValidationError):
        raise AnswererError("llm returned invalid JSON") from None


@dataclass(frozen=True)
class Claim:
    text: str
    cites: tuple[int, ...]


def claims(sentences: list[LLMSentence]) -> Iterator[Claim]:
    """One claim per sentence, its citations from inline [n] markers or the item's list."""
    for item in sentences:
        pieces = split_sentences(_MARKERS_AFTER_END.sub(r"\2\1", item.text))
        for piece in pieces:
            inline = [int(n) for n in _MARKER.findall(piece)]
            cites = inline + item.citations if len(pieces) == 1 else inline or item.citations
            text = _MARKER.sub("", piece).strip()
            if text:
                yield Claim(text, tuple(dict.fromkeys(cites)))


def _short(text: str) -> str:
    return snippet(text, 80)


def fact_check(claim: Claim, cites: list[int], chunks: list[RetrievedChunk]) -> FactCheck:
    """``claim`` checked against the passages it cites, taken together."""
    cited = (chunks[i - 1] for i in cites)
    return check(claim.text, "\n".join(f"{c.title}\n{c.section}\n{c.text}" for c in cited))


def _why(result: FactCheck) -> str:
    if result.unsupported:
        return "; ".join(str(item) for item in result.unsupported)
    return f"too few of its words are in them ({result.overlap:.0%})"


def _with_markers(claim: Claim) -> str:
    match = _TRAILING_PUNCT.match(claim.text)
    body, punct = (match.group(1), match.group(2)) if match else (claim.text, "")
    return f"{body} {''.join(f'[{i}]' for i in claim.cites)}{punct or '.'}"


@dataclass
class Checker:
    passages: list[RetrievedChunk]
    min_overlap: float
    warnings: list[str]
    writer: ReplyWriter = field(default_factory=ReplyWriter)

    def valid(self, claim: Claim, where: str) -> list[int]:
        bad = [i for i in claim.cites if not 1 <= i <= len(self.passages)]
        if bad:
            listed = ", ".join(f"[{i}]" for i in bad)
            self.warnings.append(f"{where}: dropped citation {listed} (no such passage)")
        return [i for i in claim.cites if 1 <= i <= len(self.passages)]

    def unsupported(self, claim: Claim, cites: list[int], where: str) -> bool:
        """Whether the cited passages fail ``claim`` (then a warning says what they lack)."""
        result = fact_check(claim, cites, self.passages)
        if result.holds(self.min_overlap):
            return False
        problem = f"removed a sentence its passages do not support ({_why(result)})"
        self.warnings.append(f"{where}: {problem}: '{_short(claim.text)}'")
        return True

    def answer(self, sentences: list[LLMSentence]) -> tuple[list[Claim], int]:
        """The supported answer sentences (with their valid citations) and how many were given."""
        kept: list[Claim] = []
        given = list(claims(sentences))
        for claim in given:
            valid = self.valid(claim, "answer")
            if not valid:
                what = "a sentence citing no real passage" if claim.cites else "an uncited sentence"
                self.warnings.append(f"answer: removed {what}: '{_short(claim.text)}'")
            elif not self.unsupported(claim, valid, "answer"):
                kept.append(Claim(claim.text, tuple(valid)))
        return kept, len(given)

    def reply(self, sentences: list[LLMSentence]) -> str:
        """The reply draft, through ``ReplyWriter``: only sentences whose cited passages may all
        reach a customer (``sendable``: public, current, agent-facing) and support them, in the
        writer's own greeting and closing. An uncited line is dropped, courtesy or not: a short
        one can carry an internal code as well as a long one (only a long one is warned of)."""
        kept: list[tuple[str, list[RetrievedChunk]]] = []
        for claim in claims(sentences):
            valid = self.valid(claim, "reply draft")
            if not valid:  # a greeting or closing is the writer's own: dropped without a word
                if len(claim.text.split()) > COURTESY_MAX_WORDS:
                    removed = f"removed an uncited sentence: '{_short(claim.text)}'"
                    self.warnings.append(f"reply draft: {removed}")
                continue
            cited = [self.passages[i - 1] for i in valid]
            if not all(sendable(chunk) for chunk in cited):
                self.warnings.append(
                    "reply draft: removed a sentence citing a passage a customer may not read"
                )
            elif not self.unsupported(claim, valid, "reply draft"):
                kept.append((claim.text, cited))
        return self.writer.compose(kept)


def build_suggestion(
    output: LLMOutput, passages: list[RetrievedChunk], *, name: str, min_overlap: float
) -> Suggestion:
    if output.abstain:
        reason = (output.abstain_reason or "").strip() or "the passages do not cover the question"
        return abstention(name, reason)
    checker = Checker(passages, min_overlap, [])
    kept, given = checker.answer(output.answer)
    if not kept:  # a failure like any other: the fallback answers from the same passages
        raise AnswererError(UNSUPPORTED if given else "llm gave no answer")
    cited = sorted({i for claim in kept for i in claim.cites})
    chunks = [(i, passages[i - 1]) for i in cited]
    confidence = min(max(output.confidence, 0.0), 1.0, len(kept) / given)
    return Suggestion(
        answer=" ".join(_with_markers(claim) for claim in kept),
        citations=[citation_for(i, chunk) for i, chunk in chunks],
        next_actions=next_actions(chunks),
        reply_draft=checker.reply(output.reply_draft),
        confidence=round(confidence, 3),
        answerer=name,
        stale_sources=sorted({chunk.doc_id for _, chunk in chunks if chunk.stale}),
        warnings=checker.warnings,
    )


def abstention(name: str, reason: str) -> Suggestion:
    return Suggestion(
        answer=NO_COVERAGE, confidence=0.0, abstained=True, reason=reason, answerer=name
    )

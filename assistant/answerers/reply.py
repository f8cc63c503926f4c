"""The reply draft: plain, customer-ready text an agent can send as it is.

Built only from passages a customer may read and that are current: public, not stale, written for
answering (agent-facing, not an internal or customer section), and never a sentence that lost a
quantity conflict. The sentences are chosen like the answer's, then rendered as plain text (no
Markdown marks, no citation markers, links kept as "text (url)"), framed by a greeting and a
closing, with the sources' addresses.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from assistant.answerers.common import is_public
from assistant.answerers.confidence import stems
from assistant.answerers.roles import AGENT, role_of
from assistant.answerers.selection import Pick, Selector
from assistant.formatting import to_plain
from assistant.retrieval import RetrievedChunk


@dataclass(frozen=True)
class ReplyTemplate:
    """The customer-facing frame of a reply draft: an opening, the body, links, a closing."""

    opening: str = "Hi,\n\nThanks for reaching out."
    closing: str = "Let me know if anything is unclear.\n\nBest regards,"

    def render(self, body: list[str], links: list[str]) -> str:
        parts = [self.opening, " ".join(body)]
        if links:
            parts.append("More details: " + " ".join(links))
        parts.append(self.closing)
        return "\n\n".join(p for p in parts if p)


def sendable(chunk: RetrievedChunk) -> bool:
    """Whether a passage may reach a customer: public, current, and written to answer from."""
    return is_public(chunk) and not chunk.stale and role_of(chunk) == AGENT


@dataclass(frozen=True)
class ReplyWriter:
    template: ReplyTemplate = field(default_factory=ReplyTemplate)
    selector: Selector = field(default_factory=lambda: Selector(max_span=3, max_extra=1))
    max_sentences: int = 3
    # When the answer cites no sendable passage (it came from tickets, playbooks or stale
    # articles), the draft is drawn from other public passages that share the question's words;
    # it is kept only if at least this share of its words are the answer's, so that it says what
    # the answer says rather than something else on the same words ("reminders stop" for "the
    # sync stopped"). Chosen on the sample gold set's dev items as ``Selector.floor`` was: the
    # largest bar that keeps the facts their drafts hold (0.291 up to 0.4, 0.264 at 0.5) less
    # one 0.1 step of margin.
    agreement: float = 0.3

    def draft(
        self,
        question: str,
        passages: Sequence[RetrievedChunk],
        dropped: Collection[tuple[int, int]] = (),
        answer: Sequence[Pick] | None = None,
    ) -> str:
        """The draft for ``question`` from the sendable ``passages``; "" when none is usable.
        ``dropped`` (passage, position) pairs are sentences that must not be used.

        Given the ``answer``'s sentences, only the sendable passages of the documents it cites
        are drawn on, when there are any: a document the answer passed over that happens to
        share the question's words ("stop" in "reminders stop" for "the sync stopped") would
        make a draft about something else. The answer's words count beside the question's
        (``Selector.context_weight``): when the answer comes from a source a customer may not
        read (a resolved ticket, a playbook), the draft says what a public article says of the
        same thing ("the invoice stays paid") rather than what it says of the question's topic
        in general. When the answer cites no sendable passage, a draft from the others is
        kept only if it shares enough of the answer's words (``agreement``): no draft is better
        than one about something else."""
        keep = [n for n, chunk in enumerate(passages) if sendable(chunk)]
        cites = False  # whether the answer cites a sendable passage
        if answer is not None:
            cited = {passages[p.passage].doc_id for p in answer}
            own = [n for n in keep if passages[n].doc_id in cited]
            cites, keep = bool(own), own or keep
        if not keep:
            return ""
        local = {old: new for new, old in enumerate(keep)}
        own_dropped = {(local[p], pos) for p, pos in dropped if p in local}
        safe = [passages[n] for n in keep]
        said = " ".join(p.text for p in answer) if answer else ""
        picks = self.selector.select(question, safe, own_dropped, said)[: self.max_sentences]
        if said and not cites and not _agrees(picks, said, self.agreement):
            return ""
        return self.compose([(p.text, [safe[p.passage]]) for p in picks])

    def compose(self, sentences: Sequence[tuple[str, Sequence[RetrievedChunk]]]) -> str:
        """The draft of ``sentences``, each with the sendable passages it comes from (already
        checked by the caller): plain text in the template, with the passages' addresses; ""
        when no sentence is left. The greeting and closing are the template's, never free text."""
        body = _merged([line for line in (_plain(text) for text, _ in sentences) if line])
        if not body:
            return ""
        links: list[str] = []
        for _, sources in sentences:
            for chunk in sources:
                url = str(chunk.metadata.get("url") or "")
                if url and url not in links:
                    links.append(url)
        return self.template.render(body, links)


def _agrees(picks: Sequence[Pick], said: str, bar: float) -> bool:
    """Whether at least ``bar`` of the picked sentences' words are words of ``said``."""
    words = stems(" ".join(p.text for p in picks))
    return bool(words) and len(words & stems(said)) / len(words) >= bar


def _plain(sentence: str) -> str:
    line = " ".join(to_plain(sentence).split())
    return line if not line or line.endswith((".", "!", "?", ":")) else line + "."


def _merged(lines: list[str]) -> list[str]:
    """Sentences that open with the same lead-in of three words or more ("What is not covered:
    Monthly plan charges.", "What is not covered: Enterprise subscriptions.") said once, their
    items joined: "What is not covered: Monthly plan charges; Enterprise subscriptions." """
    out: list[str] = []
    for line in lines:
        lead, sep, rest = line.partition(": ")
        previous = out[-1] if out else ""
        if sep and len(lead.split()) >= 3 and previous.startswith(lead + ": "):
            out[-1] = previous.rstrip(".") + "; " + rest
        else:
            out.append(line)
    return out

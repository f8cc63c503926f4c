"""What kbassist suggests to an agent, and what it is asked.

The field names here are the public contract: ``kbassist ask --json``, the HTTP API and the Slack
app all emit exactly these.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

MAX_FILTER_VALUES = 20
FilterValue = Annotated[str, StringConstraints(max_length=200)]
ActionKind = Literal["escalate", "refund", "request_info", "link", "form", "macro", "other"]


class Citation(BaseModel):
    index: int = Field(description="the n of [n] in the answer")
    doc_id: str
    title: str
    url: str = ""
    section: str = ""
    source_type: str
    chunk_id: str
    snippet: str
    stale: bool = False

    def subsection(self) -> str:
        """The section path below the title ("Title > Steps" -> "Steps"; "" for the title's own
        section), for display beside the title without repeating it."""
        if self.title and self.section.startswith(self.title):
            return self.section[len(self.title) :].lstrip(" >")
        return self.section


class NextAction(BaseModel):
    label: str
    kind: ActionKind
    playbook_id: str
    step: int | None = None
    citation: int | None = Field(default=None, description="index of the citation it comes from")
    details: dict[str, Any] = Field(default_factory=dict)


# Why an answered suggestion has no reply draft (``answerers.reply``): a draft quotes only
# current public articles, and only when it says what the answer says. The channels show it.
NO_REPLY_DRAFT = "No reply draft: no current public article says this; write the reply yourself."


class Suggestion(BaseModel):
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    next_actions: list[NextAction] = Field(default_factory=list)
    reply_draft: str = ""
    confidence: float = Field(ge=0.0, le=1.0)  # the chance the answer is right; 0 abstained
    abstained: bool = False
    # the answerability classifier's estimate that the knowledge base answers the question, kept
    # on an abstention too (where ``confidence`` is 0): what an abstention threshold is tuned on
    answerability: float | None = Field(default=None, ge=0.0, le=1.0)
    reason: str | None = None
    answerer: str = "extractive"
    fallback_reason: str | None = None
    stale_sources: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Turn(BaseModel):
    """An earlier turn of the conversation (a Slack thread, a chat)."""

    role: Literal["user", "assistant"] = "user"
    text: str = Field(max_length=8000)


class Ticket(BaseModel):
    """The open ticket an agent wants a suggestion for."""

    subject: str = Field(default="", max_length=1000)
    description: str = Field(default="", max_length=20000)
    product: str | None = None
    customer_tier: str | None = None


class AskRequest(BaseModel):
    """A question or a ticket, with the earlier turns and filters."""

    question: str | None = Field(default=None, max_length=4000)
    ticket: Ticket | None = None
    history: list[Turn] = Field(default_factory=list, max_length=50)
    products: list[FilterValue] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    source_types: list[FilterValue] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    tags: list[FilterValue] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)

    def text(self) -> str:
        """The text retrieval starts from: the question, or the ticket's subject and body."""
        if self.question and self.question.strip():
            return self.question.strip()
        if self.ticket:
            return f"{self.ticket.subject}\n{self.ticket.description}".strip()
        return ""

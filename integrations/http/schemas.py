"""Request and response bodies of the HTTP API (the suggestion fields are ``Suggestion``'s)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from assistant.answerers.common import snippet
from assistant.records import Decision, SuggestionRecord
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import AskRequest, Suggestion


class SuggestionIn(AskRequest):
    """A question or a ticket (with optional history and filters), and who asks."""

    asker: str | None = Field(
        default=None, max_length=200, description="who asks (defaults to the API caller)"
    )

    def ask_request(self) -> AskRequest:
        return AskRequest.model_validate(self.model_dump(exclude={"asker"}))


class SuggestionOut(Suggestion):
    """The suggestion, exactly as ``kbassist ask --json`` prints it, and its id."""

    id: str

    @classmethod
    def of(cls, record: SuggestionRecord) -> SuggestionOut:
        return cls.model_validate({**record.suggestion.model_dump(), "id": record.id})


class SuggestionDetail(SuggestionOut):
    """A saved suggestion with what was asked and every decision on it, oldest first."""

    created_at: datetime
    request: AskRequest
    decisions: list[Decision]

    @classmethod
    def of_saved(cls, record: SuggestionRecord, decisions: list[Decision]) -> SuggestionDetail:
        fields = record.suggestion.model_dump()
        return cls.model_validate(
            {
                **fields,
                "id": record.id,
                "created_at": record.created_at,
                "request": record.request,
                "decisions": decisions,
            }
        )


class SearchHit(BaseModel):
    rank: int
    score: float
    doc_id: str
    source_type: str
    title: str
    section: str
    chunk_id: str
    snippet: str

    @classmethod
    def of(cls, rank: int, chunk: RetrievedChunk) -> SearchHit:
        return cls(
            rank=rank,
            score=round(chunk.score, 4),
            doc_id=chunk.doc_id,
            source_type=chunk.source_type,
            title=chunk.title,
            section=chunk.section,
            chunk_id=chunk.chunk_id,
            snippet=snippet(chunk.text),
        )


class UploadReport(BaseModel):
    """What an upload did: the documents it held and the ingest counts."""

    filename: str
    documents: list[str]
    added: int
    updated: int
    unchanged: int
    deleted: int
    skipped: int
    failed: int
    chunks: int


class ErrorDetail(BaseModel):
    code: str = Field(description="one of assistant.errors.ErrorCode")
    detail: str = Field(description="a sentence for the agent; names the field when one is bad")


class ErrorBody(BaseModel):
    """Every error response: ``{"error": {"code": ..., "detail": ...}}``."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "no valid API key (when keys are configured)"),
        (404, "no such suggestion, or not one this caller may see"),
        (413, "the request body is over KBASSIST_MAX_REQUEST_BYTES"),
        (422, "a bad request: the detail names the field"),
    )
}


class Status(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)

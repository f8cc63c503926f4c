"""``/v1/suggestions``: ask for a suggestion, read it back, record an agent's decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from assistant.records import Decision, DecisionIn
from integrations.http.deps import AudienceDep, CallerDep, ChannelDep, ServiceDep, get_caller
from integrations.http.schemas import ERRORS, SuggestionDetail, SuggestionIn, SuggestionOut

router = APIRouter(
    prefix="/v1/suggestions",
    tags=["suggestions"],
    dependencies=[Depends(get_caller)],
    responses=ERRORS,
)

SuggestionId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("", status_code=201)
def create_suggestion(
    body: SuggestionIn,
    service: ServiceDep,
    caller: CallerDep,
    audience: AudienceDep,
    channel: ChannelDep,
    response: Response,
) -> SuggestionOut:
    """A cited answer, next actions and a reply draft for a question or a ticket."""
    record = service.suggest(body.ask_request(), audience, channel, body.asker or caller.name)
    response.headers["Location"] = f"{router.prefix}/{record.id}"
    return SuggestionOut.of(record)


@router.get("/{suggestion_id}")
def read_suggestion(
    suggestion_id: SuggestionId, service: ServiceDep, audience: AudienceDep
) -> SuggestionDetail:
    """A saved suggestion, what was asked and the decisions taken on it (oldest first)."""
    record, decisions = service.get(suggestion_id, audience)
    return SuggestionDetail.of_saved(record, decisions)


@router.post(
    "/{suggestion_id}/decision",
    status_code=201,
    responses={200: {"model": Decision, "description": "a repeated request: already recorded"}},
)
def decide(
    suggestion_id: SuggestionId,
    body: DecisionIn,
    service: ServiceDep,
    audience: AudienceDep,
    response: Response,
) -> Decision:
    """Record that an agent accepted, edited, overrode the suggestion or rated a citation."""
    decided = service.decide(suggestion_id, body, audience)
    if not decided.new:
        response.status_code = 200
    return decided.decision

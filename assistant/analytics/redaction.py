"""What agents paste is redacted before the suggestion store keeps it: the question, the ticket's
subject and description, the earlier turns, and a decision's edited, override and reason text.

The ticket redactor (``ingest.redact``: e-mail, IBAN, card, IP, phone; names only where known,
and a question names no requester) replaces each value with its typed placeholder, which is kept.
``assistant.service`` applies these before recording, so that the request key of a decision, its
diff and the stored record all see the same redacted text.
"""

from __future__ import annotations

from assistant.records import DecisionIn
from assistant.suggestion import AskRequest
from ingest.redact import redact


def scrub(text: str | None) -> str | None:
    return None if text is None else redact(text).text


def redacted_request(request: AskRequest) -> AskRequest:
    update: dict[str, object] = {
        "question": scrub(request.question),
        "history": [t.model_copy(update={"text": scrub(t.text)}) for t in request.history],
    }
    if request.ticket is not None:
        ticket = request.ticket
        update["ticket"] = ticket.model_copy(
            update={"subject": scrub(ticket.subject), "description": scrub(ticket.description)}
        )
    return request.model_copy(update=update)


def redacted_decision(decision: DecisionIn) -> DecisionIn:
    return decision.model_copy(
        update={name: scrub(getattr(decision, name)) for name in ("text", "reply_text", "reason")}
    )

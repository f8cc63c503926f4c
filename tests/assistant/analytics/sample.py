"""A small, known usage history for the analytics tests: five suggestions by two teams, with
their decisions, and the knowledge base's documents.

| id | team  | channel | lead (visibility)          | latency | decisions                        |
|----|-------|---------|----------------------------|---------|----------------------------------|
| s1 | tier1 | http    | kb-a (public)              | 100     | accept                           |
| s2 | tier1 | slack   | kb-a (public)              | 200     | citation 1 rated wrong, override |
| s3 | tier2 | http    | abstained, kb-secret (t2)  | 300     | none                             |
| s4 | tier1 | http    | kb-b (internal, stale)     | 400     | edit (share 0.4: 3 of 5 words)   |
| s5 | tier1 | http    | kb-c, 60 days ago          | 900     | rated wrong, outside a 30d window|
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.access import Audience
from assistant.analytics.catalog import DocumentInfo
from assistant.records import DecisionIn, RetrievedRef, SuggestionRecord
from assistant.service import SupportService
from assistant.suggestion import AskRequest, Citation, Suggestion

NOW = datetime.now(UTC)
VISIBILITY = {"kb-a": "public", "kb-b": "internal", "kb-c": "public", "kb-secret": "team:tier2"}
CATALOG = {
    "kb-a": DocumentInfo("kb-a", "Refunds", "article", "ana", "", "public", ""),
    "kb-b": DocumentInfo("kb-b", "Old policy", "playbook", "bo", "", "internal", "2020-01-01"),
    "kb-c": DocumentInfo("kb-c", "Shipping", "article", "ana", "", "public", ""),
    "kb-d": DocumentInfo("kb-d", "Never used", "article", "", "", "public", ""),
    "kb-secret": DocumentInfo("kb-secret", "Tier 2 only", "article", "", "", "team:tier2", ""),
}


def record(
    suggestion_id: str,
    channel: str,
    docs: list[str],
    latency: float,
    cited: bool = True,
    stale: bool = False,
    age: timedelta = timedelta(hours=1),
) -> SuggestionRecord:
    citations = [
        Citation(
            index=i,
            doc_id=doc,
            title=doc,
            source_type="article",
            chunk_id=f"{doc}#0",
            snippet="...",
            stale=stale,
        )
        for i, doc in enumerate(docs if cited else [], start=1)
    ]
    answer = "one two three four [1]." if cited else "I don't know."
    return SuggestionRecord.model_validate(
        {
            "id": suggestion_id,
            "channel": channel,
            "asker": "agent",
            "request": AskRequest(question=f"question {suggestion_id}"),
            "retrieved": [
                RetrievedRef(
                    chunk_id=f"{d}#0", doc_id=d, score=0.5, visibility=VISIBILITY[d], owner="ana"
                )
                for d in docs
            ],
            "suggestion": Suggestion(
                answer=answer, citations=citations, confidence=0.7, abstained=not cited
            ),
            "latency_ms": latency,
            "created_at": NOW - age,
        }
    )


def fill(service: SupportService) -> None:
    store = service.suggestions
    tier1, tier2 = Audience.agent("tier1"), Audience.agent("tier2")
    store.save(record("s1", "http", ["kb-a"], 100), tier1)
    store.save(record("s2", "slack", ["kb-a"], 200), tier1)
    store.save(record("s3", "http", ["kb-secret"], 300, cited=False), tier2)
    store.save(record("s4", "http", ["kb-b"], 400, stale=True), tier1)
    store.save(record("s5", "http", ["kb-c"], 900, age=timedelta(days=60)), tier1)
    service.decide("s1", DecisionIn(action="accept", agent="a"))
    rate = DecisionIn(action="rate_citation", agent="a", citation_index=1, rating="wrong")
    service.decide("s2", rate)
    service.decide("s2", DecisionIn(action="override", agent="a", text="No.", reason="wrong"))
    service.decide("s4", DecisionIn(action="edit", agent="a", text="one two five six [1]."))
    service.decide("s5", rate)

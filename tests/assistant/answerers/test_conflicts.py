"""Quantity conflicts between sources, on hand-made passages."""

from __future__ import annotations

from assistant.answerers.conflicts import quantities
from assistant.answerers.selection import Selector
from assistant.retrieval import RetrievedChunk


def article(doc: str, text: str, updated: str, stale: bool = False) -> RetrievedChunk:
    meta = {"source_type": "article", "section": "Annual plans", "title": f"Refunds {doc}"}
    meta["updated_at"] = updated
    return RetrievedChunk(f"{doc}::0", doc, text, meta, 1.0, stale=stale)


def test_quantities_are_read_with_their_unit() -> None:
    assert quantities("a full refund within 14 days of the charge") == {"day": {"14"}}
    assert quantities("the 14-day article; 5 to 10 business days") == {
        "day": {"14"},
        "business day": {"10"},
    }
    assert quantities("Tier 1 may refund up to 500 USD, billing $2,000.00") == {
        "usd": {"500", "2000"}
    }
    assert quantities("no figures here") == {}


OLD = article(
    "kb-old", "You can get a full refund of an annual plan within 14 days.", "2024-03-01", True
)
NEW = article("kb-new", "You can get a full refund of an annual plan within 30 days.", "2026-04-01")


def test_different_figures_for_the_same_thing_warn_and_the_fresh_source_wins() -> None:
    choice = Selector().choose("refund window for an annual plan in days", [OLD, NEW])
    assert [p.passage for p in choice.picks] == [1]  # the stale 14 days is kept out
    assert choice.dropped == {(0, 0)}
    [warning] = choice.warnings
    assert "kb-old" in warning and "kb-new" in warning
    assert "14 days" in warning and "30 days" in warning


def test_a_newer_update_wins_when_neither_is_stale() -> None:
    older = article("kb-a", "The refund window for annual plans is 14 days.", "2025-01-01")
    newer = article("kb-b", "The refund window for annual plans is 30 days.", "2026-01-01")
    choice = Selector().choose("annual plan refund window", [older, newer])
    assert choice.dropped == {(0, 0)} and "follows kb-b" in choice.warnings[0]


def test_figures_about_different_things_do_not_conflict() -> None:
    reset = article("kb-r", "Reset links are valid for 60 minutes.", "2026-01-01")
    lock = article(
        "kb-l", "After 5 failed sign-ins the account locks for 15 minutes.", "2026-01-01"
    )
    choice = Selector().choose("reset link minutes account locks", [reset, lock])
    assert choice.warnings == [] and not choice.dropped

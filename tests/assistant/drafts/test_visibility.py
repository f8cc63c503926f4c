"""Visibility: a draft from team-restricted tickets carries the narrowest visibility of its
sources, only reviewers of that team see it, and publishing keeps it unless the reviewer
changes it in the Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.drafts.model import narrowest, within
from assistant.embedding import SentenceTransformerEmbedder
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings
from assistant.suggestion import AskRequest
from assistant.types import Audience
from tests.assistant.drafts.conftest import portal_tickets, services_for, write_portal_kb


def test_the_narrowest_visibility_of_the_sources() -> None:
    assert narrowest(["public", "internal"]) == "internal"
    assert narrowest(["internal", "team:billing", "public"]) == "team:billing"
    assert narrowest(["team:billing,tier2", "team:tier2"]) == "team:tier2"
    assert narrowest(["team:billing", "team:security"]) is None
    assert within("team:tier2", "internal") and not within("public", "internal")


@pytest.mark.slow
def test_a_draft_from_restricted_tickets_stays_with_their_team(
    tmp_path: Path, settings: Settings, embedder: SentenceTransformerEmbedder
) -> None:
    tickets = portal_tickets("team:tier2")
    tickets[0]["visibility"] = "internal"
    kb = write_portal_kb(tmp_path / "kb", tickets)
    services = services_for(settings, embedder, kb)
    drafts = services.drafts
    [draft_id] = drafts.generate(min_tickets=3).created
    tier2, outsider = Audience.agent("tier2"), Audience.agent("billing")
    draft = drafts.show(draft_id, tier2)
    assert draft.visibility == "team:tier2" and "visibility: team:tier2" in draft.markdown
    assert drafts.list(outsider) == [] and [d.id for d in drafts.list(tier2)] == [draft_id]
    for action in (
        lambda: drafts.show(draft_id, outsider),
        lambda: drafts.approve(draft_id, "eve", outsider),
        lambda: drafts.reject(draft_id, "eve", "no", outsider),
    ):
        with pytest.raises(KbassistError) as hidden:
            action()
        assert hidden.value.code == ErrorCode.NOT_FOUND
    published = drafts.approve(draft_id, "amelia", tier2)
    question = AskRequest(question="client portal link already used on the first click")
    for audience, sees in ((tier2, True), (outsider, False)):
        record = services.service.suggest(question, audience, "cli", "t", record=False)
        cited = {c.doc_id for c in record.suggestion.citations}
        assert (published.doc_id in cited) is sees

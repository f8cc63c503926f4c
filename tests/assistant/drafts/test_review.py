"""The review queue: approve publishes (atomic write, ingested at once, cited first by the next
question), reject keeps why, and bad input leaves no file and the store unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.compose import Services
from assistant.drafts.service import DraftService
from assistant.errors import ErrorCode, KbassistError
from assistant.suggestion import AskRequest
from assistant.types import Audience

pytestmark = pytest.mark.slow
AGENT = Audience.agent()
QUESTION = "My client says the client portal link is expired or already used on first click"


def _draft(drafts: DraftService) -> str:
    [draft_id] = drafts.generate(min_tickets=3).created
    return draft_id


def test_generate_approve_then_ask_cites_the_new_article_first(
    portal_services: Services, drafts: DraftService
) -> None:
    draft_id = _draft(drafts)
    published = drafts.approve(draft_id, "amelia", AGENT)
    assert published.state == "published" and published.reviewer == "amelia"
    assert published.reviewed_at is not None
    path = Path(str(published.published_path))
    assert path.parent == portal_services.settings.data_dir / "published"
    assert "ticket-7001" in path.read_text()  # it lists its source tickets
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    record = portal_services.service.suggest(
        AskRequest(question=QUESTION), AGENT, channel="cli", asker="t", record=False
    )
    assert record.suggestion.citations[0].doc_id == published.doc_id
    assert record.suggestion.citations[0].source_type == "article"


def test_approving_twice_or_a_rejected_draft_is_a_conflict(drafts: DraftService) -> None:
    draft_id = _draft(drafts)
    drafts.approve(draft_id, "amelia", AGENT)
    with pytest.raises(KbassistError) as twice:
        drafts.approve(draft_id, "amelia", AGENT)
    assert twice.value.code == ErrorCode.CONFLICT and "published" in twice.value.detail


def test_a_rejected_draft_cannot_be_approved(drafts: DraftService) -> None:
    draft_id = _draft(drafts)
    drafts.reject(draft_id, "amelia", "duplicate of a macro", AGENT)
    with pytest.raises(KbassistError) as rejected:
        drafts.approve(draft_id, "amelia", AGENT)
    assert rejected.value.code == ErrorCode.CONFLICT
    assert "rejected (duplicate of a macro)" in rejected.value.detail
    with pytest.raises(KbassistError) as no_reason:
        drafts.reject(_draft_or_none(drafts) or draft_id, "amelia", "  ", AGENT)
    assert no_reason.value.code == ErrorCode.BAD_INPUT and "reason" in no_reason.value.detail


def _draft_or_none(drafts: DraftService) -> str | None:
    created = drafts.generate(min_tickets=3).created
    return created[0] if created else None


def _store_unchanged(services: Services, before: int, draft_id: str) -> None:
    assert services.store.count() == before
    assert services.drafts.show(draft_id, AGENT).state == "open"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_publish_folder_is_a_clear_error(
    portal_services: Services, drafts: DraftService, tmp_path: Path
) -> None:
    draft_id = _draft(drafts)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    drafts.publisher.folder = locked / "published"
    before = portal_services.store.count()
    with pytest.raises(KbassistError) as error:
        drafts.approve(draft_id, "amelia", AGENT)
    assert error.value.code == ErrorCode.CONFIG and "not writable" in error.value.detail
    _store_unchanged(portal_services, before, draft_id)


def test_a_publish_folder_that_is_a_file_is_a_clear_error(
    portal_services: Services, drafts: DraftService, tmp_path: Path
) -> None:
    draft_id = _draft(drafts)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    drafts.publisher.folder = blocker
    before = portal_services.store.count()
    with pytest.raises(KbassistError) as error:
        drafts.approve(draft_id, "amelia", AGENT)
    assert error.value.code == ErrorCode.CONFIG and str(blocker) in error.value.detail
    _store_unchanged(portal_services, before, draft_id)


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda md: md.replace("visibility: internal", "visibility: everyone"), "visibility"),
        (lambda md: md.replace("title: ", "title:\n  - ", 1), "title"),
        (lambda md: md.replace("visibility: internal\n", ""), "visibility"),
        (lambda md: md.replace("---\n", "", 1), "front matter"),
    ],
)
def test_a_draft_edited_into_invalid_front_matter_is_refused(
    portal_services: Services, drafts: DraftService, edit: object, named: str
) -> None:
    draft_id = _draft(drafts)
    markdown = edit(drafts.show(draft_id, AGENT).markdown)  # type: ignore[operator]
    before = portal_services.store.count()
    with pytest.raises(KbassistError) as error:
        drafts.approve(draft_id, "amelia", AGENT, markdown)
    assert error.value.code == ErrorCode.BAD_INPUT and named in error.value.detail
    assert not portal_services.settings.publish_path.exists() or not any(
        portal_services.settings.publish_path.iterdir()
    )
    _store_unchanged(portal_services, before, draft_id)
    with pytest.raises(KbassistError):
        drafts.edit(draft_id, markdown, AGENT)

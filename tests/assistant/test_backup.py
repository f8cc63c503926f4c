"""``assistant.backup``: a snapshot taken while decisions are being written restores into a new
data directory with the same status, the same search results and every acknowledged decision."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from assistant.access import Audience
from assistant.backup import MANIFEST, backup, restore
from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.errors import ErrorCode, KbassistError
from assistant.records import DecisionIn
from assistant.settings import Settings
from assistant.suggestion import AskRequest

pytestmark = pytest.mark.slow

QUERIES = ["charged twice for one invoice", "forgot my password", "restore a deleted invoice"]


def _services(data_dir: Path, embedder: SentenceTransformerEmbedder) -> Services:
    settings = Settings(data_dir=data_dir, answerer="extractive", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    services.embedder = embedder
    return services


def _ranked(services: Services, audience: Audience) -> list[list[tuple[str, float]]]:
    return [
        [(c.chunk_id, round(c.score, 6)) for c in services.service.search(q, audience, k=5)]
        for q in QUERIES
    ]


def test_a_backup_taken_under_writes_restores_everything(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    live = _services(tmp_path / "live", embedder)
    assert live.service.ingest([tiny_kb]).ok
    audience = Audience.agent("tier1", "tier2")
    service = live.service
    made = service.suggest(AskRequest(question="charged twice"), audience, "cli", "amelia")
    acked: list[str] = []
    stop = threading.Event()

    def keep_deciding() -> None:  # agents keep working while the backup runs
        i = 0
        while not stop.is_set():
            decision = DecisionIn(action="accept", agent="amelia", request_id=f"r{i}")
            acked.append(service.decide(made.id, decision).decision.id)
            i += 1

    writer = threading.Thread(target=keep_deciding)
    writer.start()
    try:
        while len(acked) < 5:
            threading.Event().wait(0.01)
        before_backup = list(acked)
        report = backup(live.settings, tmp_path / "snap")
    finally:
        stop.set()
        writer.join()
    assert report.files > 5 and report.left_out == []
    assert (tmp_path / "snap" / MANIFEST).exists()

    restored = _services(tmp_path / "restored", embedder)
    restore(restored.settings, tmp_path / "snap")
    old, new = live.service.status(), restored.service.status()
    assert (new.documents, new.chunks) == (old.documents, old.chunks)
    assert _ranked(restored, audience) == _ranked(live, audience)
    _, decisions = restored.service.get(made.id)
    kept = {d.id for d in decisions}
    assert set(before_backup) <= kept  # every decision acknowledged before the backup began
    assert kept <= set(acked)  # and nothing that was never acknowledged


def test_restore_refuses_a_used_directory_and_a_changed_backup(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    live = _services(tmp_path / "live", embedder)
    assert live.service.ingest([tiny_kb]).ok
    backup(live.settings, tmp_path / "snap")
    with pytest.raises(KbassistError) as exists:
        backup(live.settings, tmp_path / "snap")
    assert exists.value.code == ErrorCode.CONFLICT and "snap" in exists.value.detail

    with pytest.raises(KbassistError) as used:
        restore(live.settings, tmp_path / "snap")  # the live directory is not empty
    assert used.value.code == ErrorCode.CONFLICT and "live" in used.value.detail

    (tmp_path / "snap" / "docstore.json").write_text("{}")
    fresh = Settings(data_dir=tmp_path / "fresh", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(KbassistError) as changed:
        restore(fresh, tmp_path / "snap")
    assert changed.value.code == ErrorCode.BAD_INPUT
    assert "docstore.json" in changed.value.detail
    assert not fresh.data_dir.exists()  # nothing half-restored

    (tmp_path / "snap" / MANIFEST).unlink()
    with pytest.raises(KbassistError) as not_one:
        restore(fresh, tmp_path / "snap")
    assert MANIFEST in not_one.value.detail


def test_a_postgres_database_is_named_as_left_out(tmp_path: Path, tiny_kb: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "d",
        database_url="postgresql+psycopg://kb@127.0.0.1:1/kb",
        _env_file=None,
    )
    settings.data_dir.mkdir()
    (settings.data_dir / "docstore.json").write_text("{}")
    report = backup(settings, tmp_path / "snap")
    manifest = json.loads((tmp_path / "snap" / MANIFEST).read_text())
    assert report.left_out == manifest["left_out"]
    assert any("postgresql" in note for note in report.left_out)
